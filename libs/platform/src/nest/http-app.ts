import fastifyMultipart from '@fastify/multipart';
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
    requestIdHeader: 'x-request-id',
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
  logRequests(app.getHttpAdapter().getInstance(), logger);
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
