import { type CohortTotals, formatMonth, type MonthIndex } from '@cvf/domain';
import fc from 'fast-check';
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@cvf/test-support';
import { migrateReadModel } from '../migrations/migrate';
import { loadCohortTotals } from '../queries/cohort-totals.query';
import {
  expectedCohortTotals,
  type PaymentOp,
  paymentEvents,
  SyntheticLog,
} from '../testing/events';
import { ReadModelProjection } from './read-model-projection';

const customer = fc.nat(5);
const month = fc.nat(8);
const day = fc.integer({ min: 1, max: 28 });
const cents = fc.integer({ min: 0, max: 100_000 });
const target = fc.nat(40);
const paymentOp: fc.Arbitrary<PaymentOp> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('record' as const), customer, month, day, cents }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('refund' as const), target, cents }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('correct' as const),
      target,
      customer,
      month,
      day,
      cents,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reverse' as const), target }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('dispute' as const), target, cents }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('void' as const), target }) },
);

const plain = (totals: Map<MonthIndex, CohortTotals>) =>
  [...totals.values()].sort((a, b) => a.cohortMonth - b.cohortMonth);

function changedCohorts(
  before: Map<MonthIndex, CohortTotals>,
  after: Map<MonthIndex, CohortTotals>,
): MonthIndex[] {
  const months = new Set([...before.keys(), ...after.keys()]);
  return [...months].filter((m) => JSON.stringify(before.get(m)) !== JSON.stringify(after.get(m)));
}

describe('ReadModelProjection against the pure engine', () => {
  let database: TestDatabase;
  let pool: Pool;
  const log = new SyntheticLog();

  beforeAll(async () => {
    database = await createTestDatabase('read_model_property');
    pool = new Pool({ connectionString: database.url, max: 4 });
    await migrateReadModel(pool);
  });

  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it('keeps cohort totals equal to buildCohortTotals, whatever the batches, and names every changed cohort dirty', async () => {
    const projection = new ReadModelProjection(pool);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(paymentOp, { maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 6 }),
        async (ops, batchSizes) => {
          const companyId = `prop-${run++}`;
          const events = paymentEvents(companyId, ops);
          const recorded = log.record(events);
          let before = new Map<MonthIndex, CohortTotals>();
          for (let start = 0, i = 0; start < recorded.length; i++) {
            const size = batchSizes[i % batchSizes.length]!;
            const result = await projection.applyBatch(recorded.slice(start, start + size));
            start += size;
            const after = await loadCohortTotals(pool, 'read_model', companyId, 'all');
            const dirty =
              result.dirty.find((job) => job.companyId === companyId)?.cohortMonths ?? [];
            for (const changed of changedCohorts(before, after)) {
              expect(dirty).toContain(formatMonth(changed));
            }
            before = after;
          }
          expect(plain(before)).toEqual(plain(expectedCohortTotals(events)));

          // At-least-once delivery: the whole history again changes nothing.
          const again = await projection.applyBatch(recorded);
          expect(again).toEqual({ applied: 0, skipped: recorded.length, dirty: [] });
          const subset = [...before.keys()].filter((_, i) => i % 2 === 0);
          const partial = await loadCohortTotals(pool, 'read_model', companyId, subset);
          expect(plain(partial)).toEqual(
            plain(before).filter((t) => subset.includes(t.cohortMonth)),
          );
        },
      ),
      { numRuns: 40 },
    );
  }, 60_000);
});
