import { migrate, runMigrations } from '@cvf/event-store';
import { loadConfig } from '@cvf/platform';
import { Pool } from 'pg';
import { MESSAGING_MIGRATIONS } from '@cvf/messaging';
import { migrateReadModel } from '@cvf/read-model';
import { INGEST_MIGRATIONS } from '@cvf/ingest';

/** `cvf migrate`: brings every schema the services own up to date (each also does it on start). */
export async function migrateCommand(): Promise<string> {
  const config = loadConfig();
  const pool = new Pool({ connectionString: config.databaseUrl, max: 2 });
  try {
    const lines: string[] = [];
    const report = (name: string, applied: readonly string[]) =>
      lines.push(
        `${name}: ${applied.length === 0 ? 'up to date' : `applied ${applied.join(', ')}`}`,
      );
    report('event store', (await migrate(pool)).applied);
    report('ingest', (await runMigrations(pool, INGEST_MIGRATIONS)).applied);
    report('read models', (await migrateReadModel(pool)).applied);
    report('messaging', (await runMigrations(pool, MESSAGING_MIGRATIONS)).applied);
    return lines.join('\n') + '\n';
  } finally {
    await pool.end();
  }
}
