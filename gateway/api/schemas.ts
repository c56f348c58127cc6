// The named JSON Schemas of /api/v1 (2020-12, OpenAPI 3.1's dialect). A resource module registers
// its shapes once with apiSchema() and uses the returned $ref in its operations and in other
// schemas; the OpenAPI document lists each under components.schemas, and `npm run validators`
// compiles the request schemas with them (gateway/api/compile-validators.ts).
import type { JsonSchema } from './operation.ts';

const registry = new Map<string, JsonSchema>();

/** A reference to a named schema, as operations and other schemas use it. */
export type SchemaRef = { $ref: `#/components/schemas/${string}` };

/**
 * Registers `schema` under `name` (PascalCase: `Lot`, `LotInput`) and returns its $ref. Registering
 * the same name twice with another schema is a programming error (two modules would disagree).
 */
export function apiSchema(name: string, schema: JsonSchema): SchemaRef {
  if (!/^[A-Z][A-Za-z0-9]*$/.test(name)) throw new Error(`API schema names are PascalCase: "${name}"`);
  const known = registry.get(name);
  if (known && JSON.stringify(known) !== JSON.stringify(schema)) throw new Error(`API schema "${name}" is registered twice with different shapes`);
  registry.set(name, schema);
  return { $ref: `#/components/schemas/${name}` };
}

/** Every named schema by name, sorted (the OpenAPI document's components.schemas). */
export function apiSchemas(): Record<string, JsonSchema> {
  return Object.fromEntries([...registry.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** The schema a $ref names, or undefined. */
export function namedSchema(ref: string): JsonSchema | undefined {
  return ref.startsWith('#/components/schemas/') ? registry.get(ref.slice('#/components/schemas/'.length)) : undefined;
}

/** A problem in a request, as `errors[]` of a problem+json answer lists it. */
export const FieldErrorSchema = apiSchema('FieldError', {
  type: 'object',
  description:
    'One problem with the request: where (a JSON pointer into the request body, or the name of a query or path parameter), a stable code (the same the portal uses), its values, and an English text.',
  required: ['code', 'detail'],
  properties: {
    pointer: { type: 'string', description: 'A JSON pointer (RFC 6901) into the request body, e.g. /lots/0/gtin.', examples: ['/lots/0/gtin'] },
    parameter: { type: 'string', description: 'The query or path parameter at fault.', examples: ['cursor'] },
    in: { enum: ['query', 'path', 'header'], description: 'Where `parameter` is.' },
    code: { type: 'string', description: 'The problem code: `<capability>.<code>`.', examples: ['common.required'] },
    params: { type: 'object', description: 'The values the problem text uses.', additionalProperties: true },
    detail: { type: 'string', description: 'The problem in English.' },
  },
});

/** RFC 9457 problem details, the body of every error answer (application/problem+json). */
export const ProblemSchema = apiSchema('Problem', {
  type: 'object',
  description: 'RFC 9457 problem details.',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', description: 'A URI naming the kind of problem.', examples: ['https://lotbridge.dev/problems/invalid_input'] },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    instance: { type: 'string', description: 'The path of the request.' },
    code: { type: 'string', description: 'The stable error code (invalid_input, unauthenticated, forbidden, not_found, conflict, …).' },
    requestId: { type: 'string', description: 'Quote it to support: the same value as the Request-Id header.' },
    errors: { type: 'array', items: FieldErrorSchema },
  },
});
