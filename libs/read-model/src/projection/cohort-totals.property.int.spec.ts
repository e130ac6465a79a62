import {
  buildCohortTotals,
  type CohortTotals,
  formatCents,
  formatMonth,
  type MonthIndex,
  monthOfIsoDate,
  type PaymentCommand,
  paymentDecider,
  type PaymentState,
  type RecordedPayment,
} from '@cvf/domain';
import fc from 'fast-check';
import { type RecordedEvent } from '@cvf/event-store';
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@cvf/test-support';
import { migrateReadModel } from '../migrations/migrate';
import { loadCohortTotals } from '../queries/cohort-totals.query';
import { paymentEvent, type StreamEvent, SyntheticLog } from '../testing/events';
import { ReadModelProjection } from './read-model-projection';

// The read model's cohort SQL (cohort-statements.ts) against the domain's rule: random
// payment histories, made valid by the payment decider itself, projected into a fresh
// database must give exactly `buildCohortTotals` over the payments' final state.

const FIRST_MONTH: MonthIndex = 2020 * 12;
const customer = fc.nat(3);
const month = fc.nat(11);
const day = fc.integer({ min: 1, max: 28 });
const cents = fc.integer({ min: 0, max: 100_000 });
const target = fc.nat(30);

type HistoryOp =
  | { kind: 'pay'; customer: number; month: number; day: number; cents: number }
  /** A payment before the customer's cohort month: the customer moves to an earlier cohort. */
  | { kind: 'backfill'; customer: number; monthsEarlier: number; day: number; cents: number }
  | { kind: 'refund'; target: number; cents: number }
  | { kind: 'refundInFull'; target: number }
  | { kind: 'correct'; target: number; customer: number; month: number; day: number; cents: number }
  | { kind: 'void'; target: number }
  /** Voids the payment that anchors the customer's cohort: they move later, or vanish. */
  | { kind: 'voidEarliest'; customer: number };

const op = <K extends HistoryOp['kind']>(kind: K) => fc.constant(kind);
const payOp: fc.Arbitrary<HistoryOp> = fc.record({ kind: op('pay'), customer, month, day, cents });
const historyOp: fc.Arbitrary<HistoryOp> = fc.oneof(
  { weight: 5, arbitrary: payOp },
  {
    weight: 3,
    arbitrary: fc.record({ kind: op('backfill'), customer, monthsEarlier: fc.nat(5), day, cents }),
  },
  { weight: 2, arbitrary: fc.record({ kind: op('refund'), target, cents }) },
  { weight: 2, arbitrary: fc.record({ kind: op('refundInFull'), target }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: op('correct'), target, customer, month, day, cents }),
  },
  { weight: 1, arbitrary: fc.record({ kind: op('void'), target }) },
  { weight: 2, arbitrary: fc.record({ kind: op('voidEarliest'), customer }) },
);

/** A few payments first, so that later operations have something to move, refund or void. */
const history: fc.Arbitrary<HistoryOp[]> = fc
  .tuple(
    fc.array(payOp, { minLength: 2, maxLength: 8 }),
    fc.array(historyOp, { minLength: 4, maxLength: 30, size: 'max' }),
  )
  .map(([opening, rest]) => [...opening, ...rest]);

const dateOf = (monthOffset: number, dayOfMonth: number): string =>
  `${formatMonth(FIRST_MONTH + monthOffset).slice(0, 8)}${String(dayOfMonth).padStart(2, '0')}`;
const customerId = (n: number): string => `cus${n}`;

/** A company's payment streams, driven through the payment decider: every event is valid. */
class PaymentHistory {
  readonly events: StreamEvent[] = [];
  private readonly states = new Map<string, PaymentState>();

  constructor(private readonly companyId: string) {}

  apply(history: readonly HistoryOp[]): this {
    for (const next of history) {
      const command = this.commandFor(next);
      if (command) this.run(command);
    }
    return this;
  }

  /** Recorded, not voided: the payments cohort assignment sees. */
  live(): RecordedPayment[] {
    return [...this.states.values()].filter(
      (state): state is RecordedPayment => state.exists && !state.voided,
    );
  }

