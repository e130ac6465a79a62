import {
  type CompanyEvent,
  companyTerms,
  evolveCompany,
  initialCompanyState,
  isCompanyEvent,
  parseMonth,
} from '@cvf/domain';
import { type RecordedEvent } from '@cvf/event-store';
import { Pool, type PoolClient } from 'pg';
import { createTestDatabase, type TestDatabase } from '@cvf/test-support';
import { migrateReadModel } from '../migrations/migrate';
import { ReadModelQueries } from '../queries/read-model-queries';
import { readModelChecksum } from '../rebuild/checksum';
import { companyHistory, termsHistory } from '../testing/company-history';
import { companyEvent, expectedCohortTotals, SyntheticLog } from '../testing/events';
import { ReadModelProjection } from './read-model-projection';

type AnyFunction = (...args: unknown[]) => unknown;

/** `target[property]`, with methods bound to `target` (what a transparent Proxy hands out). */
function member(target: object, property: string | symbol): unknown {
  const value: unknown = Reflect.get(target, property);
  return typeof value === 'function' ? (value as AnyFunction).bind(target) : value;
}

/** A pool whose connections fail the first statement matching `pattern`: a crash there. */
function crashingPool(pool: Pool, pattern: RegExp): Pool {
  let armed = true;
  const wrapClient = (client: PoolClient): PoolClient =>
    new Proxy(client, {
      get(target, property) {
        if (property !== 'query') return member(target, property);
        const query = member(target, property) as AnyFunction;
        return (text: unknown, ...rest: unknown[]) => {
          if (armed && typeof text === 'string' && pattern.test(text)) {
            armed = false;
            return Promise.reject(new Error(`simulated crash at ${pattern.source}`));
          }
          return query(text, ...rest);
        };
      },
    });
  return new Proxy(pool, {
    get(target, property) {
      if (property === 'connect') return async () => wrapClient(await target.connect());
      return member(target, property);
    },
  });
}

