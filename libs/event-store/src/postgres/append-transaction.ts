import type { Pool, PoolClient } from 'pg';
import { DuplicateEventIdError } from '../errors';
import type { LogPosition, StreamAppend } from '../event-store.port';
import {
  type AppendDecision,
  type ExistingStreamPolicy,
  type StreamState,
  decideAppend,
  needsStreamDetails,
} from './append-plan';
import {
  claimNewStreams,
  insertEvents,
  readStoredEvents,
  readStreamVersions,
  recordNewVersions,
} from './append-statements';
import { STREAM_LOCK_CLASS, streamLockBuckets } from './stream-locks';
import { validateBatch } from './validate-batch';

export interface AppendSettings {
  readonly notifyChannel: string;
  /** Rows per statement: big batches become a few large statements, never one per event. */
  readonly chunkSize: number;
}

export interface BatchOutcome {
  /** One per entry, in stream id order. */
  readonly decisions: readonly AppendDecision[];
  /** Position of the last event written, null when nothing was written. */
  readonly lastWritten: LogPosition | null;
}

const MAX_ATTEMPTS = 5;
const DEADLOCK_DETECTED = '40P01';
const SERIALIZATION_FAILURE = '40001';
export const UNIQUE_VIOLATION = '23505';

/** Rolls back and starts over: the write would break per-stream order in the log. */
class AppendOrderConflict extends Error {
  override readonly name = 'AppendOrderConflict';

  constructor() {
    super(
      `an append would land behind a later transaction's events in the same stream ` +
        `(still so after ${MAX_ATTEMPTS} attempts)`,
    );
  }
}

/**
 * Writes a batch in one transaction, retrying the rare conflicts that a fresh transaction
 * resolves (deadlocks, and the ordering conflict explained in postgres-event-store.ts).
 */
export async function appendInTransaction(
  pool: Pool,
  settings: AppendSettings,
  batch: readonly StreamAppend[],
  policy: ExistingStreamPolicy,
): Promise<BatchOutcome> {
  validateBatch(batch);
  // One global order of stream ids for inserts keeps concurrent batches from waiting on
  // each other in a cycle.
  const entries = [...batch].sort((a, b) => (a.streamId < b.streamId ? -1 : 1));
  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptOnce(pool, settings, entries, policy);
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw translateError(error);
      // Jitter, so that two writers that just deadlocked do not collide again in step.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}

async function attemptOnce(
  pool: Pool,
  settings: AppendSettings,
  entries: readonly StreamAppend[],
  policy: ExistingStreamPolicy,
): Promise<BatchOutcome> {
  const client = await pool.connect();
  let healthy = true;
  try {
    await client.query('BEGIN');
    const outcome = await writeEntries(client, settings, entries, policy);
    await client.query('COMMIT');
    return outcome;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => (healthy = false));
    throw error;
  } finally {
    // A connection that cannot even roll back is dropped rather than reused.
    client.release(!healthy);
  }
}

async function writeEntries(
  client: PoolClient,
  settings: AppendSettings,
  entries: readonly StreamAppend[],
  policy: ExistingStreamPolicy,
): Promise<BatchOutcome> {
  // Locks come before the first write, so the transaction has no id yet while it waits.
  // unnest emits the buckets in array order, which is ascending.
  const buckets = streamLockBuckets(
    entries.filter((e) => e.expected.kind !== 'no-stream').map((e) => e.streamId),
  );
  if (buckets.length > 0) {
    await client.query(
      'SELECT pg_advisory_xact_lock($1, bucket) FROM unnest($2::integer[]) AS bucket',
      [STREAM_LOCK_CLASS, buckets],
    );
  }

  // Rows for new streams are claimed (and get their final version) in one go; a stream that
  // exists, or is being created by a transaction that then commits, is left alone.
  const created = await claimNewStreams(client, settings.chunkSize, entries);

  const toInspect = entries.filter(
    (e) => !created.has(e.streamId) && needsStreamDetails(e, policy),
  );
  const current = await readStreamVersions(client, settings.chunkSize, toInspect);
  const stored = await readStoredEvents(client, settings.chunkSize, toInspect);

  const decisions = entries.map((entry) => {
    const found = current.get(entry.streamId);
    const state: StreamState = created.has(entry.streamId)
      ? { kind: 'created' }
      : { kind: 'existing', version: found?.version ?? 0 };
    return decideAppend(entry, state, stored, policy);
  });
  const appends = decisions.flatMap((d) => (d.kind === 'append' ? [d] : []));
  if (appends.some((d) => d.streamExisted && current.get(d.streamId)?.lastWriterIsLater)) {
    throw new AppendOrderConflict();
  }

  // Also signals the subscribers' channel (delivered at commit, only if we commit).
  const lastWritten = await insertEvents(
    client,
    settings.chunkSize,
    appends,
    settings.notifyChannel,
  );
  await recordNewVersions(
    client,
    settings.chunkSize,
    appends.filter((d) => d.streamExisted),
  );
  return { decisions, lastWritten };
}

function isRetryable(error: unknown): boolean {
  if (error instanceof AppendOrderConflict) return true;
  const code = postgresErrorCode(error);
  return code === DEADLOCK_DETECTED || code === SERIALIZATION_FAILURE;
}

/** A concurrent writer can store the same event id in another stream between our checks. */
export function translateError(error: unknown): unknown {
  if (postgresErrorCode(error) !== UNIQUE_VIOLATION) return error;
  const detail = (error as { detail?: unknown }).detail;
  const match = typeof detail === 'string' ? /\(event_id\)=\(([^)]+)\)/.exec(detail) : null;
  return match?.[1]
    ? new DuplicateEventIdError(match[1], 'already stored in another stream')
    : error;
}

export function postgresErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
