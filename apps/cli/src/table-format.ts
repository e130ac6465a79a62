import { type CashflowDocument, type CohortDocument } from '@cvf/domain';

/**
 * Plain-text tables for a person at a terminal: the cohort table (cohort × period of net
 * payments) and the CVF cashflow table (cohort × calendar month of collected amounts).
 * Marks: `*` predicted, `!` failed threshold (collected at 100%), `^` the period the cap was reached.
 */
export function renderTables(document: CashflowDocument): string {
  const out: string[] = [];
  out.push(`Cohort table (${document.view}; net payments by period)`);
  out.push(renderCohortTable(document.cohorts));
  out.push('');
  out.push(`CVF cashflows (${document.view}; collected by calendar month)`);
  out.push(renderCashflowTable(document));
  out.push('');
  out.push('Cohort summary');
  out.push(
    grid(
      [
        'cohort',
        'spend',
        'customers',
        'share',
        'cap',
        'collected',
        'capped',
        'MOIC',
        'IRR',
        'payback',
        'break-even',
      ],
      document.cohorts.map((c) => [
        c.cohort_month.slice(0, 7),
        c.spend ?? '-',
        String(c.customer_count),
        c.sharing_percentage ?? '-',
        c.cash_cap ?? '-',
        c.cumulative_collected ?? '-',
        c.capped === null ? '-' : c.capped ? 'yes' : 'no',
        c.moic ?? '-',
        c.annual_irr ?? '-',
        c.payback_period === null ? '-' : String(c.payback_period),
        c.break_even_period === null ? '-' : String(c.break_even_period),
      ]),
    ),
  );
  out.push('');
  if (document.breaches.length === 0) out.push('Breaches: none');
  else {
    out.push(`Breaches: ${document.breaches.length}`);
    for (const b of document.breaches) {
      out.push(
        `  ${b.cohort_month.slice(0, 7)} period ${b.period} (${b.month.slice(0, 7)}): ratio ${b.ratio} < minimum ${b.minimum}`,
      );
    }
  }
  out.push('Legend: * predicted, ! threshold failed (collected at 100%), ^ cap reached');
  return out.join('\n') + '\n';
}

function renderCohortTable(cohorts: readonly CohortDocument[]): string {
  const width = Math.max(0, ...cohorts.map((c) => c.periods.length));
  const header = ['cohort', ...Array.from({ length: width }, (_, p) => String(p))];
  const rows = cohorts.map((c) => [
    c.cohort_month.slice(0, 7),
    ...Array.from({ length: width }, (_, p) => {
      const period = c.periods[p];
      return period ? `${period.payment}${period.predicted ? '*' : ''}` : '';
    }),
  ]);
  return grid(header, rows);
}

function renderCashflowTable(document: CashflowDocument): string {
  const months = document.monthly_collections.map((m) => m.month);
  const funded = document.cohorts.filter((c) => c.funded);
  const rows = funded.map((c) => {
    const byMonth = new Map(c.periods.map((p) => [p.month, p]));
    return [
      c.cohort_month.slice(0, 7),
      ...months.map((month) => {
        const p = byMonth.get(month);
        if (!p || p.collected === null) return '';
        const capReached =
          c.capped && p.cumulative_collected === c.cash_cap && p.collected !== '0.00';
        return `${p.collected}${p.predicted ? '*' : ''}${p.threshold_failed ? '!' : ''}${capReached ? '^' : ''}`;
      }),
    ];
  });
  rows.push(['owed', ...document.monthly_collections.map((m) => m.amount)]);
  return grid(['cohort', ...months.map((m) => m.slice(0, 7))], rows);
}

function grid(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)]
    .map((l) => l.trimEnd())
    .join('\n');
}
