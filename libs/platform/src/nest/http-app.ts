import fastifyCors from '@fastify/cors';
import fastifyMultipart from '@fastify/multipart';
import { randomUUID } from 'node:crypto';
import { type IncomingMessage } from 'node:http';
import { Module, ValidationPipe, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet from 'helmet';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AuthModule } from '../auth/auth.module';
import { BodyChecksInterceptor } from '../http/body-checks';
import { answerWrongMethodWith405 } from '../http/method-not-allowed';
import { parseJsonBody } from '../http/exact-json';
import { ProblemFilter, validationProblem } from '../http/problem.filter';
import { type AppConfig } from '../config';
import { buildOpenApiDocument } from '../openapi/document';
import { createLogger, loggingModule, logRequests } from './logging';

/**
 * The headers that matter for a JSON API (and its OpenAPI page, which loads its own script
 * and styles); the ones only a browser page of ours would need are left off, since every
 * byte is on every answer.
 */
const SECURITY_HEADERS: Parameters<typeof helmet>[0] = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", "'unsafe-inline'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
};

/** The longest a whole request may take to arrive (a 200 MB upload at 60 KB/s). */
const REQUEST_DEADLINE_MS = 3_600_000;

/**
 * One way to build an HTTP app for every service: Fastify, structured JSON logs (pino, at
 * LOG_LEVEL), DTO validation that names each bad field, the problem filter, OpenAPI at
 * /docs, shutdown hooks, a trailing slash ignored, 405 with Allow for a path asked with a
 * method it lacks, and multipart bodies
 * (CSV uploads), which routes read as streams: they bypass `bodyLimit` and are bounded by
 * `config.uploadLimitBytes` per file instead.
 *
 * The front door is here too, so no service can forget it: bearer tokens and route
 * policies (AuthModule), per-principal rate limits, security headers (helmet), CORS closed
 * unless CORS_ORIGINS lists origins, and a connection silent for REQUEST_TIMEOUT_SECONDS (a
 * stalled upload) is cut.
 */
export async function createHttpApp(
  module: Type<unknown>,
  config: AppConfig,
  options: { title: string; description: string; bodyLimitBytes?: number },
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    requestIdHeader: false,
    genReqId: requestIdOf,
    logger: false,
    // A connection silent for REQUEST_TIMEOUT_SECONDS is closed: a stalled upload, a client
    // that sent half its headers, an abandoned keep-alive. (SSE streams send a heartbeat
    // every 15 s, so a setting above that never cuts a quiet stream.)
    connectionTimeout: config.auth.requestTimeoutSeconds * 1000,
    requestTimeout: REQUEST_DEADLINE_MS,
    // `POST /companies/` is `POST /companies`: the router trims one trailing slash before it
    // matches (routes and the OpenAPI document keep their one spelling).
    routerOptions: { ignoreTrailingSlash: true },
  });
  const logger = createLogger(config);
  @Module({ imports: [loggingModule(logger), AuthModule, module] })
  class LoggedAppModule {}
  const app = await NestFactory.create<NestFastifyApplication>(LoggedAppModule, adapter, {
    // Held until pino takes over, so start-up lines come out as JSON too.
    bufferLogs: true,
    rawBody: true,
  });
  app.useLogger(app.get(Logger));
  // Money and rates exactly as written: the one JSON parser of every route (exact-json.ts).
  // Its body limit is the server's, as for Fastify's own parser.
  app.useBodyParser('application/json', {}, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body.toString('utf8')));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  const fastify = app.getHttpAdapter().getInstance();
  // The AuthGuard's property on every request, declared once (see AuthenticatedRequest).
  fastify.decorateRequest('principal', null);
  logRequests(fastify, logger);
  // Every answer names its request: the id a client can quote, and every event's correlation.
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  // Security headers: helmet's middleware, built once. (@fastify/helmet builds it anew on
  // every request, which cost a third of a small cached GET's throughput in the gateway
  // benchmark; the headers are the same.)
  const securityHeaders = helmet(SECURITY_HEADERS);
  fastify.addHook('onRequest', (request, reply, done) => {
    securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined));
  });
  // After the two hooks above, so a 405 carries the request id and the security headers.
  answerWrongMethodWith405(fastify);
  // No origin listed: no CORS at all (no hook on every request), so browsers on other
  // origins are refused.
  if (config.auth.corsOrigins.length > 0) {
    await app.register(fastifyCors, {
      origin: [...config.auth.corsOrigins],
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: [
        'Authorization',
        'Content-Type',
        'Idempotency-Key',
        'If-Match',
        'X-Request-Id',
      ],
      exposedHeaders: ['ETag', 'RateLimit', 'Retry-After', 'X-Request-Id', 'X-Log-Position'],
      maxAge: 600,
    });
  }
  await app.register(fastifyMultipart, {
    limits: { fileSize: config.uploadLimitBytes, files: 1, fields: 10, parts: 11 },
  });
  configureHttpApp(app);
  const document = buildOpenApiDocument(app, options);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  app.enableShutdownHooks();
  return app;
}

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/**
 * The id of a request: the client's `X-Request-Id` when it is a plain token (so a client can
 * trace its own ids through our logs and events), else a fresh uuid.
 */
export function requestIdOf(request: IncomingMessage): string {
  const header = request.headers['x-request-id'];
  const sent = Array.isArray(header) ? header[0] : header;
  return sent !== undefined && CLIENT_REQUEST_ID.test(sent) ? sent : randomUUID();
}

export function configureHttpApp(app: INestApplication): void {
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: validationProblem,
    }),
  );
  app.useGlobalFilters(new ProblemFilter());
  app.useGlobalInterceptors(new BodyChecksInterceptor());
}
