// Once per Jest run: build dist/ (specs that run the CLI or the apps need it to match the
// sources) and make sure the services the integration specs use are there.
// - A service whose variable says `testcontainers` (TEST_DATABASE_URL, TEST_REDIS_URL,
//   TEST_KAFKA_BROKERS) gets a container for the run (test/support/containers.ts), and its
//   address replaces the word in the environment the spec workers inherit; with no container
//   runtime the run stops here and says why.
// - PostgreSQL and Redis otherwise run on every machine of ours; a Kafka broker is started
//   here when none is given (scripts/kafka.sh is idempotent), so `npm test` works on a fresh
//   clone. Kafka specs fail, not skip, when it cannot start.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async function globalSetup(globalConfig) {
  const root = join(__dirname, '..');
  // The same build as `npm run build` (its one definition is in package.json).
  execFileSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
  const projects = globalConfig.selectProjects ?? [];
  const integration = projects.length === 0 || projects.includes('int');
  if (!integration) return;
  const { startTestContainers } = require(join(root, 'dist/test/support/containers.js'));
  const containers = await startTestContainers(process.env);
  Object.assign(process.env, containers.environment);
  globalThis.__cvfTestContainers = containers;
  // The jars, even when a broker is given: the broker-crash spec starts its own.
  execFileSync('bash', [join(root, 'scripts/kafka.sh'), 'fetch'], { cwd: root, stdio: 'inherit' });
  if (!process.env.TEST_KAFKA_BROKERS) {
    execFileSync('bash', [join(root, 'scripts/kafka.sh'), 'start'], {
      cwd: root,
      stdio: 'inherit',
    });
  }
};
