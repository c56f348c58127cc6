// The partner REST API, /api/v1 (mounted by gateway/app.ts). Each operation is one ApiOperation
// (operation.ts); this router does for every one of them what they must not repeat: Bearer
// authentication, the rate limit, the scope, validating path, query and body against validators
// compiled ahead of time, Idempotency-Key on POST, ETags, Link headers and problem+json.
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode, StatusCode } from 'hono/utils/http-status';
import { createHash } from 'node:crypto';
import type { GatewayEnv } from '../env.ts';
import type { ApiCaller, ApiOperation, ApiResponse, MultipartBody } from './operation.ts';
import { AppError, isAppError, problem as fieldProblem, refusal, type Problems } from '../../shared/errors.ts';
import { scopeGrants } from '../../shared/api-keys/scopes.ts';
import { authenticateApiKey } from '../../shared/api-keys/authenticate-api-key.ts';
import { schemaProblems } from '../../shared/schema-problems.ts';
import { concatBytes } from '../../shared/as2/mime.ts';
import { translateProblem } from '../../shared/i18n/index.ts';
import { requestIdFrom } from '../../shared/metrics.ts';
import type { CompiledValidator } from '../../shared/events/validators/index.ts';
import { appErrorProblem, onProblem } from '../middleware/problem/index.ts';
import { apiOperations } from './operations/index.ts';
import { apiValidators } from './validators/index.ts';
import { multipartFileField, multipartFileRequired, validatorKey, type RequestPart } from './request-schemas.ts';
import { checkIdempotencyKey, claimIdempotencyKey, IdempotencyInProgress, keepIdempotentAnswer, releaseIdempotencyKey, type KeptAnswer } from './idempotency.ts';
import { countRequest, rateLimitHeaders } from './rate-limit.ts';
import { openApiDocument } from './openapi.ts';

export interface ApiRoutesOptions {
  /** The request validators by `<operationId>.<part>`: the generated ones, or compileApiValidators() in a unit test. */
  validators?: Record<string, CompiledValidator>;
  /** The largest JSON body, in bytes (default 1 MiB). */
  jsonMaxBytes?: number;
  /** The largest multipart body, in bytes (default UPLOAD_MAX_MB). */
  multipartMaxBytes?: (c: Context<GatewayEnv>) => number;
}

export const defaultJsonMaxBytes = 1024 * 1024;

/** `/lots/{lotId}` → `/lots/:lotId`. */
const honoPath = (path: string) => path.replace(/\{([^}]+)\}/g, ':$1');

const jsonType = /^application\/json\s*(;|$)/i;
const multipartType = /^multipart\/form-data\s*;/i;

/** RFC 6901 pointer of a body field path (`lots/0/gtin`, `lots.0.gtin`); the whole body is ''. */
function pointerOf(field: string): string {
  return field === '(body)' ? '' : '/' + field.split(/[/.]/).map((s) => s.replace(/~/g, '~0')).join('/');
}

/** An AppError as problem+json: field problems on a parameter (`query:cursor`) name it, the others point into the body. */
function apiProblem(c: Context<GatewayEnv>, err: AppError): Response {
  const errors = Object.entries(err.problems ?? {}).map(([field, p]) => {
    const at = /^(query|path|header):(.+)$/.exec(field);
    return {
      ...(at ? { parameter: at[2]!, in: at[1] as 'query' | 'path' | 'header' } : { pointer: pointerOf(field) }),
      code: p.code,
      ...(p.params && { params: p.params }),
      detail: translateProblem('en', p),
    };
  });
  return appErrorProblem(c, err, errors);
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('base64url');
}