describe('ReadModelProjection', () => {
  let database: TestDatabase;
  let pool: Pool;
  const log = new SyntheticLog();

  beforeAll(async () => {
    database = await createTestDatabase('read_model_projection');
    pool = new Pool({ connectionString: database.url, max: 6 });
  });

  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it('migrates idempotently, also when two processes start at once', async () => {
    const [first, second] = await Promise.all([migrateReadModel(pool), migrateReadModel(pool)]);
    expect([...first.applied, ...second.applied]).toEqual([
      '001-create-read-model',
      '002-payment-disputes',
      '003-company-locale',
    ]);
    expect(await migrateReadModel(pool)).toEqual({ applied: [] });
    expect(() => new ReadModelProjection(pool, 'bad"name')).toThrow(RangeError);
  });

  it('projects terms to what the company decider holds, and names their dirty cohorts', async () => {
    const events = termsHistory('terms-co');
    const recorded = log.record(events);
    const projection = new ReadModelProjection(pool);
    const queries = new ReadModelQueries(pool);
    const first = await projection.applyBatch(recorded.slice(0, 9));
    expect(first.dirty).toEqual([
      {
        companyId: 'terms-co',
        cohortMonths: ['2020-01-01', '2020-02-01', '2020-04-01'],
        position: `${recorded[8]!.transactionId}:${recorded[8]!.globalPosition}`,
      },
    ]);
    const second = await projection.applyBatch(recorded.slice(9));
    expect(second.dirty.map((job) => job.cohortMonths)).toEqual(['all']);

    const state = events
      .map((e) => e.event)
      .filter((e): e is CompanyEvent => isCompanyEvent(e))
      .reduce(evolveCompany, initialCompanyState);
    const view = await queries.loadCompanyTerms('terms-co');
    expect(view?.name).toBe('Acme Ltd');
    expect(view?.terms).toEqual(companyTerms(state));
    expect(view?.assumptions).toEqual(state.assumptions);
    // Ratios come back with the digits they were entered with.
    expect(view?.terms.trades[0]?.sharingPercentage.toFixed()).toBe('0.8');
    const raw = await pool.query<{ s: string }>(
      'SELECT sharing_percentage::text AS s FROM read_model.trades ORDER BY cohort_month',
    );
    expect(raw.rows.map((r) => r.s)).toEqual(['0.80', '0.75']);
    expect(await queries.listCohortMonths('terms-co')).toEqual(
      ['2020-01', '2020-02', '2020-04'].map(parseMonth),
    );
    expect(await queries.companyPosition('terms-co')).toEqual({
      transactionId: recorded.at(-1)!.transactionId,
      globalPosition: recorded.at(-1)!.globalPosition,
    });
    expect(await queries.loadCompanyTerms('unknown-co')).toBeNull();
  });

  it('gives identical read models for overlapping re-deliveries and for one batch', async () => {
    const recorded = log.record(companyHistory('redelivered', 6, 120));
    const reference = 'reference_once';
    await migrateReadModel(pool, reference);
    await new ReadModelProjection(pool, reference).applyBatch(recorded);

    await migrateReadModel(pool, 'overlapping');
    const projection = new ReadModelProjection(pool, 'overlapping');
    const all = recorded.length;
    const cuts: [number, number][] = [
      [0, 40],
      [20, 70],
      [0, 100],
      [60, all],
      [0, all],
    ];
    for (const [from, to] of cuts) await projection.applyBatch(recorded.slice(from, to));
    expect(await readModelChecksum(pool, 'overlapping')).toBe(
      await readModelChecksum(pool, reference),
    );
    const outbox = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM overlapping.recompute_outbox',
    );
    // One job per batch that brought something new; the pure re-delivery wrote none.
    expect(outbox.rows[0]!.n).toBe(4);
  });

  it.each([/^MERGE INTO .*cohort_totals/, /recompute_outbox/, /^COMMIT/])(
    'neither loses nor doubles anything when it crashes at %s',
    async (crashAt) => {
      const schema = `crash_${crashAt.source.replace(/[^a-z]/gi, '').toLowerCase()}`;
      await migrateReadModel(pool, schema);
      const companyId = `crash-${schema}`;
      const events = companyHistory(companyId, 4, 60);
      const recorded = log.record(events);
      const healthy = new ReadModelProjection(pool, schema);
      await healthy.applyBatch(recorded.slice(0, 30));
      const beforeCrash = await readModelChecksum(pool, schema);

      const crashing = new ReadModelProjection(crashingPool(pool, crashAt), schema);
      await expect(crashing.applyBatch(recorded.slice(20, 50))).rejects.toThrow('simulated crash');
      expect(await readModelChecksum(pool, schema)).toBe(beforeCrash);

      // The consumer resumes from its checkpoint, so the failed batch comes again, and more.
      await healthy.applyBatch(recorded.slice(20, 50));
      await healthy.applyBatch(recorded.slice(30));
      const totals = await new ReadModelQueries(pool, schema).loadCohortTotals(companyId, 'all');
      expect([...totals.values()]).toEqual(
        [...expectedCohortTotals(events).values()].sort((a, b) => a.cohortMonth - b.cohortMonth),
      );
      expect(await new ReadModelQueries(pool, schema).projectionPosition()).toEqual({
        transactionId: recorded.at(-1)!.transactionId,
        globalPosition: recorded.at(-1)!.globalPosition,
      });
    },
  );

  it('never moves the checkpoint back and ignores streams that are not read-model input', async () => {
    const projection = new ReadModelProjection(pool);
    const queries = new ReadModelQueries(pool);
    const [late] = log.record([
      companyEvent('other-co', {
        type: 'CompanyRegistered',
        data: { name: 'O', currency: 'USD', timezone: 'UTC' },
      }),
    ]);
    const foreign: RecordedEvent = { ...late!, streamId: 'audit-1', globalPosition: '999999' };
    const result = await projection.applyBatch([foreign]);
    expect(result).toEqual({ applied: 0, skipped: 1, dirty: [] });
    const position = await queries.projectionPosition();
    await projection.applyBatch([{ ...late!, globalPosition: '1' }]);
    expect(await queries.projectionPosition()).toEqual(position);
  });
});
