import { Inject, Injectable, Logger } from '@nestjs/common';
import { type CompanyCommand, companyStreamId, ConflictError, DomainError } from '@cvf/domain';
import {
  EVENT_STORE,
  type EventStore,
  type LogPosition,
  WrongExpectedVersionError,
} from '@cvf/event-store';
import { PG_POOL, VersionMismatchError } from '@cvf/platform';
import { Pool, type PoolClient } from 'pg';
import { CompanyStreams } from './company-streams';

/**
 * Company names are unique per deployment, case-insensitively (DOMAIN.md "Inputs"). A
 * company's name lives in its own stream, so no append can see another company's: the name
 * is reserved first, in `ingest.company_names` (unique on lower(name)), then the command is
 * appended, and a reservation whose write failed is released. The event store's port has no
 * transaction to share (and an EventStoreDB adapter could not offer one), hence
 * reserve-then-append instead of one transaction.
 *
 * What makes a reservation hold: its company's stream carries that name now, or it was made
 * within the last RESERVATION_GRACE (its write may still be in flight). Any other
 * reservation is left over from a process that died between reserving and appending, or
 * from a rename whose old name was not released: the next claimant takes it over, with a
 * compare-and-set on (company, reserved_at), so two claimants cannot both win it.
 *
 * Names already in the log when this table came (migration 006) are reserved once at start
 * (`reserveNamesInLog`), the first company in log order keeping a name that several share:
 * an old log with duplicates starts as before, and its later duplicates keep their names
 * (they may rename, or keep theirs), but no company can take any of them anew.
 */
