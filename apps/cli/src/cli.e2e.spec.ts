import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CashflowDocument } from '@cvf/domain';

// The CLI as an analyst runs it: a built program, real files, exit status, stdout and stderr.
const root = join(__dirname, '../../..');
const example = (file: string) => join(root, 'samples/worked-example', file);
const workedExample = [
  '--payments',
  example('payments.csv'),
  '--spend',
  example('spend.csv'),
  '--trades',
  example('trades.csv'),
  '--thresholds',
  example('thresholds.csv'),
];

function cvf(...args: string[]) {
  const result = spawnSync(process.execPath, [join(root, 'dist/apps/cli/src/main.js'), ...args], {
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function csv(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cvf-cli-'));
  const path = join(dir, 'input.csv');
  writeFileSync(path, text);
  return path;
}

describe('cvf compute', () => {
  it('reproduces the worked example as JSON', () => {
    const { status, stdout } = cvf('compute', ...workedExample);
    expect(status).toBe(0);
    const document = JSON.parse(stdout) as CashflowDocument;
    expect(document.monthly_collections).toEqual([
      { month: '2020-01-01', amount: '160.00' },
      { month: '2020-02-01', amount: '420.00' },
      { month: '2020-03-01', amount: '80.00' },
      { month: '2020-04-01', amount: '250.00' },
    ]);
    expect(document.cohorts.map((c) => c.periods.map((p) => p.collected))).toEqual([
      ['160.00', '100.00'],
      ['320.00', '80.00'],
      ['250.00'],
    ]);
    expect(document.breaches).toHaveLength(1);
  });

  it('prints the cohort and cashflow tables for a person', () => {
    const { status, stdout } = cvf('compute', ...workedExample, '--format', 'table');
    expect(status).toBe(0);
    expect(stdout).toContain('2020-01  200.00  100.00');
    expect(stdout).toContain('2020-01   160.00  100.00!');
    expect(stdout).toMatch(/owed\s+160\.00\s+420\.00\s+80\.00\s+250\.00/);
  });

  it('gives the predicted view with --m0 and --churn', () => {
    const { status, stdout } = cvf(
      'compute',
      ...workedExample,
      '--m0',
      '0.4',
      '--churn',
      '0.1',
      '--horizon',
      '6',
    );
    expect(status).toBe(0);
    const document = JSON.parse(stdout) as CashflowDocument;
    expect(document.view).toBe('predicted');
    expect(document.cohorts[0]!.periods.map((p) => p.payment)).toEqual([
      '200.00',
      '100.00',
      '90.00',
      '81.00',
      '72.90',
      '65.61',
    ]);
    expect(document.cohorts[2]!.periods.slice(0, 3).map((p) => p.payment)).toEqual([
      '500.00',
      '450.00',
      '405.00',
    ]);
  });

  it('accepts the seed column names (cohort, cohort_start_at) and applies refunds', () => {
    const payments = csv(
      'customer_id,payment_date,amount,payment_id\na,2021-01-05,100.00,p1\na,2021-02-05,50,p2\n',
    );
    const spend = csv('cohort,spend,actual_spend\n2021-01,1000,800\n');
    const trades = csv('cohort_start_at,sharing_percentage,cash_cap\n2021-01-01,0.5,1000\n');
    const refunds = csv('payment_id,amount\np1,40\np1,10.50\n');
    const { status, stdout, stderr } = cvf(
      'compute',
      '--payments',
      payments,
      '--spend',
      spend,
      '--trades',
      trades,
      '--refunds',
      refunds,
    );
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const cohort = (JSON.parse(stdout) as CashflowDocument).cohorts[0]!;
    expect(cohort.spend).toBe('800.00');
    expect(cohort.periods.map((p) => [p.payment, p.collected])).toEqual([
      ['49.50', '24.75'],
      ['50.00', '25.00'],
    ]);
  });

  describe('bad input exits 2, names file, row and column, and prints nothing on stdout', () => {
    const spend = csv('cohort_month,spend\n2021-01,1000\n');
    const cases: [string, Record<string, string>, RegExp][] = [
      [
        'a missing column',
        { payments: 'customer_id,amount\na,1\n' },
        /row 1, column payment_date: missing column/,
      ],
      [
        'a bad date',
        { payments: 'customer_id,payment_date,amount\na,2021-02-30,1\n' },
        /row 2, column payment_date: '2021-02-30' is not a date/,
      ],
      [
        'a negative amount',
        { payments: 'customer_id,payment_date,amount\na,2021-01-01,-5\n' },
        /row 2, column amount: must not be negative/,
      ],
      [
        'a non-numeric amount',
        { payments: 'customer_id,payment_date,amount\na,2021-01-01,ten\n' },
        /row 2, column amount: 'ten' is not a decimal amount/,
      ],
      [
        'more than 2 decimals',
        { payments: 'customer_id,payment_date,amount\na,2021-01-01,1.234\n' },
        /row 2, column amount: must have at most 2 decimals/,
      ],
      [
        'amounts that add up beyond exact integers (ten of 9999999999999.99 in one period)',
        {
          payments:
            'customer_id,payment_date,amount\nc1,2021-01-02,9999999999999.99\nc2,2021-01-03,9999999999999.99\nc3,2021-01-04,9999999999999.99\nc4,2021-01-05,9999999999999.99\nc5,2021-01-06,9999999999999.99\nc6,2021-01-07,9999999999999.99\nc7,2021-01-08,9999999999999.99\nc8,2021-01-09,9999999999999.99\nc9,2021-01-01,9999999999999.99\nc10,2021-01-02,9999999999999.99\n',
        },
        /row 11, column amount: the payments add up to more than 90071992547409\.91 from this row on/,
      ],
      [
        'a whole-yen amount with decimals under --currency JPY',
        { payments: 'customer_id,payment_date,amount\na,2021-01-01,1200.5\n', currency: 'JPY' },
        /row 2, column amount: must be a whole amount/,
      ],
      [
        'a refund of an unknown payment',
        {
          payments: 'customer_id,payment_date,amount,payment_id\na,2021-01-01,10,p1\n',
          refunds: 'payment_id,amount\np9,1\n',
        },
        /row 2, column payment_id: unknown payment_id 'p9'/,
      ],
      [
        'a refund above the payment',
        {
          payments: 'customer_id,payment_date,amount,payment_id\na,2021-01-01,10,p1\n',
          refunds: 'payment_id,amount\np1,6\np1,4.01\n',
        },
        /row 3, column amount: refunds exceed the payment: only 4\.00 remains refundable/,
      ],
      [
        'a duplicate trade for a month',
        {
          payments: 'customer_id,payment_date,amount\na,2021-01-01,10\n',
          trades: 'cohort_month,sharing_percentage,cash_cap\n2021-01,0.5,10\n2021-01-01,0.6,20\n',
        },
        /row 3, column cohort_month: duplicate trade for 2021-01-01 \(first at row 2\)/,
      ],
      [
        'a sharing percentage above 1',
        {
          payments: 'customer_id,payment_date,amount\na,2021-01-01,10\n',
          trades: 'cohort_month,sharing_percentage,cash_cap\n2021-01,1.5,10\n',
        },
        /row 2, column sharing_percentage: must be greater than 0 and at most 1/,
      ],
    ];
    it.each(cases)('%s', (_name, files, message) => {
      const args = ['compute', '--spend', spend];
      const paths: Record<string, string> = {};
      for (const [flag, content] of Object.entries(files)) {
        if (flag === 'currency') {
          args.push('--currency', content);
          continue;
        }
        paths[flag] = csv(content);
        args.push(`--${flag}`, paths[flag]);
      }
      const { status, stdout, stderr } = cvf(...args);
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
      const file = message.source.startsWith('refunds')
        ? paths.refunds
        : Object.values(paths).at(-1);
      expect(stderr).toContain(file);
    });

    it('reports every bad row, not just the first', () => {
      const payments = csv(
        'customer_id,payment_date,amount\na,2021-13-01,1\n,2021-01-01,1\nb,2021-01-01,1\nc,2021-01-01,x\n',
      );
      const { status, stderr } = cvf('compute', '--payments', payments, '--spend', spend);
      expect(status).toBe(2);
      expect(stderr.trim().split('\n')).toEqual([
        `error: ${payments}: row 2, column payment_date: '2021-13-01' is not a date (YYYY-MM-DD)`,
        `error: ${payments}: row 3, column customer_id: is required`,
        `error: ${payments}: row 5, column amount: 'x' is not a decimal amount`,
      ]);
    });

    it('rejects an unreadable file and a bad option value', () => {
      expect(cvf('compute', '--payments', '/nonexistent.csv', '--spend', spend)).toMatchObject({
        status: 2,
        stdout: '',
      });
      expect(cvf('compute', ...workedExample, '--churn', '1.5', '--m0', '0.1')).toMatchObject({
        status: 2,
        stdout: '',
        stderr: expect.stringContaining('--churn: must be at least 0 and at most 1'),
      });
    });
  });
});
