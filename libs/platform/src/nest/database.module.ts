import {
  Global,
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { EVENT_STORE, PostgresEventStore, migrate } from '@cvf/event-store';
import { Pool } from 'pg';
import { type AppConfig } from '../config';
import { SECRET_BOX, secretBoxOf } from '../crypto';
import { APP_CONFIG, PG_POOL } from './tokens';

class PoolCloser implements OnApplicationShutdown {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}
  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * Configuration, the PostgreSQL pool, the event store and the SecretBox (SECRET_KEY), bound
 * once for a whole process.
 * The event store's migrations run before the app takes traffic.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig, options: { poolSize?: number } = {}): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        {
          provide: PG_POOL,
          useFactory: async () => {
            const pool = new Pool({
              connectionString: config.databaseUrl,
              max: options.poolSize ?? 10,
              application_name: 'cvf',
            });
            // An idle client whose connection drops emits 'error' on the pool; unhandled, that
            // would kill the process. The next query gets a fresh connection.
            pool.on('error', (error) =>
              new Logger('pg').warn(`idle connection lost: ${error.message}`),
            );
            await migrate(pool);
            return pool;
          },
        },
        {
          provide: EVENT_STORE,
          useFactory: (pool: Pool) => new PostgresEventStore(pool),
          inject: [PG_POOL],
        },
        { provide: SECRET_BOX, useFactory: () => secretBoxOf(config.auth.secretKeys) },
        PoolCloser,
      ],
      exports: [APP_CONFIG, PG_POOL, EVENT_STORE, SECRET_BOX],
    };
  }
}