/** The body, refused with 413 when it is (or turns out) larger than `max`. */
async function readLimited(req: Request, max: number): Promise<Uint8Array> {
  const tooLarge = () => new AppError('payload_too_large', `the body is larger than ${max} bytes`);
  const declared = Number(req.headers.get('Content-Length') ?? NaN);
  if (declared > max) throw tooLarge();
  if (!req.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return concatBytes(...chunks);
}

/** Checks `data` against a part's validator (which also coerces and fills defaults in place). */
function validatePart(validators: Record<string, CompiledValidator>, op: ApiOperation, part: RequestPart, data: unknown): void {
  const validate = validators[validatorKey(op.operationId, part)];
  if (!validate) throw new Error(`no compiled validator for ${validatorKey(op.operationId, part)}: run npm run validators`);
  if (validate(data)) return;
  const found = schemaProblems(validate.errors ?? [], '');
  const problems: Problems = {};
  for (const [field, p] of Object.entries(found)) {
    if (part === 'body') problems[field] = p;
    else problems[`${part}:${field.split('/')[0]}`] = p.code === 'events.unknownField' ? fieldProblem('api.unknownParameter') : p;
  }
  throw refusal('invalid_input', `the request's ${part === 'body' ? 'body' : part === 'path' ? 'path' : 'query parameters'} ${part === 'body' ? 'is' : 'are'} not valid`, problems);
}

/** The query as an object: one value per name, or every value when the schema wants an array. */
function queryObject(url: URL, op: ApiOperation): Record<string, unknown> {
  const properties = (op.query?.properties ?? {}) as Record<string, { type?: unknown }>;
  const out: Record<string, unknown> = {};
  for (const name of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(name);
    out[name] = properties[name]?.type === 'array' ? all : all[0];
  }
  return out;
}

interface ParsedBody {
  value: unknown;
  /** What the Idempotency-Key's request hash covers of the body. */
  digest: string;
}

async function parseBody(c: Context<GatewayEnv>, op: ApiOperation, options: Required<Pick<ApiRoutesOptions, 'jsonMaxBytes'>> & ApiRoutesOptions): Promise<ParsedBody> {
  if (!op.body) return { value: undefined, digest: '' };
  const type = c.req.header('Content-Type') ?? '';
  if ('json' in op.body) {
    if (!jsonType.test(type)) throw new AppError('unsupported_media_type', 'send the body as JSON with Content-Type: application/json');
    const bytes = await readLimited(c.req.raw, options.jsonMaxBytes);
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch {
      throw refusal('invalid_input', 'the body is not valid JSON', { '(body)': fieldProblem('api.badJson') });
    }
    // JSON.parse takes any depth, JSON.stringify (and a validator) recurses: a body nested deeper
    // than the stack (a few hundred kilobytes of brackets) is refused here rather than a 500.
    let digest: string;
    try {
      digest = sha256(JSON.stringify(value));
    } catch {
      throw refusal('invalid_input', 'the body is nested too deeply', { '(body)': fieldProblem('api.badJson') });
    }
    return { value, digest };
  }
  if (!multipartType.test(type)) throw new AppError('unsupported_media_type', 'send the body as multipart/form-data');
  const max = options.multipartMaxBytes?.(c) ?? c.get('app').config.uploads.maxBytes;
  const bytes = await readLimited(c.req.raw, max);
  let form: FormData;
  try {
    form = await new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'Content-Type': type } }).formData();
  } catch {
    throw refusal('invalid_input', 'the body is not valid multipart/form-data', { '(body)': fieldProblem('events.invalid', { keyword: 'multipart' }) });
  }
  const fields: Record<string, string> = {};
  let file: MultipartBody['file'] = null;
  for (const [name, part] of form.entries()) {
    if (typeof part === 'string') fields[name] ??= part;
    else if (name === multipartFileField && !file) file = { name: part.name, type: part.type, bytes: new Uint8Array(await part.arrayBuffer()) };
    else fields[name] ??= '';
  }
  const body: MultipartBody = { fields, file };
  const digest = sha256(JSON.stringify({ fields, file: file && { name: file.name, type: file.type, sha256: sha256(file.bytes) } }));
  return { value: body, digest };
}

/** Weak comparison (RFC 9110 §13.1.2): If-None-Match matches when any listed tag, or *, is ours. */
function noneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const ours = etag.replace(/^W\//, '');
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === ours);
}

/** The URL of the next page: this request's, with `cursor` replaced. */
function nextLink(c: Context<GatewayEnv>, cursor: string): string {
  const url = new URL(c.req.url);
  url.searchParams.set('cursor', cursor);
  return `<${url.pathname}${url.search}>; rel="next"`;
}

/** An operation's answer as it is sent (and kept for an idempotent retry). */
function answerOf(c: Context<GatewayEnv>, op: ApiOperation, res: ApiResponse): KeptAnswer {
  const body = res.body === undefined || res.status === 204 ? null : JSON.stringify(res.body);
  const headers: Record<string, string> = { ...res.headers };
  if (body !== null) headers['Content-Type'] = 'application/json';
  const next = (res.body as { nextCursor?: unknown } | undefined)?.nextCursor;
  if (typeof next === 'string') headers.Link = nextLink(c, next);
  if (op.method === 'get' && res.status === 200 && body !== null) {
    headers.ETag = `"${sha256(body)}"`;
    headers['Cache-Control'] = 'private, no-cache';
  }
  return { status: res.status, headers, body };
}

