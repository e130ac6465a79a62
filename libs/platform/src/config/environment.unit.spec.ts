import { ConfigError, ENVIRONMENT_DEFAULTS, loadConfigOrExit, parseEnvironment } from '../config';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    parseEnvironment(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('the environment schema', () => {
  it('given no variables, then every one takes its default', () => {
    expect({ ...parseEnvironment({}) }).toEqual({
      CVF_MODE: 'embedded',
      PORT: 3_000,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      CVF_DEMO: 'on',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/cvf',
      REDIS_URL: 'redis://127.0.0.1:6379',
      KAFKA_BROKERS: undefined,
      KAFKA_CLIENT_ID: 'cvf',
      KAFKA_TOPIC_PREFIX: '',
      UPLOAD_LIMIT_BYTES: 200 * 1024 * 1024,
      WEBHOOK_TOLERANCE_SECONDS: 300,
      IDEMPOTENCY_TTL_SECONDS: 86_400,
      CACHE_PREFIX: 'cvf',
      CACHE_TTL_SECONDS: 7 * 86_400,
      RECOMPUTE_QUEUE: 'cvf-recompute',
      ALERTS_CHANNEL: 'cvf:alerts',
      READ_MODEL_SCHEMA: 'read_model',
      WORKER_CONCURRENCY: 2,
      WORKER_SHUTDOWN_TIMEOUT_MS: 10_000,
      WORKER_LOCK_DURATION_MS: 30_000,
      WORKER_STALLED_INTERVAL_MS: 30_000,
    });
    expect({ ...parseEnvironment({}) }).toEqual({ ...ENVIRONMENT_DEFAULTS });
  });

  it('given an empty variable, then it is as if unset', () => {
    expect(parseEnvironment({ PORT: '', CVF_MODE: '', CACHE_PREFIX: '' })).toMatchObject({
      PORT: 3_000,
      CVF_MODE: 'embedded',
      CACHE_PREFIX: 'cvf',
    });
  });

  it('given good values, then numbers are numbers and lists are lists', () => {
    expect(
      parseEnvironment({
        PORT: '8080',
        CACHE_TTL_SECONDS: '60',
        WORKER_CONCURRENCY: '64',
        KAFKA_BROKERS: ' kafka-1:9092, kafka-2:9093 ,',
        LOG_LEVEL: 'silent',
        UNRELATED: 'ignored',
      }),
    ).toMatchObject({
      PORT: 8080,
      CACHE_TTL_SECONDS: 60,
      WORKER_CONCURRENCY: 64,
      KAFKA_BROKERS: ['kafka-1:9092', 'kafka-2:9093'],
      LOG_LEVEL: 'silent',
    });
  });

  it('given a bad variable of each kind, then each is named once, with what was wrong', () => {
    expect(
      problemsOf({
        PORT: '70000',
        WORKER_CONCURRENCY: 'two',
        LOG_LEVEL: 'loud',
        REDIS_URL: 'not a url',
        DATABASE_URL: 'mysql://user:secret@db/cvf',
        CACHE_PREFIX: 'has space',
        KAFKA_BROKERS: 'ok:1,nohost',
      }),
    ).toEqual([
      "PORT: must be a whole number from 0 to 65535 (got '70000')",
      "LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got 'loud')",
      'DATABASE_URL: protocol must be one of postgres:, postgresql: (got mysql:)',
      'REDIS_URL: is not a URL',
      "KAFKA_BROKERS: 'nohost' is not host:port",
      "CACHE_PREFIX: must match /^[A-Za-z0-9_.:-]{1,64}$/ (got 'has space')",
      "WORKER_CONCURRENCY: must be a whole number from 1 to 64 (got 'two')",
    ]);
  });

  it('given a URL refused, then the message never repeats it (it may carry a password)', () => {
    expect(problemsOf({ DATABASE_URL: 'mysql://user:secret@db/cvf' }).join()).not.toMatch(/secret/);
  });

  it('given distributed mode with brokers set to nothing, then KAFKA_BROKERS is required', () => {
    expect(problemsOf({ CVF_MODE: 'distributed', KAFKA_BROKERS: ' , ' })).toEqual([
      'KAFKA_BROKERS: required in distributed mode',
    ]);
    expect(parseEnvironment({ KAFKA_BROKERS: ' , ' }).KAFKA_BROKERS).toEqual([]);
  });

  it('given the edges of a range, then both ends are accepted and one past is not', () => {
    expect(parseEnvironment({ CACHE_TTL_SECONDS: '7776000' }).CACHE_TTL_SECONDS).toBe(7_776_000);
    expect(problemsOf({ CACHE_TTL_SECONDS: '59' })).toEqual([
      "CACHE_TTL_SECONDS: must be a whole number from 60 to 7776000 (got '59')",
    ]);
    expect(problemsOf({ PORT: '-1' })).toEqual([
      "PORT: must be a whole number from 0 to 65535 (got '-1')",
    ]);
  });
});

describe('loadConfigOrExit', () => {
  it('given good variables, then it returns the slice the app asks for', () => {
    expect(loadConfigOrExit((environment) => environment.PORT, { PORT: '4000' })).toBe(4_000);
  });

  it('given bad variables, then it names each on stderr and exits 78', () => {
    const written: string[] = [];
    const stderr = jest
      .spyOn(process.stderr, 'write')
      .mockImplementation((chunk: string | Uint8Array) => written.push(String(chunk)) > 0);
    const exit = jest.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Error(`exit ${String(code)}`);
    });
    try {
      expect(() =>
        loadConfigOrExit(() => 'never derived', { PORT: 'x', RECOMPUTE_QUEUE: 'a b' }),
      ).toThrow('exit 78');
    } finally {
      stderr.mockRestore();
      exit.mockRestore();
    }
    expect(written.join('')).toBe(
      'invalid configuration:\n' +
        "  - PORT: must be a whole number from 0 to 65535 (got 'x')\n" +
        "  - RECOMPUTE_QUEUE: must match /^[A-Za-z0-9_.-]{1,64}$/ (got 'a b')\n",
    );
  });
});