  private commandFor(next: HistoryOp): PaymentCommand | null {
    const live = this.live();
    const picked = (index: number) => live[index % Math.max(live.length, 1)];
    switch (next.kind) {
      case 'pay':
        return this.record(next.customer, dateOf(next.month, next.day), next.cents);
      case 'backfill': {
        const earliest = this.earliestOf(next.customer);
        if (!earliest) return null;
        const cohort = monthOfIsoDate(earliest.paymentDate) - FIRST_MONTH;
        if (cohort === 0) return null;
        const earlier = cohort - 1 - (next.monthsEarlier % cohort);
        return this.record(next.customer, dateOf(earlier, next.day), next.cents);
      }
      case 'refund':
      case 'refundInFull': {
        const payment = picked(next.target);
        if (!payment) return null;
        const left = payment.amountCents - payment.refundedCents;
        const amount = next.kind === 'refund' ? Math.min(next.cents, left) : left;
        if (amount <= 0) return null;
        return {
          type: 'RefundPayment',
          data: {
            payment_id: payment.paymentId,
            refund_id: `r${this.events.length}`,
            amount: formatCents(amount, 2),
          },
        };
      }
      case 'correct': {
        const payment = picked(next.target);
        if (!payment) return null;
        return {
          type: 'CorrectPayment',
          data: {
            payment_id: payment.paymentId,
            customer_id: customerId(next.customer),
            payment_date: dateOf(next.month, next.day),
            amount: formatCents(Math.max(next.cents, payment.refundedCents), 2),
          },
        };
      }
      case 'void':
      case 'voidEarliest': {
        const payment = next.kind === 'void' ? picked(next.target) : this.earliestOf(next.customer);
        if (!payment) return null;
        return { type: 'VoidPayment', data: { payment_id: payment.paymentId, reason: 'test' } };
      }
    }
  }

  private record(customer: number, paymentDate: string, amount: number): PaymentCommand {
    return {
      type: 'RecordPayment',
      data: {
        payment_id: `p${this.states.size}`,
        customer_id: customerId(customer),
        payment_date: paymentDate,
        amount: formatCents(amount, 2),
        currency: 'USD',
        source: 'api',
      },
    };
  }

  private earliestOf(customer: number): RecordedPayment | undefined {
    const own = this.live().filter((p) => p.customerId === customerId(customer));
    return own.sort((a, b) => a.paymentDate.localeCompare(b.paymentDate))[0];
  }

  private run(command: PaymentCommand): void {
    const paymentId = command.data.payment_id;
    let state = this.states.get(paymentId) ?? paymentDecider.initialState;
    for (const event of paymentDecider.decide(command, state)) {
      state = paymentDecider.evolve(state, event);
      this.events.push(paymentEvent(this.companyId, paymentId, event));
    }
    this.states.set(paymentId, state);
  }
}

const byCohort = (totals: ReadonlyMap<MonthIndex, CohortTotals>): CohortTotals[] =>
  [...totals.values()].sort((a, b) => a.cohortMonth - b.cohortMonth);

