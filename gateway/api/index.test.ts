// The /api/v1 router with operations of its own (no resource slice needed): a real Hono app over
// loopback HTTP on a real SQLite file, every answer checked against the served OpenAPI document.
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { GatewayEnv } from '../env.ts';
import type { AppContext } from '../../shared/context.ts';
import { loadConfig } from '../../shared/config.ts';
import { createLogger } from '../../shared/log.ts';
import { AppError } from '../../shared/errors.ts';
import { seedDemo } from '../../shared/demo/seed-demo.ts';
import { requestId } from '../middleware/request-id/index.ts';
import { observe } from '../middleware/observe/index.ts';
import { useCaseContext } from '../middleware/use-case-context/index.ts';
import { notFoundProblem, onProblem } from '../middleware/problem/index.ts';
import { httpMetrics } from '../../shared/metrics.ts';
import { testDatabase, type TestDatabase } from '../../tests/support/database.ts';
import { ApiClient, createTestApiKey } from '../../tests/support/api.ts';
import { demo } from '../../tests/support/demo.ts';
import { apiRoutes } from './index.ts';
import { compileApiValidators } from './compile-validators.ts';
import { apiSchema } from './schemas.ts';
import { decodeCursor, listOf, listQuery, pageOf } from './list.ts';
import type { ApiOperation, MultipartBody } from './operation.ts';
import { meOperations } from './operations/me.ts';
import { idempotencyLeaseMs } from './idempotency.ts';

// --- Operations of the test's own, exercising what the router does for every operation.
const calls: { op: string; query?: unknown; body?: unknown }[] = [];
const behaviour: { gate?: Promise<void>; fail?: 'crash' | 'refuse' } = {};

const Thing = apiSchema('TestThing', {
  type: 'object',
  required: ['id', 'name'],
  additionalProperties: false,
  properties: { id: { type: 'string' }, name: { type: 'string' }, count: { type: 'integer' }, verbose: { type: 'boolean' } },
});
const ThingInput = apiSchema('TestThingInput', {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: { name: { type: 'string', minLength: 1, maxLength: 20 }, count: { type: 'integer', minimum: 1 }, made: { type: 'string', format: 'date' } },
});
const things = ['alpha', 'bravo', 'charlie', 'delta', 'echo'].map((name, i) => ({ id: `thg_${i}`, name }));

