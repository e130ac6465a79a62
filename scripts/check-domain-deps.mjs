#!/usr/bin/env node
// The dependency rule: libs/domain is pure. It may import only relative modules and
// decimal.js. Anything else (Nest, pg, ioredis, kafkajs, bullmq, node I/O) fails the build.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const domain = join(root, 'libs/domain');
const allowed = new Set(['decimal.js']);
const importRe =
  /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (path.endsWith('.ts') && !path.endsWith('.spec.ts')) yield path;
  }
}

const violations = [];
for (const file of files(domain)) {
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2] ?? m[3] ?? m[4];
    if (!spec || spec.startsWith('.') || allowed.has(spec)) continue;
    const line = text.slice(0, m.index).split('\n').length;
    violations.push(`${relative(root, file)}:${line}: imports '${spec}'`);
  }
}
if (violations.length > 0) {
  console.error('libs/domain must stay pure (only relative imports and decimal.js):');
  for (const v of violations) console.error('  ' + v);
  process.exit(1);
}
console.log('dependency rule: libs/domain imports only decimal.js and itself');
