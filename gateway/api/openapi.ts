// The OpenAPI 3.1 document of /api/v1, built from the same operation objects and named schemas the
// router validates with (no hand-kept copy). Served at /api/v1/openapi.json.
import type { ApiOperation, JsonSchema } from './operation.ts';
import { apiSchemas, ProblemSchema } from './schemas.ts';
import { multipartFileField, pathParamsOf, queryOf } from './request-schemas.ts';
import { idempotencyKeyMaxLength } from './idempotency.ts';

export const apiVersion = '1.1.0';

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };

/** The problem answers every operation may give, by status; the `body` ones only operations with a body. */
const problemResponses: Record<string, { description: string; body?: true; write?: true }> = {
  400: { description: 'The request is not valid: `errors` names each problem (a code, and a pointer into the body or the parameter).' },
  401: { description: 'No API key, or one that is unknown, revoked or expired.' },
  403: { description: 'The key lacks the scope this operation needs, or its role may not do this.' },
  404: { description: 'No such record (also for another organisation\'s records).' },
  409: { description: 'The record is in a state that does not allow this, or a request with the same Idempotency-Key is still being answered (retry after Retry-After).' },
  412: { description: 'A precondition (If-Match) failed.' },
  413: { description: 'The body is too large.', body: true },
  415: { description: 'The body is not of the media type this operation takes.', body: true },
  422: { description: 'The request cannot be processed as it stands, or its Idempotency-Key was used for another request.' },
  429: { description: 'Too many requests for this key: retry after Retry-After seconds.' },
  500: { description: 'Something went wrong on our side: quote the Request-Id to support.' },
};

const headers = {
  RequestId: { description: 'The id of this request (the one sent in Request-Id, else ours): quote it to support.', schema: { type: 'string' } },
  RateLimit: { description: 'What is left of the key\'s current window (draft-ietf-httpapi-ratelimit-headers): `"per-key";r=<remaining>;t=<seconds to reset>`.', schema: { type: 'string' } },
  RateLimitPolicy: { description: 'The key\'s limit: `"per-key";q=<requests>;w=60`.', schema: { type: 'string' } },
  RetryAfter: { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 1 } },
  ETag: { description: 'A strong validator of the answer: send it as If-None-Match to get 304 while nothing changed.', schema: { type: 'string' } },
  Link: { description: 'The next page: `<…?cursor=…>; rel="next"` (absent on the last page).', schema: { type: 'string' } },
  IdempotentReplayed: { description: '`true` when this is the kept answer to an earlier request with the same Idempotency-Key.', schema: { const: 'true' } },
  Location: { description: 'The created record.', schema: { type: 'string' } },
  WWWAuthenticate: { description: 'Bearer', schema: { type: 'string' } },
};
const ref = (name: keyof typeof headers) => ({ $ref: `#/components/headers/${name}` });
const commonHeaders = { 'Request-Id': ref('RequestId'), RateLimit: ref('RateLimit'), 'RateLimit-Policy': ref('RateLimitPolicy') };

function parameters(op: ApiOperation): unknown[] {
  const out: unknown[] = [];
  for (const [where, schema] of [['path', pathParamsOf(op)], ['query', queryOf(op)]] as const) {
    const required = new Set((schema.required as string[] | undefined) ?? []);
    for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)) {
      const { description, ...rest } = property;
      out.push({ name, in: where, required: where === 'path' || required.has(name), ...(typeof description === 'string' && { description }), schema: rest });
    }
  }
  if (op.method === 'post') out.push({ $ref: '#/components/parameters/IdempotencyKey' });
  if (op.method === 'get') out.push({ $ref: '#/components/parameters/IfNoneMatch' });
  return out;
}

/** The media type of the multipart file part: its schema's contentMediaType. */
function fileTypeOf(schema: JsonSchema): string {
  const file = (schema.properties as Record<string, JsonSchema> | undefined)?.[multipartFileField];
  return typeof file?.contentMediaType === 'string' ? file.contentMediaType : 'application/octet-stream';
}

