import { type RuntimeProbe, startTestContainers } from './containers';
import { addressOf, containersWanted, selectServices, type ServiceName } from './service-selection';

describe('which services a test run uses', () => {
  it('uses the local services when nothing is set', () => {
    const selection = selectServices({});
    expect(selection).toEqual({
      postgres: { source: 'local', address: 'postgres://postgres@127.0.0.1:5432/postgres' },
      redis: { source: 'local', address: 'redis://127.0.0.1:6379' },
      kafka: { source: 'local', address: '127.0.0.1:9092' },
    });
    expect(containersWanted(selection)).toEqual([]);
  });

  it('uses a given address as it is, and treats a blank variable as unset', () => {
    const selection = selectServices({
      TEST_DATABASE_URL: 'postgres://ci@db:5433/postgres',
      TEST_REDIS_URL: '  ',
      TEST_KAFKA_BROKERS: 'k1:9092,k2:9092',
    });
    expect(addressOf(selection, 'postgres')).toBe('postgres://ci@db:5433/postgres');
    expect(selection.redis.source).toBe('local');
    expect(addressOf(selection, 'kafka')).toBe('k1:9092,k2:9092');
  });

  it('marks `testcontainers` (any case) as a container wanted, and refuses it as an address', () => {
    const selection = selectServices({
      TEST_REDIS_URL: 'TestContainers',
      TEST_KAFKA_BROKERS: 'testcontainers',
    });
    expect(containersWanted(selection)).toEqual(['redis', 'kafka']);
    expect(() => addressOf(selection, 'redis')).toThrow(
      /TEST_REDIS_URL=testcontainers: the containers are started by jest's global setup/,
    );
  });
});

describe('starting the containers asked for', () => {
  const noRuntime: RuntimeProbe = () =>
    Promise.resolve({
      available: false,
      reason: 'Could not find a working container runtime strategy',
    });
  const runtime: RuntimeProbe = () => Promise.resolve({ available: true });

  function fakeStarters(log: string[], failing?: ServiceName) {
    const starter = (name: ServiceName, address: string) => () => {
      if (name === failing) return Promise.reject(new Error(`${name} did not start`));
      log.push(`start ${name}`);
      return Promise.resolve({
        address,
        stop: () => Promise.resolve(log.push(`stop ${name}`)),
      });
    };
    return {
      postgres: starter('postgres', 'postgres://postgres:postgres@localhost:32768/postgres'),
      redis: starter('redis', 'redis://localhost:32769'),
      kafka: starter('kafka', 'localhost:32770'),
    };
  }

  it('asks nothing of the runtime when no service wants a container', async () => {
    let probed = false;
    const started = await startTestContainers({ TEST_REDIS_URL: 'redis://r:6379' }, () => {
      probed = true;
      return runtime();
    });
    expect(probed).toBe(false);
    expect(started.environment).toEqual({});
  });

  it('says plainly why it cannot when no container runtime answers', async () => {
    const log: string[] = [];
    await expect(
      startTestContainers({ TEST_DATABASE_URL: 'testcontainers' }, noRuntime, fakeStarters(log)),
    ).rejects.toThrow(
      'TEST_DATABASE_URL=testcontainers asks for postgres in containers, but no container runtime ' +
        'answers (Could not find a working container runtime strategy). Start Docker (or point ' +
        'DOCKER_HOST at one), or use local services: TEST_DATABASE_URL unset uses ' +
        'postgres://postgres@127.0.0.1:5432/postgres.',
    );
    expect(log).toEqual([]);
  });

  it('starts only the services asked for and hands back their addresses', async () => {
    const log: string[] = [];
    const started = await startTestContainers(
      { TEST_DATABASE_URL: 'testcontainers', TEST_KAFKA_BROKERS: 'testcontainers' },
      runtime,
      fakeStarters(log),
    );
    expect(started.environment).toEqual({
      TEST_DATABASE_URL: 'postgres://postgres:postgres@localhost:32768/postgres',
      TEST_KAFKA_BROKERS: 'localhost:32770',
    });
    await started.stop();
    expect(log).toEqual(['start postgres', 'start kafka', 'stop postgres', 'stop kafka']);
  });

  it('stops what it started when a later container fails', async () => {
    const log: string[] = [];
    await expect(
      startTestContainers(
        { TEST_DATABASE_URL: 'testcontainers', TEST_REDIS_URL: 'testcontainers' },
        runtime,
        fakeStarters(log, 'redis'),
      ),
    ).rejects.toThrow('redis did not start');
    expect(log).toEqual(['start postgres', 'stop postgres']);
  });
});
