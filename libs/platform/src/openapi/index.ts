// The OpenAPI document every HTTP service serves at /docs/openapi.json, and what routes and
// modules use to describe themselves in it.
export {
  type ApiInfo,
  buildOpenApiDocument,
  openApiDocumentOf,
  servedOpenApiDocument,
} from './document';
export {
  ApiLiveness,
  ApiReadiness,
  ApiOperationIds,
  asCommandRoute,
  ContributesToOpenApi,
  type OpenApiContribution,
  type RouteFacts,
} from './decorators';
export { addParameter, addProblem, headerRef } from './operation-parts';
export { isObject, type Json, operationsOf } from './schema-walk';
export { problemSchema, REQUEST_FIELDS, textSchema, wireSchemas } from './wire-schemas';
export { companyTermsSchema, list, record, termRatio, termSchemas } from './term-schemas';
