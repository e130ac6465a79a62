import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  ENVIRONMENT_DEFAULTS,
  Environment,
  LOCAL_KAFKA_BROKER,
  type LogLevel,
  type RunMode,
} from './config/environment';

/*
 * Configuration is parsed and validated once at boot: the schema of every variable is
 * config/environment.ts; here it is loaded, and an app's typed slice derived from it.
 */
export {
  Environment,
  ENVIRONMENT_DEFAULTS,
  LOCAL_KAFKA_BROKER,
  LOG_LEVELS,
  RUN_MODES,
  type LogLevel,
  type RunMode,
} from './config/environment';

/** The variables as the process got them (`process.env`, or a test's own). */
export type Env = Readonly<Record<string, string | undefined>>;

/** What every app's platform part (HTTP server, database, Kafka, ingest limits) runs with. */
export interface AppConfig {
  readonly mode: RunMode;
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** Empty in embedded mode unless set. */
  readonly kafkaBrokers: readonly string[];
  readonly kafkaClientId: string;
  /**
   * Prepended to every Kafka topic and consumer group name, so that several deployments (or
   * test runs and benchmarks) can share one cluster without reading each other's events.
   */
  readonly kafkaTopicPrefix: string;
  readonly logLevel: LogLevel;
  /** Largest CSV upload accepted, in bytes (413 beyond). */
  readonly uploadLimitBytes: number;
  /** Seconds a webhook signature timestamp may lag or lead our clock. */
  readonly webhookToleranceSeconds: number;
  /** Seconds idempotency keys are kept. */
  readonly idempotencyTtlSeconds: number;
}

/** One line per bad variable, each starting with the variable's name. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const VARIABLES = Object.keys(ENVIRONMENT_DEFAULTS);

/**
 * The schema's variables from `env`, converted and validated at once.
 * @throws ConfigError naming every bad variable, not only the first.
 */
export function parseEnvironment(env: Env = process.env): Environment {
  const given: Record<string, string> = {};
  for (const name of VARIABLES) {
    const value = env[name];
    if (value !== undefined && value !== '') given[name] = value;
  }
  const environment = plainToInstance(Environment, given);
  // One problem per variable: 'eighty' is not a whole number, no need to add it is below 0.
  const errors = validateSync(environment, { stopAtFirstError: true });
  if (errors.length > 0) {
    throw new ConfigError(
      errors.map(
        (error) => `${error.property}: ${Object.values(error.constraints ?? {}).join('; ')}`,
      ),
    );
  }
  return Object.freeze(environment);
}

export function appConfigFrom(environment: Environment): AppConfig {
  const distributed = environment.CVF_MODE === 'distributed';
  return {
    mode: environment.CVF_MODE,
    port: environment.PORT,
    host: environment.HOST,
    databaseUrl: environment.DATABASE_URL,
    redisUrl: environment.REDIS_URL,
    kafkaBrokers: environment.KAFKA_BROKERS ?? (distributed ? [LOCAL_KAFKA_BROKER] : []),
    kafkaClientId: environment.KAFKA_CLIENT_ID,
    kafkaTopicPrefix: environment.KAFKA_TOPIC_PREFIX,
    logLevel: environment.LOG_LEVEL,
    uploadLimitBytes: environment.UPLOAD_LIMIT_BYTES,
    webhookToleranceSeconds: environment.WEBHOOK_TOLERANCE_SECONDS,
    idempotencyTtlSeconds: environment.IDEMPOTENCY_TTL_SECONDS,
  };
}

/** The platform's configuration. @throws ConfigError naming every bad variable. */
export function loadConfig(env: Env = process.env): AppConfig {
  return appConfigFrom(parseEnvironment(env));
}

/**
 * For main.ts: the configuration an app runs with (`derive` picks its slice of the
 * environment), or exit 78 (EX_CONFIG) with a message naming each bad variable.
 */
export function loadConfigOrExit<T>(
  derive: (environment: Environment) => T,
  env: Env = process.env,
): T {
  let environment: Environment;
  try {
    environment = parseEnvironment(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return process.exit(78);
  }
  return derive(environment);
}