/** A file (GET only, so never kept for a retry): its bytes with the operation's content type and an ETag of them. */
function fileAnswer(op: ApiOperation, res: ApiResponse, bytes: Uint8Array): FileAnswer {
  const contentType = op.responses[res.status]?.contentType;
  if (op.method !== 'get' || !contentType) throw new Error(`${op.operationId} answered bytes without a documented content type`);
  return { status: res.status, headers: { ...res.headers, 'Content-Type': contentType, ETag: `"${sha256(bytes)}"`, 'Cache-Control': 'private, no-cache' }, body: bytes };
}

type FileAnswer = Omit<KeptAnswer, 'body'> & { body: Uint8Array };

function send(c: Context<GatewayEnv>, answer: KeptAnswer | FileAnswer): Response {
  for (const [name, value] of Object.entries(answer.headers)) c.header(name, value);
  if (answer.body === null) return c.body(null, answer.status as StatusCode);
  return typeof answer.body === 'string' ? c.body(answer.body, answer.status as ContentfulStatusCode) : c.body(answer.body as Uint8Array<ArrayBuffer>, answer.status as ContentfulStatusCode);
}

/** The Bearer token of the Authorization header, or an empty string when there is none. */
function bearerToken(c: Context<GatewayEnv>): string | null {
  const header = c.req.header('Authorization');
  if (!header) return null;
  const m = /^Bearer +([\x21-\x7e]{1,200})$/i.exec(header.trim());
  return m ? m[1]! : '';
}

async function authenticate(c: Context<GatewayEnv>): Promise<ApiCaller> {
  const token = bearerToken(c);
  if (token === null) {
    c.header('WWW-Authenticate', 'Bearer realm="lotbridge"');
    throw new AppError('unauthenticated', 'send an API key: Authorization: Bearer lbk_…');
  }
  try {
    return await authenticateApiKey(c.get('ctx'), token);
  } catch (e) {
    if (isAppError(e) && e.code === 'unauthenticated') c.header('WWW-Authenticate', 'Bearer realm="lotbridge", error="invalid_token"');
    throw e;
  }
}

/**
 * Request-Id: the client's own id when it sends a sane one (else the gateway's), echoed on the
 * answer. In each handler rather than as middleware, so an unmatched path stays "unmatched" in metrics.
 */
function echoRequestId(c: Context<GatewayEnv>): void {
  const sent = c.req.header('Request-Id');
  if (sent) {
    const id = requestIdFrom(sent);
    c.set('requestId', id);
    c.set('ctx', { ...c.get('ctx'), requestId: id });
  }
  c.header('Request-Id', c.get('requestId'));
}

/** One operation's handler: everything between the request and the use case. */
function handlerOf(op: ApiOperation, options: ApiRoutesOptions & { jsonMaxBytes: number; validators: Record<string, CompiledValidator> }) {
  const answer = answerer(op, options);
  return async (c: Context<GatewayEnv>): Promise<Response> => {
    echoRequestId(c);
    const logged: { apiKeyId?: string } = {};
    const res = await answer(c, logged);
    // Which key called (never its token): the request line of observe() has the rest.
    if (logged.apiKeyId) c.get('log')[res.status >= 400 ? 'info' : 'debug']('api call', { operationId: op.operationId, apiKeyId: logged.apiKeyId, status: res.status });
    return res;
  };
}

