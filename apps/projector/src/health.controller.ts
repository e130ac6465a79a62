import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { postgresCheck, PG_POOL } from '@cvf/platform';
import { Pool } from 'pg';
import { ProjectorService } from './projector.service';

/**
 * Liveness stays cheap (the process answers); readiness really queries PostgreSQL and checks
 * that the subscription to the log is running. 503 with the failing check otherwise.
 */
@Controller('health')
export class ProjectorHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly projector: ProjectorService,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      postgresCheck(this.indicators, this.pool),
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
