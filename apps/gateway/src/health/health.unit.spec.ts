import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { TerminusModule } from '@nestjs/terminus';
import { CACHE_REDIS } from '@cvf/cache';
import { PG_POOL } from '@cvf/platform';
import { GatewayHealthController } from './health.controller';

/** Readiness with stand-ins for PostgreSQL and Redis: each failure is a 503 naming it. */
async function healthApp(redisUp: boolean, postgresUp: boolean): Promise<NestFastifyApplication> {
  const down = () => Promise.reject(new Error('connection refused'));
  const moduleRef = await Test.createTestingModule({
    imports: [TerminusModule.forRoot({ logger: false })],
    controllers: [GatewayHealthController],
    providers: [
      { provide: CACHE_REDIS, useValue: { ping: redisUp ? () => Promise.resolve('PONG') : down } },
      { provide: PG_POOL, useValue: { query: postgresUp ? () => Promise.resolve({}) : down } },
    ],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('GET /health', () => {
  it.each([
    [true, true, 200, []],
    [false, true, 503, ['redis']],
    [true, false, 503, ['postgresql']],
  ])(
    'given redis up %s and postgresql up %s, then ready is %i',
    async (redis, pg, status, failing) => {
      const app = await healthApp(redis, pg);
      try {
        const ready = await app.inject({ method: 'GET', url: '/health/ready' });
        expect(ready.statusCode).toBe(status);
        expect(Object.keys(ready.json<{ error: object }>().error)).toEqual(failing);
        const live = await app.inject({ method: 'GET', url: '/health/live' });
        expect([live.statusCode, live.json()]).toEqual([200, { status: 'ok' }]);
      } finally {
        await app.close();
      }
    },
  );
});
