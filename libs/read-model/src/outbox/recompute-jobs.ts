import { formatMonth, type MonthIndex } from '@cvf/domain';
import { comparePositions, decodePosition, encodePosition } from '@cvf/event-store';
import { type DirtyCompany } from '../projection/bookkeeping-statements';
import { type RecomputeJob } from './recompute-scheduler.port';

export function toRecomputeJob(dirty: DirtyCompany): RecomputeJob {
  return {
    companyId: dirty.companyId,
    cohortMonths: dirty.cohortMonths === 'all' ? 'all' : dirty.cohortMonths.map(formatMonth),
    position: encodePosition(dirty.position),
  };
}

/**
 * One job per company from several outbox rows (leftovers of many batches): the union of
 * their cohorts ('all' absorbs the rest) at the furthest position.
 */
export function mergeOutboxRows(
  rows: readonly {
    readonly companyId: string;
    readonly cohortMonths: readonly MonthIndex[] | null;
    readonly position: string;
  }[],
): RecomputeJob[] {
  const byCompany = new Map<string, { months: Set<MonthIndex> | 'all'; position: string }>();
  for (const row of rows) {
    const job = byCompany.get(row.companyId);
    if (!job) {
      byCompany.set(row.companyId, {
        months: row.cohortMonths === null ? 'all' : new Set(row.cohortMonths),
        position: row.position,
      });
      continue;
    }
    if (row.cohortMonths === null) job.months = 'all';
    else if (job.months !== 'all') for (const month of row.cohortMonths) job.months.add(month);
    if (comparePositions(decodePosition(row.position), decodePosition(job.position)) > 0) {
      job.position = row.position;
    }
  }
  return [...byCompany].map(([companyId, { months, position }]) => ({
    companyId,
    cohortMonths: months === 'all' ? 'all' : [...months].sort((a, b) => a - b).map(formatMonth),
    position,
  }));
}
