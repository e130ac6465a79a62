import { migrate, PostgresEventStore } from '@cvf/event-store';
import { parseEnvironment } from '@cvf/platform';
import { DEFAULT_READ_MODEL_SCHEMA, rebuildReadModels } from '@cvf/read-model';
import { Pool } from 'pg';
import { ProgressBar } from './progress-bar';

const USAGE =
  'usage: cvf rebuild [--page-size <events, 100–100000>] [--schema <read-model schema>]';

interface RebuildArguments {
  readonly pageSize: number;
  readonly schema: string;
}

/** `defaultSchema`: READ_MODEL_SCHEMA of the validated environment, unless `--schema` says. */
export function parseRebuildArguments(
  argv: readonly string[],
  defaultSchema: string = DEFAULT_READ_MODEL_SCHEMA,
): RebuildArguments | { error: string } {
  let pageSize = 10_000;
  let schema = defaultSchema;
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) return { error: `${flag ?? ''}: missing value` };
    if (flag === '--page-size' && /^\d+$/.test(value) && +value >= 100 && +value <= 100_000) {
      pageSize = Number(value);
    } else if (flag === '--schema' && /^[a-z_][a-z0-9_]{0,57}$/.test(value)) {
      schema = value;
    } else {
      return { error: `${flag ?? ''}: '${value}' is not accepted` };
    }
  }
  return { pageSize, schema };
}

/**
 * `cvf rebuild`: replays the whole event log into fresh read models and switches them in
 * (see rebuildReadModels). Progress goes to stderr, the summary to stdout. A running
 * projector may stay up: it continues after the switch. Returns the exit status.
 * @throws ConfigError for a bad variable (the CLI exits 78 naming each).
 */
export async function runRebuildCommand(argv: readonly string[]): Promise<number> {
  const environment = parseEnvironment();
  const args = parseRebuildArguments(argv, environment.READ_MODEL_SCHEMA);
  if ('error' in args) {
    process.stderr.write(`error: ${args.error}\n${USAGE}\n`);
    return 2;
  }
  const pool = new Pool({
    connectionString: environment.DATABASE_URL,
    max: 4,
    application_name: 'cvf-rebuild',
  });
  try {
    await migrate(pool);
    // The event store's own table: only to size the bar (the replay itself uses the port).
    const count = await pool.query<{ n: string }>('SELECT count(*)::text AS n FROM events');
    const bar = new ProgressBar(process.stderr, Number(count.rows[0]?.n ?? 0));
    const result = await rebuildReadModels({
      pool,
      eventStore: new PostgresEventStore(pool),
      schema: args.schema,
      pageSize: args.pageSize,
      onProgress: (progress) => bar.update(progress),
    });
    bar.finish();
    const position = result.position
      ? `${result.position.transactionId}:${result.position.globalPosition}`
      : 'the start of the log';
    process.stdout.write(
      `rebuilt ${args.schema}: ${result.events.toLocaleString('en-US')} events of ` +
        `${result.companies} ${result.companies === 1 ? 'company' : 'companies'} in ${(result.elapsedMs / 1000).toFixed(2)} s ` +
        `(${Math.round(result.eventsPerSecond).toLocaleString('en-US')} events/s); ` +
        `checkpoint ${position}; every company queued for recompute\n`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(
      `\nrebuild failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  } finally {
    await pool.end();
  }
}