@Injectable()
export class CompanyNames {
  private static readonly RESERVATION_GRACE_SECONDS = 30;
  private static readonly CLAIM_ATTEMPTS = 3;
  private readonly logger = new Logger(CompanyNames.name);

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly companies: CompanyStreams,
  ) {}

  /**
   * Runs `write` (the command's append) with the command's company name reserved for the
   * company: 409 when another company holds it. Commands that name no company are run as
   * they are.
   */
  async whileClaiming<T extends { readonly events_appended: number }>(
    companyId: string,
    command: CompanyCommand,
    write: () => Promise<T>,
  ): Promise<T> {
    const name = claimedName(command);
    if (name === null) return write();
    // A rename releases the name the company had, once the new one is in its stream.
    const previous =
      command.type === 'RenameCompany' ? (await this.companies.load(companyId)).state.name : null;
    const claim = await this.claim(companyId, name);
    let result: T;
    try {
      result = await write();
    } catch (error) {
      // Released only when the write was refused before anything was appended: after any
      // other failure (a connection lost around the commit) the stream may carry the name, and
      // the reservation must hold; one its stream does not carry is taken over after the grace.
      if (claim === 'reserved' && refusedBeforeAppend(error)) await this.release(companyId, name);
      throw error;
    }
    if (previous !== null && result.events_appended > 0 && !sameName(previous, name)) {
      await this.release(companyId, previous);
    }
    return result;
  }

  /**
   * 'reserved' when this call reserved the name, 'held' when the company held it already,
   * 'own' when another company's reservation holds it but this company's stream carries it
   * too (a duplicate from before names were unique, renamed to its own name).
   */
  private async claim(companyId: string, name: string): Promise<'reserved' | 'held' | 'own'> {
    for (let attempt = 1; attempt <= CompanyNames.CLAIM_ATTEMPTS; attempt++) {
      const inserted = await this.pool.query(
        `INSERT INTO ingest.company_names (name, company_id) VALUES ($1, $2)
         ON CONFLICT ((lower(name))) DO NOTHING`,
        [name, companyId],
      );
      if (inserted.rowCount === 1) return 'reserved';
      const holder = await this.holderOf(name);
      if (holder === null) continue; // released meanwhile: try again
      if (holder.companyId === companyId) return 'held';
      if (await this.carries(holder.companyId, name)) {
        if (await this.carries(companyId, name)) return 'own';
        throw new ConflictError('company', { name }, 'a company with this name exists');
      }
      if (!holder.settled) {
        throw new ConflictError('company', { name }, 'is being registered or renamed to; retry');
      }
      const taken = await this.pool.query(
        `UPDATE ingest.company_names SET name = $1, company_id = $2, reserved_at = now()
         WHERE lower(name) = lower($1) AND company_id = $3 AND reserved_at = $4::timestamptz`,
        [name, companyId, holder.companyId, holder.reservedAt],
      );
      if (taken.rowCount === 1) {
        this.logger.log(`took over the stale reservation of '${name}' by ${holder.companyId}`);
        return 'reserved';
      }
    }
    throw new ConflictError('company', { name }, 'is being claimed concurrently; retry');
  }

  private async holderOf(
    name: string,
  ): Promise<{ companyId: string; reservedAt: string; settled: boolean } | null> {
    // reserved_at as text: a JS Date would drop its microseconds, and the takeover compares it.
    const result = await this.pool.query<{
      company_id: string;
      reserved_at: string;
      settled: boolean;
    }>(
      `SELECT company_id, reserved_at::text,
              reserved_at < now() - make_interval(secs => $2) AS settled
       FROM ingest.company_names WHERE lower(name) = lower($1)`,
      [name, CompanyNames.RESERVATION_GRACE_SECONDS],
    );
    const row = result.rows[0];
    return row
      ? { companyId: row.company_id, reservedAt: row.reserved_at, settled: row.settled }
      : null;
  }

  /** Whether the company's stream carries this name now (case-insensitively). */
  private async carries(companyId: string, name: string): Promise<boolean> {
    const { state } = await this.companies.load(companyId);
    return state.registered && state.name !== null && sameName(state.name, name);
  }

  private async release(companyId: string, name: string): Promise<void> {
    await this.pool.query(
      `DELETE FROM ingest.company_names WHERE lower(name) = lower($1) AND company_id = $2`,
      [name, companyId],
    );
  }

  /**
   * Once per database (migration 006 left the table empty): reserves the current name of
   * every company in the log, in log order, so the first of several companies sharing a
   * name keeps it. Reads the whole log once; later starts find it done and read nothing.
   */
  async reserveNamesInLog(): Promise<void> {
    const client = await this.pool.connect();
    try {
      // One process does it; the others wait and find it done.
      await client.query(`SELECT pg_advisory_lock(hashtext('ingest.company_names'))`);
      try {
        const done = await client.query(`SELECT 1 FROM ingest.company_names_from_log`);
        if (done.rowCount === 0) await this.reserveFromLog(client);
      } finally {
        await client.query(`SELECT pg_advisory_unlock(hashtext('ingest.company_names'))`);
      }
    } finally {
      client.release();
    }
  }

  private async reserveFromLog(client: PoolClient): Promise<void> {
    const names = new Map<string, string>();
    let after: LogPosition | null = null;
    for (;;) {
      const page = await this.store.readAll(after, 2_000);
      if (page.events.length === 0) break;
      for (const event of page.events) {
        const companyId = event.metadata.companyId;
        const data = event.data as { name?: unknown } | null;
        if (
          (event.type === 'CompanyRegistered' || event.type === 'CompanyRenamed') &&
          event.streamId === companyStreamId(companyId) &&
          typeof data?.name === 'string'
        ) {
          names.set(companyId, data.name);
        }
      }
      after = page.checkpoint;
    }
    // Map order is first registration: ON CONFLICT keeps the first company of a shared name.
    await client.query('BEGIN');
    try {
      await client.query(
        `INSERT INTO ingest.company_names (name, company_id, reserved_at)
         SELECT name, company_id, '-infinity' FROM unnest($1::text[], $2::text[])
           WITH ORDINALITY AS given (name, company_id, n)
         ORDER BY n
         ON CONFLICT ((lower(name))) DO NOTHING`,
        [[...names.values()], [...names.keys()]],
      );
      await client.query(`INSERT INTO ingest.company_names_from_log (reserved_at) VALUES (now())`);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
    this.logger.log(`reserved the names of ${names.size} companies found in the log`);
  }
}

/** The name a command gives its company (trimmed, as the decider keeps it), if any. */
function claimedName(command: CompanyCommand): string | null {
  if (command.type !== 'RegisterCompany' && command.type !== 'RenameCompany') return null;
  const name: unknown = command.data.name;
  // Not text or blank: the decider refuses it (400) before anything is appended.
  if (typeof name !== 'string' || name.trim() === '') return null;
  return name.trim();
}

/** Case-insensitive, as the unique index (lower(name)) compares. */
const sameName = (a: string, b: string): boolean =>
  a.trim().toLowerCase() === b.trim().toLowerCase();

/** A refusal of the command itself (its rules, its If-Match, a lost optimistic race). */
const refusedBeforeAppend = (error: unknown): boolean =>
  error instanceof DomainError ||
  error instanceof VersionMismatchError ||
  error instanceof WrongExpectedVersionError;