/** The read model of `companyId` in `schema` holds exactly the domain's cohorts of `payments`. */
async function expectDomainCohorts(
  pool: Pool,
  schema: string,
  companyId: string,
  payments: PaymentHistory,
): Promise<void> {
  const live = payments.live();
  const expected = buildCohortTotals(
    live.map((p) => ({
      customerId: p.customerId,
      paymentDate: p.paymentDate,
      netCents: p.amountCents - p.refundedCents,
    })),
  );
  const projected = await loadCohortTotals(pool, schema, companyId, 'all');
  expect(byCohort(projected)).toEqual(byCohort(expected));

  // Each customer's cohort is the month of their earliest non-voided payment.
  const cohortOf: Record<string, MonthIndex> = {};
  for (const { customerId, paymentDate } of live) {
    cohortOf[customerId] = Math.min(monthOfIsoDate(paymentDate), cohortOf[customerId] ?? Infinity);
  }
  const customers = await pool.query<{ customer_id: string; cohort_month: number }>(
    `SELECT customer_id, cohort_month FROM ${schema}.customers WHERE company_id = $1`,
    [companyId],
  );
  expect(Object.fromEntries(customers.rows.map((r) => [r.customer_id, r.cohort_month]))).toEqual(
    cohortOf,
  );
  // No cell outlives its cohort (loadCohortTotals reads the cells through the cohorts).
  const orphans = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${schema}.cohort_totals t
     WHERE t.company_id = $1 AND NOT EXISTS (
       SELECT 1 FROM ${schema}.cohorts c
       WHERE c.company_id = t.company_id AND c.cohort_month = t.cohort_month)`,
    [companyId],
  );
  expect(orphans.rows[0]!.n).toBe(0);
}

async function applyInBatches(
  projection: ReadModelProjection,
  recorded: readonly RecordedEvent[],
  batchSizes: readonly number[],
): Promise<void> {
  for (let start = 0, i = 0; start < recorded.length; i++) {
    const size = batchSizes[i % batchSizes.length]!;
    await projection.applyBatch(recorded.slice(start, start + size));
    start += size;
  }
}

const batchSizes = fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 5 });

/** Backfill, full refund, void of the anchoring payment and a correction across customers. */
const coveringExample: [HistoryOp[], number[]] = [
  [
    { kind: 'pay', customer: 0, month: 5, day: 10, cents: 10_000 },
    { kind: 'pay', customer: 0, month: 7, day: 3, cents: 2_500 },
    { kind: 'pay', customer: 1, month: 3, day: 28, cents: 4_000 },
    { kind: 'backfill', customer: 0, monthsEarlier: 1, day: 1, cents: 700 },
    { kind: 'refundInFull', target: 1 },
    { kind: 'voidEarliest', customer: 0 },
    { kind: 'correct', target: 0, customer: 1, month: 1, day: 15, cents: 9_000 },
    { kind: 'voidEarliest', customer: 1 },
    { kind: 'voidEarliest', customer: 1 },
  ],
  [2, 3, 1],
];

describe('cohort totals of the read model against buildCohortTotals', () => {
  let database: TestDatabase;
  let pool: Pool;
  const log = new SyntheticLog();

  beforeAll(async () => {
    database = await createTestDatabase('cohort_totals_property');
    pool = new Pool({ connectionString: database.url, max: 4 });
    await migrateReadModel(pool);
  });

  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it('given random histories with backfills, voids of the earliest payment and full refunds, when projected in any batches, then every cohort has exactly the domain’s customer count and net total per period', async () => {
    const projection = new ReadModelProjection(pool);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(history, batchSizes, async (ops, sizes) => {
        const companyId = `cohort-prop-${run++}`;
        const payments = new PaymentHistory(companyId).apply(ops);
        await applyInBatches(projection, log.record(payments.events), sizes);
        await expectDomainCohorts(pool, 'read_model', companyId, payments);
      }),
      { numRuns: 40, examples: [coveringExample] },
    );
  }, 60_000);

  it('given random histories of several companies, when replayed (deferred) and then derived, then the cohorts are the domain’s too', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(history, { minLength: 1, maxLength: 6 }),
        batchSizes,
        async (histories, sizes) => {
          // A replay derives the cohorts of every company at once, into a schema of its own.
          const schema = `replay_${run++}`;
          await migrateReadModel(pool, schema);
          const projection = new ReadModelProjection(pool, schema, { cohorts: 'deferred' });
          const companies = histories.map((ops, i) => new PaymentHistory(`replay-${i}`).apply(ops));
          const events = companies.flatMap((payments) => payments.events);
          await applyInBatches(projection, log.record(events), sizes);
          await projection.deriveCohorts();
          for (const [i, payments] of companies.entries()) {
            await expectDomainCohorts(pool, schema, `replay-${i}`, payments);
          }
        },
      ),
      { numRuns: 8, examples: [[[coveringExample[0]], coveringExample[1]]] },
    );
  }, 60_000);
});
