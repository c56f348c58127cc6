// The /api/v1 router with operations of its own (no resource slice needed): a real Hono app over
// loopback HTTP on a real SQLite file, every answer checked against the served OpenAPI document.
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
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
