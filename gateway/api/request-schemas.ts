// The schemas a request is validated against, per operation and part, as the router, the
// validator compiler and the OpenAPI generator all see them (one derivation, three readers).
import type { ApiOperation, JsonSchema } from './operation.ts';

export type RequestPart = 'path' | 'query' | 'body';

/** The multipart part that carries the file; the others are text fields. */
export const multipartFileField = 'file';

/** `/lots/{lotId}` → ['lotId']. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
}

/** The operation's path parameters: its own schema, else each named in the path template as a string. */
export function pathParamsOf(op: ApiOperation): JsonSchema {
  if (op.pathParams) return op.pathParams;
  const names = pathParamNames(op.path);
  return { type: 'object', additionalProperties: false, required: names, properties: Object.fromEntries(names.map((n) => [n, { type: 'string', minLength: 1, maxLength: 200 }])) };
}

/** The operation's query: its own schema, else none accepted. */
export function queryOf(op: ApiOperation): JsonSchema {
  return op.query ?? { type: 'object', additionalProperties: false, properties: {} };
}

/** The text fields of a multipart body: its schema without the file part. */
export function multipartFieldsOf(schema: JsonSchema): JsonSchema {
  const properties = { ...(schema.properties as Record<string, JsonSchema> | undefined) };
  delete properties[multipartFileField];
  const required = ((schema.required as string[] | undefined) ?? []).filter((r) => r !== multipartFileField);
  return { ...schema, properties, ...(schema.required ? { required } : {}) };
}

/** Whether the multipart schema requires the file. */
export function multipartFileRequired(schema: JsonSchema): boolean {
  return ((schema.required as string[] | undefined) ?? []).includes(multipartFileField);
}

/** Every schema a request of `op` is checked against, by part; path and query arrive as text and are coerced. */
export function requestSchemasOf(op: ApiOperation): Array<{ part: RequestPart; schema: JsonSchema; coerce: boolean }> {
  const parts: Array<{ part: RequestPart; schema: JsonSchema; coerce: boolean }> = [
    { part: 'path', schema: pathParamsOf(op), coerce: true },
    { part: 'query', schema: queryOf(op), coerce: true },
  ];
  if (op.body && 'json' in op.body) parts.push({ part: 'body', schema: op.body.json, coerce: false });
  // Multipart fields are text too: numbers and booleans among them are coerced like a query's.
  if (op.body && 'multipart' in op.body) parts.push({ part: 'body', schema: multipartFieldsOf(op.body.multipart), coerce: true });
  return parts;
}

/** The key of a part's validator: `getLot.path`. */
export const validatorKey = (operationId: string, part: RequestPart) => `${operationId}.${part}`;
