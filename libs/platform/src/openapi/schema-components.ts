import { type OpenAPIObject } from '@nestjs/swagger';
import { isObject, type Json, mapOperationSchemas, mapSchema } from './schema-walk';

/**
 * Every schema with a `title` (the read API's plain JSON schemas name theirs: `Cohort`,
 * `Payment`) becomes a component referred to by `$ref`, so the typed client has a name for
 * it and the document says it once. Two different schemas with one title are a mistake.
 */
export function hoistTitledSchemas(document: OpenAPIObject): void {
  const components = (document.components ??= {});
  const schemas = (components.schemas ??= {}) as Record<string, unknown>;
  const hoist = (schema: Json): Json => {
    const title = schema.title;
    if (typeof title !== 'string') return schema;
    const known = schemas[title];
    if (known === undefined) schemas[title] = schema;
    else if (JSON.stringify(known) !== JSON.stringify(schema)) {
      throw new Error(`two different schemas are titled ${title}`);
    }
    return { $ref: `#/components/schemas/${title}` };
  };
  // Component schemas keep their own place; what they contain is hoisted.
  for (const [name, schema] of Object.entries({ ...schemas })) {
    if (!isObject(schema)) continue;
    schemas[name] = mapSchema(schema, hoist, false);
  }
  mapOperationSchemas(document, (schema) => mapSchema(schema, hoist));
}
