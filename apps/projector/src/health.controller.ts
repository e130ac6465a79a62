import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import {
  kafkaCheck,
  PG_POOL,
  postgresCheck,
  Public,
  ApiOperationIds,
  ApiLiveness,
  ApiReadiness,
} from '@cvf/platform';
import { KAFKA_PROBE, type KafkaProbe } from '@cvf/messaging';
import { Pool } from 'pg';
import { ProjectorService } from './projector.service';

/**
 * Liveness stays cheap (the process answers); readiness really queries PostgreSQL and checks
 * that the subscription to the log is running. 503 with the failing check otherwise.
 */
@Public('health probes answer without a credential')
@ApiOperationIds({ live: 'getLiveness', ready: 'getReadiness' })
@Controller('health')
export class ProjectorHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly projector: ProjectorService,
    // Distributed mode only: the log arrives through Kafka.
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
      postgresCheck(this.indicators, this.pool),
      ...(this.kafka ? [kafkaCheck(this.indicators, this.kafka)] : []),
      () => {
        const subscription = this.indicators.check('subscription');
        if (!this.projector.isSubscribed()) return subscription.down('not subscribed to the log');
        const position = this.projector.lastAppliedPosition();
        return subscription.up({
          lastApplied: position ? `${position.transactionId}:${position.globalPosition}` : null,
        });
      },
    ]);
  }
}
