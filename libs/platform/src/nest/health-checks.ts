import { type HealthIndicatorService } from '@nestjs/terminus';

/** How long a readiness probe waits for a dependency before calling it down. */
export const HEALTH_CHECK_TIMEOUT_MS = 2_000;

/**
 * The readiness checks every service shares: each really asks the dependency (liveness stays
 * cheap and never calls these). Used by the projector, worker and gateway health controllers.
 */
export function postgresCheck(
  indicators: HealthIndicatorService,
  pool: { query(sql: string): Promise<unknown> },
) {
  return () =>
    indicators
      .check('postgresql')
      .attempt(async () => {
        await pool.query('SELECT 1');
      })
      .withTimeout(HEALTH_CHECK_TIMEOUT_MS);
}

export function redisCheck(indicators: HealthIndicatorService, redis: { ping(): Promise<string> }) {
  return () =>
    indicators
      .check('redis')
      .attempt(async () => {
        if ((await redis.ping()) !== 'PONG') throw new Error('unexpected PING reply');
      })
      .withTimeout(HEALTH_CHECK_TIMEOUT_MS);
}

/** Kafka, where a service depends on it (distributed mode): the broker answers metadata. */
export function kafkaCheck(indicators: HealthIndicatorService, kafka: { ping(): Promise<void> }) {
  return () =>
    indicators
      .check('kafka')
      .attempt(() => kafka.ping())
      .withTimeout(HEALTH_CHECK_TIMEOUT_MS);
}
