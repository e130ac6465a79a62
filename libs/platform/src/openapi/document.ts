import { type DynamicModule, Module, type INestApplication, type Type } from '@nestjs/common';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { finishDocument } from './finish-document';
import { AuthModule } from '../auth/auth.module';
import { routeFactsOf } from './route-facts';

export interface ApiInfo {
  readonly title: string;
  readonly description: string;
}

const documents = new WeakMap<INestApplication, OpenAPIObject>();

/** The OpenAPI 3.1 document of the app's routes (finish-document.ts says what it adds). */
export function buildOpenApiDocument(app: INestApplication, info: ApiInfo): OpenAPIObject {
  const explored = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(info.title)
      .setDescription(info.description)
      .setVersion('1')
      .build(),
    // The route's own key at first; finishDocument replaces it with its friendly id.
    { operationIdFactory: (controller, method) => `${controller}.${method}` },
  );
  const { routes, contributions } = routeFactsOf(app.get(ModulesContainer));
  const document = finishDocument(explored, routes, contributions);
  documents.set(app, document);
  return document;
}

/** The document an app built by createHttpApp serves at /docs/openapi.json. */
export function servedOpenApiDocument(app: INestApplication): OpenAPIObject | undefined {
  return documents.get(app);
}

/**
 * The document of an app of `module`, without running it: Nest's preview mode resolves the
 * modules and routes but instantiates nothing, so no database or broker is needed (the
 * build writes the documents this way: `npm run openapi:write`).
 */
export async function openApiDocumentOf(
  module: Type<unknown> | DynamicModule,
  info: ApiInfo,
): Promise<OpenAPIObject> {
  // As createHttpApp builds it: the front door (AuthModule) too, which the routes need.
  @Module({ imports: [AuthModule, module] })
  class DocumentedAppModule {}
  const app = await NestFactory.create(DocumentedAppModule, new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    return buildOpenApiDocument(app, info);
  } finally {
    await app.close();
  }
}
