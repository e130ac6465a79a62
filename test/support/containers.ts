import { KafkaContainer } from '@testcontainers/kafka';
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import { RedisContainer } from '@testcontainers/redis';
import { getContainerRuntimeClient } from 'testcontainers';
import {
  containersWanted,
  noRuntimeMessage,
  SERVICE_VARIABLES,
  type ServiceName,
  selectServices,
} from './service-selection';

/** Images matching what our machines run: PostgreSQL 15, Redis 7, Kafka in KRaft mode. */
export const CONTAINER_IMAGES: Readonly<Record<ServiceName, string>> = {
  postgres: 'postgres:15-alpine',
  redis: 'redis:7-alpine',
  kafka: 'confluentinc/cp-kafka:7.7.1',
};

export interface StartedServices {
  /** The variables to set for the run: each container's address in its service's variable. */
  readonly environment: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/** Answers whether a container runtime (Docker, Podman, …) is reachable, and if not why. */
export type RuntimeProbe = () => Promise<
  { available: true } | { available: false; reason: string }
>;

export const probeContainerRuntime: RuntimeProbe = async () => {
  try {
    await getContainerRuntimeClient();
    return { available: true };
  } catch (error) {
    return { available: false, reason: error instanceof Error ? error.message : String(error) };
  }
};

interface Started {
  readonly address: string;
  stop(): Promise<unknown>;
}

const starters: Readonly<Record<ServiceName, () => Promise<Started>>> = {
  postgres: async () => {
    // The superuser and its maintenance database, as on our machines: specs create and
    // drop a database each (createTestDatabase).
    const container = await new PostgreSqlContainer(CONTAINER_IMAGES.postgres)
      .withUsername('postgres')
      .withPassword('postgres')
      .withDatabase('postgres')
      .start();
    return { address: container.getConnectionUri(), stop: () => container.stop() };
  },
  redis: async () => {
    const container = await new RedisContainer(CONTAINER_IMAGES.redis).start();
    return { address: container.getConnectionUrl(), stop: () => container.stop() };
  },
  kafka: async () => {
    const container = await new KafkaContainer(CONTAINER_IMAGES.kafka).withKraft().start();
    return {
      address: `${container.getHost()}:${container.getMappedPort(9093)}`,
      stop: () => container.stop(),
    };
  },
};

/**
 * Starts a container for every service the environment marks `testcontainers`, or fails
 * with a plain reason when no container runtime answers (this machine and CI have none, and
 * use the local services). Nothing is started when nothing is asked for.
 */
export async function startTestContainers(
  env: NodeJS.ProcessEnv,
  probe: RuntimeProbe = probeContainerRuntime,
  start: Readonly<Record<ServiceName, () => Promise<Started>>> = starters,
): Promise<StartedServices> {
  const wanted = containersWanted(selectServices(env));
  if (wanted.length === 0) return { environment: {}, stop: async () => {} };
  const runtime = await probe();
  if (!runtime.available) throw new Error(noRuntimeMessage(wanted, runtime.reason));
  const started: Array<{ name: ServiceName; service: Started }> = [];
  const stopAll = async () => {
    await Promise.allSettled(started.map(({ service }) => service.stop()));
  };
  try {
    for (const name of wanted) started.push({ name, service: await start[name]() });
  } catch (error) {
    await stopAll();
    throw error;
  }
  return {
    environment: Object.fromEntries(
      started.map(({ name, service }) => [SERVICE_VARIABLES[name].variable, service.address]),
    ),
    stop: stopAll,
  };
}
