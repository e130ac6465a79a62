import { type CashflowDocument } from '@cvf/domain';
import { encodePosition } from '@cvf/event-store';
import { positionOfValue, rollupDocument, rollupDocumentJson } from './cached-results-reader';
import { type StoredRollup } from './documents';
import { toSortable } from './position';

const document = {
  view: 'actual',
  cohorts: [{ cohort_month: '2020-01-01', note: 'naïve €' }],
  monthly_collections: [{ month: '2020-01-01', amount: '160.00' }],
  breaches: [],
} as unknown as CashflowDocument;

/** As libs/cache writes it: `<pos40>|` + JSON of `{ ...stamp, document }`. */
const stored = (value: object, position = '9007199254740993:42') =>
  Buffer.from(`${toSortable(position)}|${JSON.stringify(value)}`);

describe('cached values read without a JSON round trip', () => {
  const rollup: StoredRollup = {
    position: '9007199254740993:42',
    computed_at: '2026-11-24T10:00:00.000Z',
    document,
  };

  it('given a stored rollup, then its document bytes are exactly JSON.stringify(document)', () => {
    const bytes = rollupDocumentJson(stored(rollup));
    expect(bytes.toString('utf8')).toBe(JSON.stringify(document));
    expect(rollupDocument(stored(rollup))).toEqual(document);
  });

  it('given the members in another order, then it falls back to parsing', () => {
    const reordered = { document, position: rollup.position, computed_at: rollup.computed_at };
    expect(rollupDocumentJson(stored(reordered)).toString('utf8')).toBe(JSON.stringify(document));
  });

  it('then the position is the tag, beyond 2^53 exactly', () => {
    expect(encodePosition(positionOfValue(stored(rollup)))).toBe('9007199254740993:42');
  });
});
