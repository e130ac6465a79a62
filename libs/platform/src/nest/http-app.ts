import fastifyMultipart from '@fastify/multipart';
import { randomUUID } from 'node:crypto';
import { type IncomingMessage } from 'node:http';
import { Module, ValidationPipe, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { ProblemFilter, validationProblem } from '../http/problem.filter';
import { type AppConfig } from '../config';
import { createLogger, loggingModule, logRequests } from './logging';

/**
 * One way to build an HTTP app for every service: Fastify, structured JSON logs (pino, at
 * LOG_LEVEL), DTO validation that names each bad field, the problem filter, OpenAPI at
 * /docs, shutdown hooks, and multipart bodies
 * (CSV uploads), which routes read as streams: they bypass `bodyLimit` and are bounded by
 * `config.uploadLimitBytes` per file instead.
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
  });
  const logger = createLogger(config);
  @Module({ imports: [loggingModule(logger), module] })
  class LoggedAppModule {}
  const app = await NestFactory.create<NestFastifyApplication>(LoggedAppModule, adapter, {
    // Held until pino takes over, so start-up lines come out as JSON too.
    bufferLogs: true,
    rawBody: true,
  });
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  logRequests(fastify, logger);
  // Every answer names its request: the id a client can quote, and every event's correlation.
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  await app.register(fastifyMultipart, {
    limits: { fileSize: config.uploadLimitBytes, files: 1, fields: 10, parts: 11 },
  });
  configureHttpApp(app);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(options.title)
      .setDescription(options.description)
      .setVersion('1')
      .build(),
  );
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
}
