// Once per Jest run: build dist/ (specs that run the CLI or the apps need it to match the
// sources) and make sure the services the integration specs use are there. PostgreSQL and
// Redis run on every machine of ours; a Kafka broker is started here when none answers
// (scripts/kafka.sh is idempotent), so `npm test` works on a fresh clone. Kafka specs fail,
// not skip, when it cannot start.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async function globalSetup(globalConfig) {
  const root = join(__dirname, '..');
  execFileSync(
    join(root, 'node_modules/.bin/swc'),
    ['apps', 'libs', 'bench', '-d', 'dist', '--copy-files', '--quiet'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  const projects = globalConfig.selectProjects ?? [];
  const integration = projects.length === 0 || projects.includes('int');
  if (integration) {
    // The jars, even when a broker already answers: the broker-crash spec starts its own.
    execFileSync('bash', [join(root, 'scripts/kafka.sh'), 'fetch'], {
      cwd: root,
      stdio: 'inherit',
    });
  }
  if (integration && !process.env.TEST_KAFKA_BROKERS) {
    execFileSync('bash', [join(root, 'scripts/kafka.sh'), 'start'], {
      cwd: root,
      stdio: 'inherit',
    });
  }
};
