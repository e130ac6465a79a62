import { writeFileSync } from 'node:fs';
import { openApiDocumentOf, parseEnvironment } from '@cvf/platform';
import { workerConfigFrom } from '@cvf/worker';
import { ALL_IN_ONE_API, AllInOneModule } from './all-in-one.module';

/**
 * `npm run openapi:write -- <file>`: the all-in-one process's OpenAPI document (every route of
 * ingest and gateway, as served at /docs/openapi.json) written to a file, from the built app
 * in Nest's preview mode: nothing connects to anything. The lint and the typed client read it.
 */
async function main(): Promise<void> {
  const file = process.argv[2];
  if (file === undefined) throw new Error('usage: write-openapi <file>');
  // The defaults of every variable: the document does not depend on the environment.
  const config = workerConfigFrom(parseEnvironment({}));
  const document = await openApiDocumentOf(AllInOneModule.forRoot(config), ALL_IN_ONE_API);
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `write-openapi failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
