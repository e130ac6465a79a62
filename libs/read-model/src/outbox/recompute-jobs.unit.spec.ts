import { mergeOutboxRows, toRecomputeJob } from './recompute-jobs';

describe('recompute jobs', () => {
  it('formats months and the position of a dirty company', () => {
    expect(
      toRecomputeJob({
        companyId: 'acme',
        cohortMonths: [24_240, 24_242],
        position: { transactionId: '12', globalPosition: '7' },
      }),
    ).toEqual({ companyId: 'acme', cohortMonths: ['2020-01-01', '2020-03-01'], position: '12:7' });
  });

  it('merges leftover rows into one job per company at the furthest position', () => {
    expect(
      mergeOutboxRows([
        { companyId: 'acme', cohortMonths: [24_242], position: '12:7' },
        { companyId: 'beta', cohortMonths: [24_240], position: '13:8' },
        { companyId: 'acme', cohortMonths: [24_240, 24_242], position: '9:20' },
        { companyId: 'beta', cohortMonths: null, position: '10:3' },
      ]),
    ).toEqual([
      { companyId: 'acme', cohortMonths: ['2020-01-01', '2020-03-01'], position: '12:7' },
      { companyId: 'beta', cohortMonths: 'all', position: '13:8' },
    ]);
  });
});
