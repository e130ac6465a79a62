import { type OpenAPIObject } from '@nestjs/swagger';
import { type Json, walkDocumentSchemas } from './schema-walk';

/**
 * Nest's decorators write OpenAPI 3.0 schemas; the document is 3.1, whose schemas are JSON
 * Schema 2020-12: `nullable: true` becomes a `null` in the type (or an `anyOf` with
 * `{ type: 'null' }` around a reference), and a schema's `example` becomes `examples`.
 */
export function toOpenApi31(document: OpenAPIObject): OpenAPIObject {
  walkDocumentSchemas(document, (schema) => {
    convertNullable(schema);
    if ('example' in schema) {
      if (!Array.isArray(schema.examples)) schema.examples = [schema.example];
      delete schema.example;
    }
  });
  return { ...document, openapi: '3.1.0' };
}

function convertNullable(schema: Json): void {
  const nullable = schema.nullable === true;
  delete schema.nullable;
  if (!nullable) return;
  const type = schema.type;
  if (typeof type === 'string') {
    schema.type = [type, 'null'];
  } else if (Array.isArray(type)) {
    if (!type.includes('null')) schema.type = [...(type as unknown[]), 'null'];
  } else {
    // A reference or a composition: "that, or null".
    const { description, ...inner } = schema;
    for (const key of Object.keys(schema)) delete schema[key];
    if (description !== undefined) schema.description = description;
    schema.anyOf = [inner, { type: 'null' }];
    return;
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) {
    schema.enum = [...(schema.enum as unknown[]), null];
  }
}
