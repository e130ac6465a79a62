import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import {
  PG_POOL,
  postgresCheck,
  Public,
  ApiOperationIds,
  ApiLiveness,
  ApiReadiness,
} from '@cvf/platform';
import { Pool } from 'pg';

/**
 * Liveness stays cheap (the process answers); readiness really asks PostgreSQL, where every
 * write goes (the event store and ingest's own tables). 503 naming the failing check otherwise.
 * The standalone ingest app only: in the all-in-one process the gateway's /health serves.
 */
@ApiTags('health')
@Public('health probes answer without a credential')
@ApiOperationIds({ live: 'getLiveness', probe: 'getHealth', ready: 'getReadiness' })
@Controller('health')
export class IngestHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(PG_POOL) private readonly pool: Pool,
  ) {}

  @Get('live')
  @ApiLiveness()
  @ApiOperation({ summary: 'Liveness: the process answers' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The Python API's probe (README "Python API compatibility"): liveness, as `live`. */
  @Get()
  @ApiLiveness()
  @ApiOperation({ summary: 'Liveness at the Python API’s path: the process answers' })
  probe(): { status: 'ok' } {
    return this.live();
  }

  @Get('ready')
  @ApiReadiness()
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: PostgreSQL answers (503 otherwise)' })
  ready() {
    return this.health.check([postgresCheck(this.indicators, this.pool)]);
  }
}
