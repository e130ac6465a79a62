import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { CACHE_REDIS } from '@cvf/cache';
import {
  kafkaCheck,
  PG_POOL,
  postgresCheck,
  Public,
  redisCheck,
  ApiOperationIds,
  ApiLiveness,
  ApiReadiness,
} from '@cvf/platform';
import { KAFKA_PROBE, type KafkaProbe } from '@cvf/messaging';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { RecomputeWorker } from '../recompute.worker';

/**
 * Liveness stays cheap (the process answers); readiness really talks to Redis and PostgreSQL
 * and checks that the BullMQ worker is taking jobs. 503 with the failing check otherwise.
 */
@Public('health probes answer without a credential')
@ApiOperationIds({ live: 'getLiveness', ready: 'getReadiness' })
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(CACHE_REDIS) private readonly redis: Redis,
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly worker: RecomputeWorker,
    // Distributed mode only: alerts go to Kafka.
    @Optional() @Inject(KAFKA_PROBE) private readonly kafka?: KafkaProbe,
  ) {}

  @Get('live')
  @ApiLiveness()
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiReadiness()
  @HealthCheck()
  ready() {
    return this.health.check([
      redisCheck(this.indicators, this.redis),
      postgresCheck(this.indicators, this.pool),
      ...(this.kafka ? [kafkaCheck(this.indicators, this.kafka)] : []),
      () => {
        const worker = this.indicators.check('worker');
        return this.worker.isRunning() ? worker.up() : worker.down('not taking jobs');
      },
    ]);
  }
}
