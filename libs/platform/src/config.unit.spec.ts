import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('given no variables, then it points at the local services in embedded mode', () => {
    expect(loadConfig({})).toMatchObject({
      mode: 'embedded',
      port: 3000,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/cvf',
      redisUrl: 'redis://127.0.0.1:6379',
      kafkaBrokers: [],
    });
  });

  it('given bad variables, then it names every one of them', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        CVF_MODE: 'cluster',
        KAFKA_BROKERS: 'nohost',
        KAFKA_TOPIC_PREFIX: 'staging/',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT: must be a whole number/);
    expect(problems).toMatch(/DATABASE_URL: protocol must be one of postgres:, postgresql:/);
    expect(problems).toMatch(/CVF_MODE: must be one of embedded, distributed/);
    expect(problems).toMatch(/KAFKA_BROKERS: 'nohost' is not host:port/);
    expect(problems).toMatch(/KAFKA_TOPIC_PREFIX: only letters, digits.*got 'staging\/'/);
  });

  it('given distributed mode, then Kafka brokers default to the local broker', () => {
    const credentials = {
      CVF_ADMIN_KEY: 'an-admin-key-of-at-least-32-characters',
      SECRET_KEY: 'k1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
    };
    expect(loadConfig({ CVF_MODE: 'distributed', ...credentials }).kafkaBrokers).toEqual([
      '127.0.0.1:9092',
    ]);
  });

  it('given a topic prefix, then it is kept for the Kafka names (none by default)', () => {
    expect(loadConfig({}).kafkaTopicPrefix).toBe('');
    expect(loadConfig({ KAFKA_TOPIC_PREFIX: 'staging.' }).kafkaTopicPrefix).toBe('staging.');
  });
});
