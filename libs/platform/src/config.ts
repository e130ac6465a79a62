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
  /**
   * The gateway: how long a read that finds nothing (and names no min_position) waits for the
   * read models to pass the log's head before answering 404; 0 does not wait.
   */
  readonly readOwnWritesWaitMs: number;
  /** Who may call, and the front door's limits (libs/platform/src/auth, nest/http-app.ts). */
  readonly auth: AuthConfig;
}

export interface AuthConfig {
  /** CVF_ADMIN_KEY: the first admin key; null when unset (embedded mode only). */
  readonly adminKey: string | null;
  /** Null: no JWT verifies (API keys only). */
  readonly jwt: JwtConfig | null;
  /** SECRET_KEY as given; null in embedded development (a development key is used). */
  readonly secretKeys: string | null;
  readonly rateLimitPerMinute: number;
  /** Where the rate limiter counts in Redis (`<CACHE_PREFIX>:ratelimit`). */
  readonly rateLimitPrefix: string;
  readonly corsOrigins: readonly string[];
  readonly requestTimeoutSeconds: number;
}

export interface JwtConfig {
  readonly issuer: string;
  readonly audience: string;
  readonly key: { readonly secret: string } | { readonly publicKeyFile: string };
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
  const problems = [
    ...errors.map(
      (error) => `${error.property}: ${Object.values(error.constraints ?? {}).join('; ')}`,
    ),
    ...(errors.length === 0 ? crossProblems(environment) : []),
  ];
  if (problems.length > 0) throw new ConfigError(problems);
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
    readOwnWritesWaitMs: environment.READ_OWN_WRITES_WAIT_MS,
    auth: {
      adminKey: environment.CVF_ADMIN_KEY ?? null,
      jwt: jwtConfigFrom(environment),
      secretKeys: environment.SECRET_KEY ?? null,
      rateLimitPerMinute: environment.RATE_LIMIT_PER_MINUTE,
      rateLimitPrefix: `${environment.CACHE_PREFIX}:ratelimit`,
      corsOrigins: environment.CORS_ORIGINS,
      requestTimeoutSeconds: environment.REQUEST_TIMEOUT_SECONDS,
    },
  };
}

function jwtConfigFrom(environment: Environment): JwtConfig | null {
  const { JWT_ISSUER, JWT_AUDIENCE, JWT_SECRET, JWT_PUBLIC_KEY_FILE } = environment;
  if (JWT_ISSUER === undefined || JWT_AUDIENCE === undefined) return null;
  const key =
    JWT_SECRET !== undefined
      ? { secret: JWT_SECRET }
      : JWT_PUBLIC_KEY_FILE !== undefined
        ? { publicKeyFile: JWT_PUBLIC_KEY_FILE }
        : null;
  return key === null ? null : { issuer: JWT_ISSUER, audience: JWT_AUDIENCE, key };
}

/** The rules between variables, one line each (JWTs need an issuer, an audience and one key). */
function crossProblems(environment: Environment): string[] {
  const { JWT_ISSUER, JWT_AUDIENCE, JWT_SECRET, JWT_PUBLIC_KEY_FILE } = environment;
  const problems: string[] = [];
  const key = JWT_SECRET !== undefined || JWT_PUBLIC_KEY_FILE !== undefined;
  const named = JWT_ISSUER !== undefined || JWT_AUDIENCE !== undefined;
  if (JWT_SECRET !== undefined && JWT_PUBLIC_KEY_FILE !== undefined) {
    problems.push('JWT_SECRET: set JWT_SECRET (HS256) or JWT_PUBLIC_KEY_FILE, not both');
  }
  if (key || named) {
    if (JWT_ISSUER === undefined) problems.push('JWT_ISSUER: required when JWTs are configured');
    if (JWT_AUDIENCE === undefined)
      problems.push('JWT_AUDIENCE: required when JWTs are configured');
    if (!key) problems.push('JWT_SECRET: JWT_SECRET or JWT_PUBLIC_KEY_FILE is required for JWTs');
  }
  return problems;
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
  try {
    // `derive` may refuse too (a variable only its app needs).
    return derive(parseEnvironment(env));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return process.exit(78);
  }
}