const testOperations: ApiOperation[] = [
  ...meOperations,
  {
    operationId: 'createThing',
    method: 'post',
    path: '/things',
    tags: ['Things'],
    summary: 'Create a thing',
    scope: 'lots:write',
    body: { json: ThingInput, example: { name: 'alpha', count: 2 } },
    responses: { 201: { description: 'Created.', schema: Thing } },
    async handle({ body }) {
      calls.push({ op: 'createThing', body });
      await behaviour.gate;
      if (behaviour.fail === 'crash') throw new Error('the database fell over');
      if (behaviour.fail === 'refuse') throw new AppError('conflict', 'that thing exists');
      const input = body as { name: string; count?: number };
      return { status: 201, body: { id: `thg_${calls.length}`, name: input.name, ...(input.count && { count: input.count }) }, headers: { Location: `/api/v1/things/thg_${calls.length}` } };
    },
  },
  {
    operationId: 'getThing',
    method: 'get',
    path: '/things/{thingId}',
    tags: ['Things'],
    summary: 'One thing',
    scope: 'lots:read',
    query: { type: 'object', additionalProperties: false, properties: { verbose: { type: 'boolean' } } },
    responses: { 200: { description: 'The thing.', schema: Thing } },
    async handle({ params, query }) {
      calls.push({ op: 'getThing', query });
      const thing = things.find((t) => t.id === params.thingId);
      if (!thing) throw new AppError('not_found', 'no such thing');
      return { status: 200, body: { ...thing, ...(query.verbose !== undefined && { verbose: query.verbose }) } };
    },
  },
  {
    operationId: 'listThings',
    method: 'get',
    path: '/things',
    tags: ['Things'],
    summary: 'Things',
    scope: 'lots:read',
    query: listQuery({ sorts: ['name'], filters: { startsAfter: { type: 'string', description: 'Names after this one.' } } }),
    responses: { 200: { description: 'A page of things.', schema: listOf(Thing) } },
    async handle({ query }) {
      calls.push({ op: 'listThings', query });
      const after = typeof query.cursor === 'string' ? decodeCursor(query.cursor) : undefined;
      const sorted = [...things].sort((a, b) => (query.order === 'desc' ? b.name.localeCompare(a.name) : a.name.localeCompare(b.name)));
      const rows = sorted.filter((t) => !after || (query.order === 'desc' ? t.name < String(after.k) : t.name > String(after.k)));
      return { status: 200, body: pageOf(rows.slice(0, Number(query.limit) + 1), Number(query.limit), (t) => ({ k: t.name, id: t.id }), (t) => t) };
    },
  },
  {
    operationId: 'attachThingFile',
    method: 'post',
    path: '/things/{thingId}/file',
    tags: ['Things'],
    summary: 'Attach a file',
    scope: 'lots:write',
    body: {
      multipart: {
        type: 'object',
        required: ['file', 'note'],
        properties: { file: { type: 'string', contentMediaType: 'application/pdf' }, note: { type: 'string', minLength: 1 }, pages: { type: 'integer', minimum: 1 } },
      },
    },
    responses: { 201: { description: 'Attached.', schema: { type: 'object', required: ['size'], properties: { size: { type: 'integer' }, note: { type: 'string' }, pages: { type: 'integer' }, fileName: { type: 'string' } } } } },
    async handle({ body }) {
      const { fields, file } = body as MultipartBody;
      return { status: 201, body: { size: file!.bytes.byteLength, note: fields.note, fileName: file!.name, ...(fields.pages !== undefined && { pages: fields.pages as unknown as number }) } };
    },
  },
];

let t: TestDatabase;
let app: AppContext;
let server: ServerType;
let baseUrl: string;
let api: ApiClient;
let supplierToken: string;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  t = await testDatabase();
  await seedDemo(t.ctx);
  const config = loadConfig({ API_RATE_LIMIT: '1000', PUBLIC_URL: 'https://portal.example.com' });
  app = { ...t.ctx, config, log: createLogger('debug', {}, (line) => lines.push(JSON.parse(line))) };
  const gateway = new Hono<GatewayEnv>();
  gateway.use(requestId());
  gateway.use(observe({ log: () => app.log, metrics: httpMetrics() }));
  gateway.use(useCaseContext({ app: () => app }));
  gateway.route('/api/v1', apiRoutes(testOperations, { validators: compileApiValidators(testOperations), jsonMaxBytes: 2048, multipartMaxBytes: () => 64 * 1024 }));
  gateway.notFound(notFoundProblem());
  gateway.onError(onProblem());
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: gateway.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  supplierToken = (await createTestApiKey(t.ctx, demo('supplier_user').email, { scopes: ['lots:write'] })).token;
  api = new ApiClient(baseUrl, supplierToken);
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  t.close();
});
beforeEach(() => {
  calls.length = 0;
  behaviour.gate = undefined;
  behaviour.fail = undefined;
  app.config.api.rateLimitPerMinute = 1000;
});

