/**
 * Which PostgreSQL, Redis and Kafka a test run uses, from its environment. Each service is
 * one variable; unset means the service this machine and CI run locally, a URL (or broker
 * list) means that one, and the word `testcontainers` asks for a throwaway container started
 * for the run (test/support/containers.ts, from jest's global setup). Pure: no I/O here, so
 * the choice is unit-tested on machines without a Docker engine.
 */
export const TESTCONTAINERS = 'testcontainers';

export type ServiceName = 'postgres' | 'redis' | 'kafka';

export type ServiceChoice =
  | { readonly source: 'local'; readonly address: string }
  | { readonly source: 'given'; readonly address: string }
  | { readonly source: 'container' };

export type ServiceSelection = Readonly<Record<ServiceName, ServiceChoice>>;

/** The variable that chooses each service, and the local default when it is unset. */
export const SERVICE_VARIABLES: Readonly<
  Record<ServiceName, { readonly variable: string; readonly local: string }>
> = {
  postgres: {
    variable: 'TEST_DATABASE_URL',
    local: 'postgres://postgres@127.0.0.1:5432/postgres',
  },
  redis: { variable: 'TEST_REDIS_URL', local: 'redis://127.0.0.1:6379' },
  kafka: { variable: 'TEST_KAFKA_BROKERS', local: '127.0.0.1:9092' },
};

export function selectServices(env: NodeJS.ProcessEnv): ServiceSelection {
  const choose = (name: ServiceName): ServiceChoice => {
    const { variable, local } = SERVICE_VARIABLES[name];
    const value = env[variable]?.trim();
    if (value === undefined || value === '') return { source: 'local', address: local };
    if (value.toLowerCase() === TESTCONTAINERS) return { source: 'container' };
    return { source: 'given', address: value };
  };
  return { postgres: choose('postgres'), redis: choose('redis'), kafka: choose('kafka') };
}

/** The services this selection wants started as containers. */
export function containersWanted(selection: ServiceSelection): ServiceName[] {
  return (Object.keys(selection) as ServiceName[]).filter(
    (name) => selection[name].source === 'container',
  );
}

/**
 * The address a spec connects to. A service still marked `testcontainers` here means the
 * run did not go through jest's global setup (which replaces the word with the container's
 * address), so there is nothing to connect to: say so rather than try "testcontainers" as a
 * host name.
 */
export function addressOf(selection: ServiceSelection, name: ServiceName): string {
  const choice = selection[name];
  if (choice.source === 'container') {
    const { variable } = SERVICE_VARIABLES[name];
    throw new Error(
      `${variable}=${TESTCONTAINERS}: the containers are started by jest's global setup ` +
        `(test/build.global-setup.js); run this through jest, or give ${variable} an address`,
    );
  }
  return choice.address;
}

/** Why containers cannot be had, in words a developer can act on. */
export function noRuntimeMessage(wanted: readonly ServiceName[], reason: string): string {
  const variables = wanted.map((name) => `${SERVICE_VARIABLES[name].variable}=${TESTCONTAINERS}`);
  const locals = wanted.map(
    (name) => `${SERVICE_VARIABLES[name].variable} unset uses ${SERVICE_VARIABLES[name].local}`,
  );
  return (
    `${variables.join(', ')} asks for ${wanted.join(', ')} in containers, but no container ` +
    `runtime answers (${reason}). Start Docker (or point DOCKER_HOST at one), or use local ` +
    `services: ${locals.join('; ')}.`
  );
}
