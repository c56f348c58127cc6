// The contract every /api/v1 operation is written against: one object per operation, read by the
// router (gateway/api/index.ts), which validates, authenticates, checks the scope and answers,
// and by the OpenAPI generator (gateway/api/openapi.ts), which documents it. Nothing about an
// operation is written twice.
import type { FilesContext } from '../../shared/context.ts';
import type { Logger } from '../../shared/log.ts';
import type { ApiScope } from '../../shared/api-keys/scopes.ts';
import type { UploadLimits } from '../../shared/files/store-upload.ts';
import type { ApiCaller } from '../../shared/api-keys/authenticate-api-key.ts';

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1). Named schemas come from `apiSchema()` (gateway/api/schemas.ts). */
export type JsonSchema = { [keyword: string]: unknown };

/** Who is calling: the API key's technical user, in the key's organisation (shared/api-keys/authenticate-api-key.ts). */
export type { ApiCaller } from '../../shared/api-keys/authenticate-api-key.ts';

export interface ApiRequest<Body = unknown> {
  caller: ApiCaller;
  ctx: FilesContext & { log: Logger };
  /** Path parameters, validated against `pathParams`. */
  params: Record<string, string>;
  /** Query parameters, validated against `query` (integers and booleans already coerced). */
  query: Record<string, unknown>;
  /** The JSON body validated against `body.json`; for `body.multipart`: the fields and the one file. */
  body: Body;
  /** An absolute URL of a portal page (PUBLIC_URL), e.g. where a person signs a recall acknowledgement. */
  portalUrl(path: string): string;
  /** How large an uploaded file may be (UPLOAD_MAX_MB), for the use cases that take one (as the portal passes them). */
  uploads: UploadLimits;
}

export interface MultipartBody {
  fields: Record<string, string>;
  file: { name: string; type: string; bytes: Uint8Array } | null;
}

export interface ApiResponse {
  status: 200 | 201 | 202 | 204;
  /** Sent as JSON; bytes (a file, GET only) are sent as they are, with the response's `contentType`. */
  body?: unknown;
  /** e.g. Location for 201. The router adds ETag, RateLimit, Request-Id and Link itself. */
  headers?: Record<string, string>;
}

export interface ApiOperation {
  /** Unique, camelCase: `listLots`, `submitLot`. */
  operationId: string;
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path template under /api/v1: `/lots/{lotId}`. */
  path: string;
  /** One tag per resource: `Lots`. */
  tags: string[];
  summary: string;
  description?: string;
  /** The scope the key needs (write implies read); absent: any valid key (only `GET /me`). */
  scope?: ApiScope;
  /** An object schema of the path parameters. */
  pathParams?: JsonSchema;
  /** An object schema of the query parameters (list operations spread `listQuery(...)`: cursor, limit, sort). */
  query?: JsonSchema;
  body?: { json: JsonSchema; example?: unknown } | { multipart: JsonSchema };
  /** The success answers by status. Problem answers (400, 401, 403, 404, 409, 412, 422, 429) are documented by the generator. */
  responses: Partial<Record<200 | 201 | 202 | 204, { description: string; schema?: JsonSchema; example?: unknown; /** Default application/json; e.g. application/pdf for a file. */ contentType?: string }>>;
  handle(request: ApiRequest): Promise<ApiResponse>;
}
