import {
  Global,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { runMigrations } from '@cvf/event-store';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { type AppConfig } from '../config';
import { APP_CONFIG, PG_POOL } from '../nest/tokens';
import { AUTH_MIGRATIONS, ApiKeys } from './api-keys';
import { AuthGuard } from './auth.guard';
import { Authenticator } from './authenticator';
import { JwtVerifier } from './jwt';
import {
  PrincipalThrottlerGuard,
  RATE_LIMITER,
  RATE_WINDOW_MS,
  RedisThrottlerStorage,
} from './rate-limit';
import { RoutePoliciesCheck } from './route-policies.check';

@Injectable()
class AuthMigrations implements OnModuleInit {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}
  async onModuleInit(): Promise<void> {
    await runMigrations(this.pool, AUTH_MIGRATIONS);
  }
}

const THROTTLER_REDIS = Symbol.for('cvf.ThrottlerRedis');

/** The rate limiter's own Redis connection; opened on the first counted request only. */
@Injectable()
class ThrottlerRedisCloser implements OnApplicationShutdown {
  constructor(@Inject(THROTTLER_REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.redis.status === 'wait') this.redis.disconnect();
    else await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Global()
@Module({
  providers: [
    {
      provide: THROTTLER_REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 }),
    },
    ThrottlerRedisCloser,
  ],
  exports: [THROTTLER_REDIS],
})
class ThrottlerRedisModule {}

/**
 * Who may do what, for every HTTP service (createHttpApp imports it): the bearer token of
 * every request verified (AuthGuard, global), then a per-principal rate limit counted in
 * Redis so it holds across instances (PrincipalThrottlerGuard), and at startup the check that
 * every route declares its policy. Needs the process's DatabaseModule (PG_POOL, APP_CONFIG):
 * API keys live in PostgreSQL (`auth_api_keys`), verified with a one-second cache.
 */
@Global()
@Module({
  imports: [
    DiscoveryModule,
    ThrottlerRedisModule,
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG, THROTTLER_REDIS],
      useFactory: (config: AppConfig, redis: Redis) => ({
        throttlers: [
          { name: RATE_LIMITER, ttl: RATE_WINDOW_MS, limit: config.auth.rateLimitPerMinute },
        ],
        storage: new RedisThrottlerStorage(redis, config.auth.rateLimitPrefix),
      }),
    }),
  ],
  providers: [
    AuthMigrations,
    ApiKeys,
    JwtVerifier,
    Authenticator,
    RoutePoliciesCheck,
    // Order matters: the principal first, then its rate limit.
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: PrincipalThrottlerGuard },
  ],
  exports: [ApiKeys, Authenticator],
})
export class AuthModule {}