function answerer(op: ApiOperation, options: ApiRoutesOptions & { jsonMaxBytes: number; validators: Record<string, CompiledValidator> }) {
  return async (c: Context<GatewayEnv>, logged: { apiKeyId?: string }): Promise<Response> => {
    const ctx = c.get('ctx');
    let caller: ApiCaller | undefined;
    let claimed: string | undefined;
    try {
      caller = await authenticate(c);
      logged.apiKeyId = caller.apiKeyId;
      const rate = await countRequest(ctx, caller.apiKeyId, c.get('app').config.api.rateLimitPerMinute);
      for (const [name, value] of Object.entries(rateLimitHeaders(rate))) c.header(name, value);
      if (rate.exceeded) {
        c.header('Retry-After', String(rate.resetSeconds));
        throw new AppError('rate_limited', `too many requests: at most ${rate.limit} a minute per key; retry after ${rate.resetSeconds} s`);
      }
      if (op.scope && !scopeGrants(caller.scopes, op.scope)) throw new AppError('forbidden', `this key lacks the scope ${op.scope}`);

      const url = new URL(c.req.url);
      const params = { ...c.req.param() } as Record<string, string>;
      validatePart(options.validators, op, 'path', params);
      const query = queryObject(url, op);
      validatePart(options.validators, op, 'query', query);
      const body = await parseBody(c, op, options);
      if (op.body && 'json' in op.body) validatePart(options.validators, op, 'body', body.value);
      if (op.body && 'multipart' in op.body) {
        const multipart = body.value as MultipartBody;
        validatePart(options.validators, op, 'body', multipart.fields);
        if (!multipart.file && multipartFileRequired(op.body.multipart)) throw refusal('invalid_input', 'the file is missing', { [multipartFileField]: fieldProblem('api.fileRequired') });
      }

      const idempotencyKey = op.method === 'post' ? c.req.header('Idempotency-Key') : undefined;
      if (idempotencyKey !== undefined) {
        checkIdempotencyKey(idempotencyKey);
        const requestHash = sha256(`${op.method} ${url.pathname}?${url.searchParams.toString()}\n${body.digest}`);
        const claim = await claimIdempotencyKey(ctx, caller.apiKeyId, idempotencyKey, requestHash);
        if (claim.kind === 'replay') {
          c.header('Idempotent-Replayed', 'true');
          return send(c, claim.answer);
        }
        claimed = idempotencyKey;
      }

      const publicUrl = c.get('app').config.publicUrl;
      const res = await op.handle({
        caller,
        ctx,
        params,
        query,
        body: body.value,
        portalUrl: (path) => new URL(path, publicUrl ?? url.origin).toString(),
        uploads: c.get('app').config.uploads,
      });
      if (res.body instanceof Uint8Array) {
        const file = fileAnswer(op, res, res.body);
        if (noneMatch(c.req.header('If-None-Match'), file.headers.ETag!)) return c.body(null, 304, { ETag: file.headers.ETag!, 'Cache-Control': file.headers['Cache-Control']! });
        return send(c, file);
      }
      const answer = answerOf(c, op, res);
      if (claimed) await keepIdempotentAnswer(ctx, caller.apiKeyId, claimed, answer);
      if (answer.headers.ETag && noneMatch(c.req.header('If-None-Match'), answer.headers.ETag)) {
        return c.body(null, 304, { ETag: answer.headers.ETag, 'Cache-Control': answer.headers['Cache-Control']! });
      }
      return send(c, answer);
    } catch (e) {
      const res = isAppError(e) ? apiProblem(c, e) : await onProblem()(e as Error, c);
      if (e instanceof IdempotencyInProgress) res.headers.set('Retry-After', String(e.retryAfter));
      if (claimed && caller) {
        // A refusal by the use case is the answer a retry gets; a failure on our side is not kept.
        if (res.status >= 500) await releaseIdempotencyKey(ctx, caller.apiKeyId, claimed);
        else await keepIdempotentAnswer(ctx, caller.apiKeyId, claimed, { status: res.status, headers: { 'Content-Type': 'application/problem+json' }, body: await res.clone().text() });
      }
      return res;
    }
  };
}

/**
 * The /api/v1 routes of `operations` (all of them by default; a unit test mounts its own with
 * `compileApiValidators(operations)` as `validators`), plus the OpenAPI document at /openapi.json.
 */
export function apiRoutes(operations: readonly ApiOperation[] = apiOperations, options: ApiRoutesOptions = {}): Hono<GatewayEnv> {
  const api = new Hono<GatewayEnv>();
  const settings = { ...options, jsonMaxBytes: options.jsonMaxBytes ?? defaultJsonMaxBytes, validators: options.validators ?? apiValidators };

  let document: { json: string; etag: string; server: string } | undefined;
  api.get('/openapi.json', (c) => {
    echoRequestId(c);
    const server = (c.get('app').config.publicUrl?.origin ?? new URL(c.req.url).origin) + '/api/v1';
    if (document?.server !== server) {
      const json = JSON.stringify(openApiDocument(operations, { server }));
      document = { json, etag: `"${sha256(json)}"`, server };
    }
    c.header('ETag', document.etag);
    c.header('Cache-Control', 'public, max-age=300');
    if (noneMatch(c.req.header('If-None-Match'), document.etag)) return c.body(null, 304);
    return c.body(document.json, 200, { 'Content-Type': 'application/json' });
  });

  for (const op of operations) api.on(op.method.toUpperCase(), honoPath(op.path), handlerOf(op, settings));
  return api;
}