function requestBody(op: ApiOperation): unknown {
  if (!op.body) return undefined;
  if ('json' in op.body) {
    return { required: true, content: { 'application/json': { schema: op.body.json, ...(op.body.example !== undefined && { example: op.body.example }) } } };
  }
  return {
    required: true,
    content: { 'multipart/form-data': { schema: op.body.multipart, encoding: { [multipartFileField]: { contentType: fileTypeOf(op.body.multipart) } } } },
  };
}

function responses(op: ApiOperation): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(op.responses)) {
    if (!r) continue;
    const successHeaders: Record<string, unknown> = { ...commonHeaders };
    if (op.method === 'get' && status === '200') successHeaders.ETag = ref('ETag');
    if (op.method === 'get' && (r.schema as { $ref?: string } | undefined)?.$ref?.endsWith('List')) successHeaders.Link = ref('Link');
    if (op.method === 'post') successHeaders['Idempotent-Replayed'] = ref('IdempotentReplayed');
    if (status === '201') successHeaders.Location = ref('Location');
    out[status] = {
      description: r.description,
      headers: successHeaders,
      ...(r.schema && { content: { [r.contentType ?? 'application/json']: { schema: r.schema, ...(r.example !== undefined && { example: r.example }) } } }),
    };
  }
  if (op.method === 'get') out['304'] = { description: 'Not modified: the If-None-Match tag is still current.', headers: { ETag: ref('ETag'), 'Request-Id': ref('RequestId') } };
  for (const [status, p] of Object.entries(problemResponses)) {
    if (p.body && !op.body) continue;
    out[status] = { $ref: `#/components/responses/Problem${status}` };
  }
  return out;
}

function scopeNote(op: ApiOperation): string {
  if (!op.scope) return 'Any valid key may call it.';
  return op.scope.endsWith(':read') ? `Needs the scope \`${op.scope}\` (or \`${op.scope.replace(/:read$/, ':write')}\`).` : `Needs the scope \`${op.scope}\`.`;
}

/** The whole OpenAPI 3.1 document of `operations`, served from `server` (PUBLIC_URL + /api/v1). */
export function openApiDocument(operations: readonly ApiOperation[], options: { server: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    paths[op.path] ??= {};
    paths[op.path]![op.method] = {
      operationId: op.operationId,
      summary: op.summary,
      description: [op.description, scopeNote(op)].filter(Boolean).join('\n\n'),
      tags: op.tags,
      parameters: parameters(op),
      ...(op.body && { requestBody: requestBody(op) }),
      responses: responses(op),
    };
  }
  const tags = [...new Set(operations.flatMap((op) => op.tags))].sort().map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Lotbridge partner API',
      version: apiVersion,
      description:
        'Submit and read lots, certificates, invoices, purchase orders, recalls, shipments and items with an API key your organisation\'s administrator creates in the portal. ' +
        'Errors are RFC 9457 problem details; lists page with cursors; POST takes an Idempotency-Key; GET answers carry ETags; each key has a rate limit.',
    },
    servers: [{ url: options.server }],
    security: [{ apiKey: [] }],
    tags,
    paths,
    components: {
      schemas: apiSchemas(),
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', bearerFormat: 'lbk_<id>_<secret>', description: 'An API key: `Authorization: Bearer lbk_…`.' },
      },
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description: 'Any unique value per request (a UUID): a retry with the same key and request gets the first answer again, for 24 hours.',
          schema: { type: 'string', minLength: 1, maxLength: idempotencyKeyMaxLength },
        },
        IfNoneMatch: { name: 'If-None-Match', in: 'header', required: false, description: 'The ETag of an earlier answer: 304 while it is current.', schema: { type: 'string' } },
      },
      headers,
      responses: Object.fromEntries(
        Object.entries(problemResponses).map(([status, p]) => [
          `Problem${status}`,
          {
            description: p.description,
            headers: {
              'Request-Id': ref('RequestId'),
              ...(status === '429' || status === '409' ? { 'Retry-After': ref('RetryAfter') } : {}),
              ...(status === '401' && { 'WWW-Authenticate': ref('WWWAuthenticate') }),
            },
            content: problemContent,
          },
        ]),
      ),
    },
  };
}
