import { createHash } from 'node:crypto';
import { derivePaymentId, type PaymentRow } from '@cvf/domain';
import { FilePaymentIds, PaymentColumns } from './payment-rows';

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

const row = (
  customerId: string,
  amountCents: number,
  paymentId: string | null = null,
): PaymentRow => ({
  paymentId,
  customerId,
  paymentDate: '2020-01-15',
  paymentMonth: 2020 * 12,
  amountCents,
  currency: null,
});

describe('payment ids of a file', () => {
  it('derive like the CLI: (customer, date, amount, occurrence among rows without an id)', () => {
    const ids = new FilePaymentIds();
    const rows = [
      row('c1', 100),
      row('c2', 100),
      row('c1', 100, 'inv-1'),
      row('c1', 100),
      row('c1', 100),
    ];

    const assigned = rows.map((r, i) => ids.assign(r, i + 2));

    const derived = (customer: string, occurrence: number) =>
      derivePaymentId(customer, '2020-01-15', 100, occurrence, sha256Hex);
    expect(assigned).toEqual([
      { id: derived('c1', 1) },
      { id: derived('c2', 1) },
      { id: 'inv-1' },
      { id: derived('c1', 2) },
      { id: derived('c1', 3) },
    ]);
  });

  it('name a repeated id and an id that cannot be a stream id', () => {
    const ids = new FilePaymentIds();
    ids.assign(row('c1', 1, 'inv-1'), 2);
    const derivedFirst = ids.assign(row('c9', 5), 3);

    expect(ids.assign(row('c2', 1, 'inv-1'), 4)).toEqual({
      issues: [{ column: 'payment_id', reason: "duplicate payment_id 'inv-1' (first at row 2)" }],
    });
    const sameAsDerived = 'id' in derivedFirst ? derivedFirst.id : '';
    expect(ids.assign(row('c3', 1, sameAsDerived), 5)).toEqual({
      issues: [
        {
          column: 'payment_id',
          reason: `duplicate payment_id '${sameAsDerived}' (first at row 3)`,
        },
      ],
    });
    expect(ids.assign(row('c1', 1, 'inv 2'), 6)).toMatchObject({
      issues: [{ column: 'payment_id' }],
    });
  });
});

describe('payment columns', () => {
  it('give back each row as recorded, however many there are', () => {
    const columns = new PaymentColumns('USD');
    for (let i = 0; i < 3_000; i++) columns.push(i + 2, row(`c${i}`, i * 7), `p-${i}`);

    expect(columns.length).toBe(3_000);
    expect(columns.at(2_999)).toEqual({
      row: 3_001,
      paymentId: 'p-2999',
      customerId: 'c2999',
      paymentDate: '2020-01-15',
      amount: '209.93',
    });
    expect(columns.paymentId(0)).toBe('p-0');
    expect(() => columns.at(3_000)).toThrow(RangeError);
  });
});