describe('authentication', () => {
  it('refuses a call without a key: 401 with WWW-Authenticate: Bearer', async () => {
    const res = await api.withToken(undefined).get('/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('WWW-Authenticate')).toBe('Bearer realm="lotbridge"');
    expect(res.body).toMatchObject({ status: 401, code: 'unauthenticated' });
  });

  it('refuses a malformed, unknown, forged, revoked or expired key, and a disabled technical user, all alike', async () => {
    const revoked = await createTestApiKey(t.ctx, demo('supplier_user').email);
    await t.db.run('UPDATE api_keys SET revoked_at = ? WHERE id = ?', [t.clock.now().toISOString(), revoked.id]);
    const expiring = await createTestApiKey(t.ctx, demo('supplier_user').email, { expiresInDays: 1 });
    const disabled = await createTestApiKey(t.ctx, demo('supplier_user').email);
    await t.db.run('UPDATE users SET disabled_at = ? WHERE id = ?', [t.clock.now().toISOString(), disabled.userId]);
    const valid = await createTestApiKey(t.ctx, demo('supplier_user').email);
    const forged = valid.token.slice(0, -1) + (valid.token.endsWith('a') ? 'b' : 'a');
    const unknown = 'lbk_' + 'a'.repeat(24) + '_' + 'b'.repeat(32);

    expect((await api.withToken(valid.token).get('/me')).status).toBe(200);
    expect((await api.withToken(expiring.token).get('/me')).status).toBe(200);
    t.clock.advance(86_400_000);
    try {
      const details = new Set<string>();
      for (const token of ['nonsense', `${valid.token}x`, forged, unknown, revoked.token, expiring.token, disabled.token]) {
        const res = await api.withToken(token).get('/me');
        expect(res.status, token).toBe(401);
        expect(res.headers.get('WWW-Authenticate')).toBe('Bearer realm="lotbridge", error="invalid_token"');
        details.add((res.body as { detail: string }).detail);
      }
      expect(details.size).toBe(1);
    } finally {
      t.clock.advance(-86_400_000);
    }
  });

  it('tells a key who it is: organisation, name, scopes, expiry', async () => {
    const key = await createTestApiKey(t.ctx, demo('distributor_user').email, { name: 'WMS', scopes: ['shipments:read', 'recalls:write'] });
    const res = await api.withToken(key.token).get('/me');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      organisation: { id: expect.any(String), name: 'Rhein Medical Distribution GmbH', kind: 'distributor' },
      apiKey: { id: key.id, name: 'WMS', scopes: ['recalls:write', 'shipments:read'], expiresAt: key.expiresAt },
      user: { id: key.userId, displayName: 'WMS (API key)' },
    });
  });

  it('writes last_used_at at most once a minute', async () => {
    const key = await createTestApiKey(t.ctx, demo('supplier_user').email);
    const lastUsed = async () => (await t.db.get<{ last_used_at: string | null }>('SELECT last_used_at FROM api_keys WHERE id = ?', [key.id]))!.last_used_at;
    expect(await lastUsed()).toBeNull();
    await api.withToken(key.token).get('/me');
    const first = await lastUsed();
    expect(first).toBe(t.clock.now().toISOString());
    t.clock.advance(59_000);
    await api.withToken(key.token).get('/me');
    expect(await lastUsed()).toBe(first);
    t.clock.advance(1_000);
    await api.withToken(key.token).get('/me');
    expect(await lastUsed()).toBe(t.clock.now().toISOString());
  });

  it('logs the key id of each call, never its token', async () => {
    lines.length = 0;
    await api.get('/things/thg_0');
    const line = lines.find((l) => l.msg === 'api call');
    expect(line).toMatchObject({ operationId: 'getThing', apiKeyId: supplierToken.split('_')[1], status: 200 });
    expect(JSON.stringify(lines)).not.toContain(supplierToken.split('_')[2]);
  });
});

describe('scopes', () => {
  it('refuses a key without the operation\'s scope (403); write implies read', async () => {
    const readsCertificates = await createTestApiKey(t.ctx, demo('supplier_user').email, { scopes: ['certificates:read'] });
    const res = await api.withToken(readsCertificates.token).get('/things/thg_0');
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'forbidden', detail: 'this key lacks the scope lots:read' });
    expect(calls).toEqual([]);
    expect((await api.get('/things/thg_0')).status).toBe(200);
  });
});

/** The field problems of a 400, as [where, code]. */
const problemsOf = (body: unknown) => ((body as { errors?: { pointer?: string; parameter?: string; in?: string; code: string }[] }).errors ?? []).map((e) => [e.pointer ?? `${e.in}:${e.parameter}`, e.code]);

