// Specs that run built programs (the CLI, the apps) need dist/ to match the sources.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async function buildOnce() {
  const root = join(__dirname, '..');
  execFileSync(
    join(root, 'node_modules/.bin/swc'),
    ['apps', 'libs', 'bench', '-d', 'dist', '--copy-files', '--quiet'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
};
