import { Client } from 'pg';
import { projectionLockKey } from '../sql';

export interface ProjectionHold {
  /** Lets the projection go on: the batch that waited applies at once. */
  release(): Promise<void>;
}

/**
 * Holds the projection of `schema` back, for specs that need "written, not projected yet"
 * for certain: takes the lock every batch takes first (ReadModelProjection), so the
 * projector's next batch waits until `release`. The holding transaction writes nothing and
 * takes no transaction id, so it holds no reader of the event log back.
 */
export async function holdProjection(databaseUrl: string, schema: string): Promise<ProjectionHold> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      projectionLockKey(schema),
    ]);
  } catch (error) {
    await client.end();
    throw error;
  }
  let released: Promise<void> | null = null;
  return {
    release: () =>
      (released ??= client
        .query('COMMIT')
        .then(() => undefined)
        .finally(() => client.end())),
  };
}
