import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { CACHE_REDIS } from '@cvf/cache';
import {
  PG_POOL,
  postgresCheck,
  Public,
  redisCheck,
  ApiOperationIds,
  ApiLiveness,
  ApiReadiness,
} from '@cvf/platform';
import { Redis } from 'ioredis';
import { Pool } from 'pg';

/**
 * Liveness stays cheap (the process answers); readiness really asks PostgreSQL (`SELECT 1`)
 * and Redis (PING), the two things every read needs. 503 naming the failing check otherwise.
 */
@ApiTags('health')
@Public('health probes answer without a credential')
@ApiOperationIds({ live: 'getLiveness', probe: 'getHealth', ready: 'getReadiness' })
@Controller('health')
export class GatewayHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(CACHE_REDIS) private readonly redis: Redis,
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
  @ApiOperation({ summary: 'Readiness: PostgreSQL and Redis answer (503 otherwise)' })
  ready() {
    return this.health.check([
      postgresCheck(this.indicators, this.pool),
      redisCheck(this.indicators, this.redis),
    ]);
  }
}
