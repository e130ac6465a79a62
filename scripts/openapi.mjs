// The OpenAPI document and the typed client made from it (libs/client), from the built app
// (dist/, `npm run build`): nothing is started, nothing connects.
//   node scripts/openapi.mjs generate   writes libs/client/openapi.json and src/schema.ts
//   node scripts/openapi.mjs check      fails when either is stale, then lints the document
//                                       (Redocly, redocly.yaml: zero errors)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const DOCUMENT = join(root, 'libs/client/openapi.json');
const SCHEMA = join(root, 'libs/client/src/schema.ts');

// Redocly reports usage to redocly.com unless told not to; CI reaches only the npm registry.
const run = (command, args) =>
  execFileSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });

function generate(document, schema) {
  run(process.execPath, [join(root, 'dist/apps/all-in-one/src/write-openapi.js'), document]);
  run(bin('openapi-typescript'), [
    document,
    '--output',
    schema,
    '--empty-objects-unknown',
    '--default-non-nullable=false',
  ]);
}

const command = process.argv[2];
if (command === 'generate') {
  generate(DOCUMENT, SCHEMA);
} else if (command === 'check') {
  const scratch = mkdtempSync(join(tmpdir(), 'cvf-openapi-'));
  try {
    generate(join(scratch, 'openapi.json'), join(scratch, 'schema.ts'));
    const stale = [
      [DOCUMENT, join(scratch, 'openapi.json')],
      [SCHEMA, join(scratch, 'schema.ts')],
    ].filter(([committed, fresh]) => {
      try {
        return readFileSync(committed, 'utf8') !== readFileSync(fresh, 'utf8');
      } catch {
        return true;
      }
    });
    if (stale.length > 0) {
      process.stderr.write(
        `stale: ${stale.map(([file]) => file.slice(root.length + 1)).join(', ')} ` +
          'no longer match the routes: run `npm run client:generate` and commit the result\n',
      );
      process.exit(1);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  run(bin('redocly'), ['lint', DOCUMENT, '--format=summary']);
} else {
  process.stderr.write('usage: node scripts/openapi.mjs generate|check\n');
  process.exit(2);
}
