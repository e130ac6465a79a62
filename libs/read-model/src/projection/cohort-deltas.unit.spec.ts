import { cohortDeltas, type Contribution, movedCustomers } from './cohort-deltas';

const JAN = 24_240;
const FEB = JAN + 1;
const MAR = JAN + 2;
const paid = (customerId: string, paymentMonth: number, netCents: number): Contribution => ({
  companyId: 'acme',
  customerId,
  paymentMonth,
  netCents,
});
const cohort = (customerId: string, before: number | null, after: number | null) => ({
  companyId: 'acme',
  customerId,
  before,
  after,
});
const sum = (customerId: string, paymentMonth: number, netCents: number, paymentCount: number) => ({
  companyId: 'acme',
  customerId,
  paymentMonth,
  netCents,
  paymentCount,
});

describe('cohortDeltas', () => {
  it("files a new customer's first payment under its own month", () => {
    const deltas = cohortDeltas({
      removed: [],
      added: [paid('c1', FEB, 500)],
      cohorts: [cohort('c1', null, FEB)],
      movedSums: [],
    });
    expect(deltas.cells).toEqual([
      { companyId: 'acme', cohortMonth: FEB, paymentMonth: FEB, netCents: 500, paymentCount: 1 },
    ]);
    expect(deltas.counts).toEqual([{ companyId: 'acme', cohortMonth: FEB, customerCount: 1 }]);
    expect(deltas.dirty).toEqual(new Map([['acme', new Set([FEB])]]));
  });

  it('moves every payment of a customer when a backfill gives them an earlier cohort', () => {
    const deltas = cohortDeltas({
      removed: [],
      added: [paid('c1', JAN, 10)],
      cohorts: [cohort('c1', FEB, JAN)],
      movedSums: [sum('c1', JAN, 10, 1), sum('c1', FEB, 100, 1), sum('c1', MAR, 50, 2)],
    });
    expect(deltas.cells).toEqual(
      expect.arrayContaining([
        { companyId: 'acme', cohortMonth: JAN, paymentMonth: JAN, netCents: 10, paymentCount: 1 },
        {
          companyId: 'acme',
          cohortMonth: FEB,
          paymentMonth: FEB,
          netCents: -100,
          paymentCount: -1,
        },
        { companyId: 'acme', cohortMonth: JAN, paymentMonth: FEB, netCents: 100, paymentCount: 1 },
        { companyId: 'acme', cohortMonth: FEB, paymentMonth: MAR, netCents: -50, paymentCount: -2 },
        { companyId: 'acme', cohortMonth: JAN, paymentMonth: MAR, netCents: 50, paymentCount: 2 },
      ]),
    );
    expect(deltas.cells).toHaveLength(5);
    expect(deltas.counts).toEqual([
      { companyId: 'acme', cohortMonth: FEB, customerCount: -1 },
      { companyId: 'acme', cohortMonth: JAN, customerCount: 1 },
    ]);
  });

  it('reports a refund as a change of net only, and nothing for a change that cancels out', () => {
    const refund = cohortDeltas({
      removed: [paid('c1', FEB, 100)],
      added: [paid('c1', FEB, 0)],
      cohorts: [cohort('c1', JAN, JAN)],
      movedSums: [],
    });
    expect(refund.cells).toEqual([
      { companyId: 'acme', cohortMonth: JAN, paymentMonth: FEB, netCents: -100, paymentCount: 0 },
    ]);
    expect(refund.counts).toEqual([]);

    const none = cohortDeltas({
      removed: [paid('c1', FEB, 100)],
      added: [paid('c1', FEB, 100)],
      cohorts: [cohort('c1', JAN, JAN)],
      movedSums: [],
    });
    expect(none).toEqual({ cells: [], counts: [], dirty: new Map() });
  });

  it('removes a customer whose only payment was voided', () => {
    const deltas = cohortDeltas({
      removed: [paid('c1', MAR, 70)],
      added: [],
      cohorts: [cohort('c1', MAR, null)],
      movedSums: [],
    });
    expect(deltas.cells).toEqual([
      { companyId: 'acme', cohortMonth: MAR, paymentMonth: MAR, netCents: -70, paymentCount: -1 },
    ]);
    expect(deltas.counts).toEqual([{ companyId: 'acme', cohortMonth: MAR, customerCount: -1 }]);
  });

  it('needs the other payments only of customers whose cohort moved', () => {
    expect(
      movedCustomers([
        cohort('a', JAN, JAN),
        cohort('b', null, JAN),
        cohort('c', FEB, JAN),
        cohort('d', JAN, null),
      ]),
    ).toEqual([cohort('c', FEB, JAN)]);
  });

  it('refuses contributions of a customer without a cohort: the tables disagree', () => {
    expect(() =>
      cohortDeltas({
        removed: [paid('c1', FEB, 1)],
        added: [],
        cohorts: [cohort('c1', null, null)],
        movedSums: [],
      }),
    ).toThrow('inconsistent');
  });
});