describe('validation', () => {
  it('coerces query integers and booleans and fills defaults before the operation sees them', async () => {
    const res = await api.get('/things/thg_1?verbose=true');
    expect(res.body).toEqual({ id: 'thg_1', name: 'bravo', verbose: true });
    expect(calls.at(-1)!.query).toEqual({ verbose: true });
    await api.get('/things?limit=2');
    expect(calls.at(-1)!.query).toEqual({ limit: 2, sort: 'name', order: 'asc' });
  });

  it('refuses bad query parameters with 400, the codes the portal uses, and the parameter named', async () => {
    const res = await api.get('/things?limit=500&order=sideways&colour=red');
    expect(res.status).toBe(400);
    expect(problemsOf(res.body)).toEqual(
      expect.arrayContaining([
        ['query:limit', 'events.tooLarge'],
        ['query:order', 'events.oneOf'],
        ['query:colour', 'api.unknownParameter'],
      ]),
    );
    expect(problemsOf((await api.get('/things/thg_1?verbose=maybe')).body)).toEqual([['query:verbose', 'events.type']]);
    expect(calls).toEqual([]);
  });

  it('refuses a body off its schema with 400 and JSON pointers into the body', async () => {
    const missing = await api.post('/things', { count: 0, made: '2026-13-45', colour: 'red' });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ type: 'https://lotbridge.dev/problems/invalid_input', code: 'invalid_input' });
    expect(problemsOf(missing.body).sort()).toEqual(
      [
        ['/name', 'common.required'],
        ['/count', 'events.tooSmall'],
        ['/made', 'common.badDate'],
        ['/colour', 'events.unknownField'],
      ].sort(),
    );
    expect((missing.body as { errors: { detail: string }[] }).errors.find((e) => e.detail)!.detail).toBeTruthy();
    const notJson = await api.request('post', '/things', { body: '{"name":', headers: { 'Content-Type': 'application/json' } });
    expect(problemsOf(notJson.body)).toEqual([['', 'api.badJson']]);
    expect(calls).toEqual([]);
  });

  it('takes JSON only as application/json (415) and no more than the limit (413)', async () => {
    const text = await api.request('post', '/things', { body: JSON.stringify({ name: 'x' }), headers: { 'Content-Type': 'text/plain' } });
    expect(text.status).toBe(415);
    expect(text.body).toMatchObject({ code: 'unsupported_media_type' });
    const large = await api.post('/things', { name: 'x', padding: 'p'.repeat(3000) });
    expect(large.status).toBe(413);
    expect(large.body).toMatchObject({ code: 'payload_too_large' });
    // Without Content-Length (chunked), the limit still holds while reading.
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode(' '.repeat(1000)));
        controller.close();
      },
    });
    const streamed = await fetch(`${baseUrl}/api/v1/things`, { method: 'POST', headers: { Authorization: `Bearer ${supplierToken}`, 'Content-Type': 'application/json' }, body: chunks, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(calls).toEqual([]);
  });

  it('takes a multipart body: the file and coerced fields; a missing file or another media type is refused', async () => {
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(1000)], { type: 'application/pdf' }), 'cert.pdf');
    form.set('note', 'ISO 13485');
    form.set('pages', '3');
    const res = await api.request('post', '/things/thg_1/file', { form });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ size: 1000, note: 'ISO 13485', pages: 3, fileName: 'cert.pdf' });

    const noFile = new FormData();
    noFile.set('note', 'ISO 13485');
    noFile.set('pages', 'three');
    expect(problemsOf((await api.request('post', '/things/thg_1/file', { form: noFile })).body)).toEqual([['/pages', 'events.type']]);
    noFile.set('pages', '3');
    expect(problemsOf((await api.request('post', '/things/thg_1/file', { form: noFile })).body)).toEqual([['/file', 'api.fileRequired']]);
    expect((await api.post('/things/thg_1/file', { note: 'x' })).status).toBe(415);

    const large = new FormData();
    large.set('file', new Blob([new Uint8Array(70 * 1024)]), 'big.pdf');
    large.set('note', 'x');
    expect((await api.request('post', '/things/thg_1/file', { form: large })).status).toBe(413);
  });

  it('answers a use case\'s refusal as problem+json with its code', async () => {
    const res = await api.get('/things/thg_9');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'not_found', detail: 'no such thing', instance: '/api/v1/things/thg_9' });
  });

  it('echoes the caller\'s Request-Id, on problems too', async () => {
    const res = await api.get('/things/thg_9', { headers: { 'Request-Id': 'wms-run-42' } });
    expect(res.headers.get('Request-Id')).toBe('wms-run-42');
    expect(res.body).toMatchObject({ requestId: 'wms-run-42' });
    expect((await api.get('/things/thg_1')).headers.get('Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('lists', () => {
  it('pages to the end with keyset cursors and a Link to the next page', async () => {
    const seen: string[] = [];
    let path: string | undefined = '/things?limit=2';
    let pages = 0;
    while (path) {
      const res: Awaited<ReturnType<typeof api.get<{ items: { name: string }[]; nextCursor: string | null }>>> = await api.get(path);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((i) => i.name));
      const link = res.headers.get('Link');
      if (res.body.nextCursor) expect(link).toBe(`</api/v1/things?limit=2&cursor=${res.body.nextCursor}>; rel="next"`);
      else expect(link).toBeNull();
      path = link ? /^<\/api\/v1([^>]+)>/.exec(link)![1] : undefined;
      pages++;
    }
    expect(seen).toEqual(['alpha', 'bravo', 'charlie', 'delta', 'echo']);
    expect(pages).toBe(3);
  });

  it('refuses a cursor it did not hand out (400 api.badCursor)', async () => {
    for (const cursor of ['nonsense!', 'bm90LWpzb24', Buffer.from('{"k":1}').toString('base64url'), Buffer.from('[1]').toString('base64url')]) {
      const res = await api.get(`/things?cursor=${encodeURIComponent(cursor)}`);
      expect(res.status, cursor).toBe(400);
      expect(problemsOf(res.body)).toEqual([['query:cursor', 'api.badCursor']]);
    }
  });
});

describe('ETags', () => {
  it('tags a GET answer strongly and answers 304 to a current If-None-Match', async () => {
    const first = await api.get('/things/thg_2');
    const etag = first.headers.get('ETag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const again = await api.get('/things/thg_2', { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.get('ETag')).toBe(etag);
    expect((await api.get('/things/thg_2', { headers: { 'If-None-Match': `"other", W/${etag}` } })).status).toBe(304);
    expect((await api.get('/things/thg_2', { headers: { 'If-None-Match': '"other"' } })).status).toBe(200);
    expect((await api.get('/things/thg_2?verbose=false', { headers: { 'If-None-Match': etag } })).status).toBe(200);
  });
});

describe('Idempotency-Key', () => {
  const rows = async () => (await t.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM api_idempotency'))!.n;

  it('replays the first answer to a retry of the same request; runs the operation once', async () => {
    const headers = { 'Idempotency-Key': 'order-7781' };
    const first = await api.post('/things', { name: 'foxtrot', count: 2 }, { headers });
    expect(first.status).toBe(201);
    expect(first.headers.get('Idempotent-Replayed')).toBeNull();
    // The same JSON written differently is the same request.
    const retry = await api.request('post', '/things', { body: '{ "count": 2,\n "name": "foxtrot" }'.replace('"count": 2,\n "name": "foxtrot"', '"name": "foxtrot", "count": 2'), headers: { ...headers, 'Content-Type': 'application/json' } });
    expect(retry.status).toBe(201);
    expect(retry.text).toBe(first.text);
    expect(retry.headers.get('Location')).toBe(first.headers.get('Location'));
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
    expect(calls.filter((c) => c.op === 'createThing')).toHaveLength(1);
    // Another key's retry with the same Idempotency-Key is its own request.
    const other = await createTestApiKey(t.ctx, demo('supplier_user').email, { scopes: ['lots:write'] });
    expect((await api.withToken(other.token).post('/things', { name: 'foxtrot', count: 2 }, { headers })).headers.get('Idempotent-Replayed')).toBeNull();
  });

  it('refuses the same key with another request (422)', async () => {
    const headers = { 'Idempotency-Key': 'order-7782' };
    expect((await api.post('/things', { name: 'golf' }, { headers })).status).toBe(201);
    const other = await api.post('/things', { name: 'hotel' }, { headers });
    expect(other.status).toBe(422);
    expect(problemsOf(other.body)).toEqual([['header:Idempotency-Key', 'api.idempotencyKeyReused']]);
    expect(calls).toHaveLength(1);
  });

  it('tells a concurrent retry to wait (409, Retry-After) and lets a retry take over once the lease ran out', async () => {
    let release!: () => void;
    behaviour.gate = new Promise((r) => (release = r));
    const headers = { 'Idempotency-Key': 'order-7783' };
    const first = api.post('/things', { name: 'india' }, { headers });
    while (!calls.length) await new Promise((r) => setTimeout(r, 5));
    const concurrent = await api.post('/things', { name: 'india' }, { headers });
    expect(concurrent.status).toBe(409);
    expect(concurrent.headers.get('Retry-After')).toBe(String(idempotencyLeaseMs / 1000));
    expect(problemsOf(concurrent.body)).toEqual([['header:Idempotency-Key', 'api.idempotencyInProgress']]);

    t.clock.advance(idempotencyLeaseMs);
    behaviour.gate = undefined;
    const takeover = await api.post('/things', { name: 'india' }, { headers });
    expect(takeover.status).toBe(201);
    release();
    expect((await first).status).toBe(201);
    expect(calls.filter((c) => c.op === 'createThing')).toHaveLength(2);
  });

  it('keeps a refusal, but not a failure on our side: the retry of a 5xx runs again', async () => {
    behaviour.fail = 'refuse';
    const refused = await api.post('/things', { name: 'juliett' }, { headers: { 'Idempotency-Key': 'order-7784' } });
    expect(refused.status).toBe(409);
    behaviour.fail = undefined;
    const replayed = await api.post('/things', { name: 'juliett' }, { headers: { 'Idempotency-Key': 'order-7784' } });
    expect(replayed.status).toBe(409);
    expect(replayed.headers.get('Idempotent-Replayed')).toBe('true');
    expect(replayed.text).toBe(refused.text);

    behaviour.fail = 'crash';
    expect((await api.post('/things', { name: 'kilo' }, { headers: { 'Idempotency-Key': 'order-7785' } })).status).toBe(500);
    behaviour.fail = undefined;
    const retried = await api.post('/things', { name: 'kilo' }, { headers: { 'Idempotency-Key': 'order-7785' } });
    expect(retried.status).toBe(201);
    expect(retried.headers.get('Idempotent-Replayed')).toBeNull();
  });

  it('does not claim a key for a request that fails validation, and refuses a key too long or with spaces', async () => {
    expect((await api.post('/things', { count: 1 }, { headers: { 'Idempotency-Key': 'order-7786' } })).status).toBe(400);
    expect((await api.post('/things', { name: 'lima' }, { headers: { 'Idempotency-Key': 'order-7786' } })).status).toBe(201);
    for (const key of ['k'.repeat(256), 'two words']) {
      const res = await api.post('/things', { name: 'mike' }, { headers: { 'Idempotency-Key': key } });
      expect(problemsOf(res.body)).toEqual([['header:Idempotency-Key', 'api.badIdempotencyKey']]);
    }
  });

  it('forgets keys after 24 hours, deleting them as it goes', async () => {
    const headers = { 'Idempotency-Key': 'order-7787' };
    await api.post('/things', { name: 'november' }, { headers });
    expect(await rows()).toBeGreaterThan(0);
    t.clock.advance(24 * 3_600_000 + 1000);
    const later = await api.post('/things', { name: 'oscar' }, { headers });
    expect(later.status).toBe(201);
    expect(later.headers.get('Idempotent-Replayed')).toBeNull();
    expect(await rows()).toBe(1);
  });
});

describe('rate limits', () => {
  it('counts per key in fixed windows, says so in RateLimit headers, and answers 429 with Retry-After', async () => {
    app.config.api.rateLimitPerMinute = 3;
    const key = await createTestApiKey(t.ctx, demo('supplier_user').email, { scopes: ['lots:read'] });
    const client = api.withToken(key.token);
    // 20 s into a window.
    t.clock.set(new Date(Math.floor(t.clock.now().getTime() / 60_000) * 60_000 + 20_000));
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await client.get('/things/thg_0');
      expect(res.status).toBe(200);
      expect(res.headers.get('RateLimit-Policy')).toBe('"per-key";q=3;w=60');
      remaining.push(res.headers.get('RateLimit'));
    }
    expect(remaining).toEqual(['"per-key";r=2;t=40', '"per-key";r=1;t=40', '"per-key";r=0;t=40']);
    t.clock.advance(15_000);
    const limited = await client.get('/things/thg_0');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('Retry-After')).toBe('25');
    expect(limited.headers.get('RateLimit')).toBe('"per-key";r=0;t=25');
    expect(limited.body).toMatchObject({ code: 'rate_limited' });
    // Another key has its own window.
    expect((await api.get('/things/thg_0')).status).toBe(200);
    // The next window starts afresh; the old one is cleared.
    t.clock.advance(25_000);
    const next = await client.get('/things/thg_0');
    expect(next.status).toBe(200);
    expect(next.headers.get('RateLimit')).toBe('"per-key";r=2;t=60');
    expect((await t.db.all('SELECT window_start FROM api_rate_windows WHERE api_key_id = ?', [key.id])).length).toBe(1);
  });
});

describe('the OpenAPI document', () => {
  it('is served without a key, valid OpenAPI 3.1 by an independent validator, with an ETag', async () => {
    const res = await fetch(`${baseUrl}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(res.headers.get('Cache-Control')).toBe('public, max-age=300');
    const doc = (await res.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const verdict = await new Validator().validate(doc);
    expect(verdict.errors).toBeUndefined();
    expect(verdict.valid).toBe(true);
    expect(doc.servers).toEqual([{ url: 'https://portal.example.com/api/v1' }]);
    expect(Object.keys(doc.paths).sort()).toEqual(['/me', '/things', '/things/{thingId}', '/things/{thingId}/file']);
    const create = doc.paths['/things'].post;
    expect(create.parameters).toContainEqual({ $ref: '#/components/parameters/IdempotencyKey' });
    expect(create.requestBody.content['application/json']).toEqual({ schema: { $ref: '#/components/schemas/TestThingInput' }, example: { name: 'alpha', count: 2 } });
    expect(Object.keys(create.responses).sort()).toEqual(['201', '400', '401', '403', '404', '409', '412', '413', '415', '422', '429', '500']);
    const list = doc.paths['/things'].get;
    expect(list.parameters.map((p: { name?: string; $ref?: string }) => p.name ?? p.$ref)).toEqual(['cursor', 'limit', 'sort', 'order', 'startsAfter', '#/components/parameters/IfNoneMatch']);
    expect(list.responses['200'].headers).toMatchObject({ ETag: { $ref: '#/components/headers/ETag' }, Link: { $ref: '#/components/headers/Link' }, RateLimit: { $ref: '#/components/headers/RateLimit' } });
    expect(doc.paths['/things/{thingId}'].get.parameters[0]).toEqual({ name: 'thingId', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 200 } });
    expect(doc.components.schemas.TestThingList.properties.items).toEqual({ type: 'array', items: { $ref: '#/components/schemas/TestThing' } });
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.responses.Problem400.content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });

    const again = await fetch(`${baseUrl}/api/v1/openapi.json`, { headers: { 'If-None-Match': res.headers.get('ETag')! } });
    expect(again.status).toBe(304);
  });

  it('is what the test client holds every answer to: a body off its schema or an unlisted status fails', async () => {
    const res = await fetch(`${baseUrl}/api/v1/things/thg_0`, { headers: { Authorization: `Bearer ${supplierToken}` } });
    const text = await res.text();
    const answer = { status: 200, headers: res.headers, body: { ...JSON.parse(text), colour: 'red' }, text };
    await expect(api.check('get', '/things/thg_0', answer)).rejects.toThrow(/does not match the document/);
    await expect(api.check('get', '/things/thg_0', { ...answer, body: JSON.parse(text), status: 202 })).rejects.toThrow(/lists no 202/);
    await expect(api.check('get', '/things/thg_0', { ...answer, body: JSON.parse(text) })).resolves.toBeUndefined();
  });
});
