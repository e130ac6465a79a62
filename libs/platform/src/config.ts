/**
 * Configuration is parsed and validated once at boot into a typed object; a bad or missing
 * variable stops the process with a message naming it (and every other bad one).
 */
export type RunMode = 'embedded' | 'distributed';

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
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Largest CSV upload accepted, in bytes (413 beyond). */
  readonly uploadLimitBytes: number;
  /** Seconds a webhook signature timestamp may lag or lead our clock. */
  readonly webhookToleranceSeconds: number;
  /** Seconds idempotency keys are kept. */
  readonly idempotencyTtlSeconds: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  text(name: string, fallback: string): string {
    const value = this.env[name];
    if (value === undefined || value === '') return fallback;
    return value;
  }

  url(name: string, fallback: string, protocols: readonly string[]): string {
    const value = this.text(name, fallback);
    try {
      const url = new URL(value);
      if (!protocols.includes(url.protocol)) {
        this.problems.push(
          `${name}: protocol must be one of ${protocols.join(', ')} (got ${url.protocol})`,
        );
      }
    } catch {
      this.problems.push(`${name}: '${value}' is not a URL`);
    }
    return value;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      this.problems.push(`${name}: must be a whole number from ${min} to ${max} (got '${raw}')`);
      return fallback;
    }
    return Number(raw);
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const raw = this.text(name, fallback);
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name}: must be one of ${allowed.join(', ')} (got '${raw}')`);
      return fallback;
    }
    return raw as T;
  }
}

export function loadConfig(env: Env = process.env): AppConfig {
  const read = new EnvReader(env);
  const mode = read.oneOf<RunMode>('CVF_MODE', 'embedded', ['embedded', 'distributed']);
  const brokersText = read.text('KAFKA_BROKERS', mode === 'distributed' ? '127.0.0.1:9092' : '');
  const kafkaBrokers = brokersText === '' ? [] : brokersText.split(',').map((b) => b.trim());
  for (const broker of kafkaBrokers) {
    if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(broker))
      read.problems.push(`KAFKA_BROKERS: '${broker}' is not host:port`);
  }
  const config: AppConfig = {
    mode,
    port: read.integer('PORT', 3000, 0, 65535),
    host: read.text('HOST', '127.0.0.1'),
    databaseUrl: read.url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/cvf', [
      'postgres:',
      'postgresql:',
    ]),
    redisUrl: read.url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    kafkaBrokers,
    kafkaClientId: read.text('KAFKA_CLIENT_ID', 'cvf'),
    kafkaTopicPrefix: read.text('KAFKA_TOPIC_PREFIX', ''),
    logLevel: read.oneOf('LOG_LEVEL', 'info', [
      'fatal',
      'error',
      'warn',
      'info',
      'debug',
      'trace',
      'silent',
    ]),
    uploadLimitBytes: read.integer(
      'UPLOAD_LIMIT_BYTES',
      200 * 1024 * 1024,
      1024,
      4 * 1024 * 1024 * 1024,
    ),
    webhookToleranceSeconds: read.integer('WEBHOOK_TOLERANCE_SECONDS', 300, 1, 86_400),
    idempotencyTtlSeconds: read.integer('IDEMPOTENCY_TTL_SECONDS', 86_400, 3_600, 30 * 86_400),
  };
  // Kafka's legal topic characters; the longest suffix (`cvf-projector`, 13) must still fit 249.
  if (!/^[A-Za-z0-9._-]{0,200}$/.test(config.kafkaTopicPrefix)) {
    read.problems.push(
      `KAFKA_TOPIC_PREFIX: only letters, digits, '.', '_' and '-', at most 200 (got '${config.kafkaTopicPrefix}')`,
    );
  }
  if (mode === 'distributed' && kafkaBrokers.length === 0) {
    read.problems.push('KAFKA_BROKERS: required in distributed mode');
  }
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
}

/** For main.ts: parse or exit(78, EX_CONFIG) with the message naming each bad variable. */
export function loadConfigOrExit(env: Env = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}
