import { COMPUTE_USAGE, computeCommand, InputError } from './compute-command';
import { ConfigError } from '@cvf/platform';
import { runRebuildCommand } from '@cvf/projector';
import { migrateCommand } from './migrate-command';

const USAGE = `cvf: the CVF portfolio command line

${COMPUTE_USAGE}
       cvf migrate      (applies the database migrations; DATABASE_URL)
       cvf rebuild [--page-size N]  (replays the log into fresh read models, then switches over)

Exit status: 0 on success, 2 on bad input (messages name file, row and column), 1 otherwise.`;

/** Dispatches a sub-command. Output goes to stdout only when the whole command succeeded. */
async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'compute':
        process.stdout.write(await computeCommand(rest));
        return 0;
      case 'migrate':
        process.stdout.write(await migrateCommand());
        return 0;
      case 'rebuild':
        return await runRebuildCommand(rest);
      case undefined:
      case 'help':
      case '--help':
        process.stdout.write(USAGE + '\n');
        return command === undefined ? 2 : 0;
      default:
        process.stderr.write(`cvf: unknown command '${command}'\n${USAGE}\n`);
        return 2;
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 78;
    }
    if (error instanceof InputError) {
      process.stderr.write(error.lines.map((line) => `error: ${line}`).join('\n') + '\n');
      return 2;
    }
    if (
      error instanceof TypeError &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(`error: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `cvf: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
