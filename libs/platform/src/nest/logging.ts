import { type DynamicModule } from '@nestjs/common';
import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { LoggerModule } from 'nestjs-pino';
import { pino, type Logger as Pino } from 'pino';
import { actorOf, type Principal } from '../auth/principal';
import { type AppConfig } from '../config';

/**
 * The request headers a log line keeps: enough to trace a request, nothing that
 * authenticates one (Authorization, cookies, the webhook's Stripe-Signature — an HMAC of the
 * body under the company's secret — never reach a log).
 */
const LOGGED_HEADERS = [
  'content-type',
  'content-length',
  'user-agent',
  'idempotency-key',
  'if-match',
] as const;

/** Fields named like a secret in whatever a service logs itself. */
export const REDACTED_PATHS: readonly string[] = ['*.secret', '*.password', '*.token', '*.key'];

/** The process's pino logger: JSON lines on stdout at LOG_LEVEL. */
export function createLogger(config: Pick<AppConfig, 'logLevel'>): Pino {
  return pino({
    level: config.logLevel,
    redact: { paths: [...REDACTED_PATHS], censor: '[Redacted]' },
  });
}

/** Nest's own log lines (and every service's Logger) through that pino logger. */
export function loggingModule(logger: Pino): DynamicModule {
  // Requests are logged by `logRequests` (a Fastify hook), not by pino-http's middleware.
  return LoggerModule.forRoot({ pinoHttp: { logger, autoLogging: false } });
}

/**
 * One line per request once it is answered: id (X-Request-Id, or Fastify's), method, URL,
 * the traceable headers, the principal, status and time. At info, server errors at error (a client's bad
 * request is an answered request, not a problem of the service); health probes not at all
 * (they come every few seconds per pod).
 *
 * A request whose client hung up before the answer was out (an upload broken off, a reset
 * connection, a closed event stream) gets one line too, at info and without a stack: the
 * client's doing, not a fault of the service. (Fastify's onResponse never runs for it.)
 */
export function logRequests(fastify: FastifyInstance, logger: Pino): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    const level = status >= 500 ? 'error' : 'info';
    // Checked first: at LOG_LEVEL warn or silent the line is not even built.
    if (logger.isLevelEnabled(level) && !request.url.startsWith('/health/')) {
      logger[level](
        { ...requestLine(request, reply), res: { statusCode: status } },
        'request completed',
      );
    }
    done();
  });
  // Below info (the tests, the benchmarks) not even the listener is added.
  if (!logger.isLevelEnabled('info')) return;
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!request.url.startsWith('/health/')) {
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) {
          logger.info(requestLine(request, reply), 'request aborted by the client');
        }
      });
    }
    done();
  });
}

function requestLine(request: FastifyRequest, reply: FastifyReply): Record<string, unknown> {
  return {
    req: { id: request.id, method: request.method, url: request.url, headers: kept(request) },
    // Who asked (the credential's id and role, never the credential).
    principal: principalOf(request),
    responseTime: Math.round(reply.elapsedTime * 10) / 10,
  };
}

function kept(request: FastifyRequest): Record<string, unknown> {
  return Object.fromEntries(
    LOGGED_HEADERS.filter((name) => request.headers[name] !== undefined).map((name) => [
      name,
      request.headers[name],
    ]),
  );
}

function principalOf(request: FastifyRequest): string | undefined {
  const principal = (request as { principal?: Principal | null }).principal;
  return principal == null ? undefined : actorOf(principal);
}
