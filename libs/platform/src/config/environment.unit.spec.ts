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
      NODE_ENV: undefined,
      CVF_ADMIN_KEY: undefined,
      JWT_ISSUER: undefined,
      JWT_AUDIENCE: undefined,
      JWT_SECRET: undefined,
      JWT_PUBLIC_KEY_FILE: undefined,
      SECRET_KEY: undefined,
      RATE_LIMIT_PER_MINUTE: 1_200,
      CORS_ORIGINS: [],
      REQUEST_TIMEOUT_SECONDS: 60,
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
      READ_OWN_WRITES_WAIT_MS: 2_000,
      WORKER_CONCURRENCY: 2,
      WORKER_SHUTDOWN_TIMEOUT_MS: 10_000,
      WORKER_LOCK_DURATION_MS: 30_000,
      WORKER_STALLED_INTERVAL_MS: 30_000,
      CVF_API_URL: 'http://127.0.0.1:3000',
      CVF_INGEST_URL: undefined,
      CVF_API_TOKEN: undefined,
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
      'CVF_ADMIN_KEY: required in distributed mode and in production (NODE_ENV=production)',
      'SECRET_KEY: required in distributed mode and in production (NODE_ENV=production)',
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

describe('credentials and the front door', () => {
  const ADMIN = 'an-admin-key-of-at-least-32-characters';
  const SECRET = 'k1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=';

  it('embedded development may start without an admin key or SECRET_KEY', () => {
    expect(parseEnvironment({}).CVF_ADMIN_KEY).toBeUndefined();
    expect(parseEnvironment({}).SECRET_KEY).toBeUndefined();
  });

  it.each([
    ['distributed mode', { CVF_MODE: 'distributed' }],
    ['production', { NODE_ENV: 'production' }],
  ])('%s refuses to boot without CVF_ADMIN_KEY and SECRET_KEY, naming both', (_what, env) => {
    expect(problemsOf(env)).toEqual([
      'CVF_ADMIN_KEY: required in distributed mode and in production (NODE_ENV=production)',
      'SECRET_KEY: required in distributed mode and in production (NODE_ENV=production)',
    ]);
    expect(() =>
      parseEnvironment({ ...env, CVF_ADMIN_KEY: ADMIN, SECRET_KEY: SECRET }),
    ).not.toThrow();
  });

  it('a short admin key, a bad SECRET_KEY and a bad origin are refused without echoing secrets', () => {
    const problems = problemsOf({
      CVF_ADMIN_KEY: 'short-secret',
      SECRET_KEY: 'k1:dG9vc2hvcnQ=',
      CORS_ORIGINS: 'https://app.example.com, javascript:alert(1)',
    });
    expect(problems).toEqual([
      'CVF_ADMIN_KEY: must be at least 32 characters (got 12)',
      'SECRET_KEY: key k1: must be 32 bytes in base64 (got 8)',
      "CORS_ORIGINS: 'javascript:alert(1)' is not an origin such as https://app.example.com",
    ]);
    expect(problems.join(' ')).not.toContain('short-secret');
  });

  it('JWTs need an issuer, an audience and exactly one key', () => {
    expect(problemsOf({ JWT_SECRET: 'a-jwt-secret-of-at-least-32-characters!' })).toEqual([
      'JWT_ISSUER: required when JWTs are configured',
      'JWT_AUDIENCE: required when JWTs are configured',
    ]);
    expect(
      problemsOf({
        JWT_ISSUER: 'https://id.example/',
        JWT_AUDIENCE: 'cvf',
        JWT_SECRET: 'a-jwt-secret-of-at-least-32-characters!',
        JWT_PUBLIC_KEY_FILE: '/keys/jwks.json',
      }),
    ).toEqual(['JWT_SECRET: set JWT_SECRET (HS256) or JWT_PUBLIC_KEY_FILE, not both']);
    expect(problemsOf({ JWT_ISSUER: 'https://id.example/', JWT_AUDIENCE: 'cvf' })).toEqual([
      'JWT_SECRET: JWT_SECRET or JWT_PUBLIC_KEY_FILE is required for JWTs',
    ]);
  });
});
