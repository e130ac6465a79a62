import { type MonthIndex, parseMonth } from '@cvf/domain';
import { ALL_COHORTS } from '../layout';
import { type DirtyCohorts } from './dirty-cohorts';
import { type CohortRecomputer, type RecomputeOutcome } from './recomputer';

export interface RecomputeJobResult {
  /** The dirty members this run processed (removed unless dirtied again meanwhile). */
  readonly processed: readonly string[];
  /** null when the set was empty: an earlier run already took these cohorts. */
  readonly outcome: RecomputeOutcome | null;
}

/**
 * One recompute job of one company: take the dirty cohorts as they are now, recompute, then remove
 * exactly what was taken. Idempotent: a retry of a crashed run finds the same members (or
 * more) and its writes are position-guarded.
 */
export class RecomputeJobProcessor {
  constructor(
    private readonly dirty: DirtyCohorts,
    private readonly recomputer: Pick<CohortRecomputer, 'recompute'>,
  ) {}

  async process(companyId: string): Promise<RecomputeJobResult> {
    const snapshot = await this.dirty.snapshot(companyId);
    if (snapshot.members.size === 0) return { processed: [], outcome: null };
    const outcome = await this.recomputer.recompute(
      companyId,
      dirtyMonths([...snapshot.members.keys()]),
      snapshot.scheduledPosition === null ? {} : { scheduledPosition: snapshot.scheduledPosition },
    );
    await this.dirty.clear(companyId, snapshot.members);
    return { processed: [...snapshot.members.keys()], outcome };
  }
}

/** Members → months; `all` absorbs the rest. A malformed member is dropped (and cleared). */
export function dirtyMonths(members: readonly string[]): readonly MonthIndex[] | 'all' {
  if (members.includes(ALL_COHORTS)) return 'all';
  return members.map(parseMonth).filter((m): m is MonthIndex => m !== null);
}
