// The REST API's core on the real server (`lotbridge serve`): keys made by createApiKey against
// its SQLite file, every answer checked against the OpenAPI document it serves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import type { RunningServer } from '../support/server.ts';
import { openServerDb, startBuiltServer } from '../support/portal.ts';
import { ApiClient, createTestApiKey } from '../support/api.ts';
import { demo } from '../support/demo.ts';
import { apiOperations } from '../../gateway/api/operations/index.ts';

let server: RunningServer;
let db: Db;
let api: ApiClient;

beforeAll(async () => {
  server = await startBuiltServer();
  db = openServerDb(server);
  api = new ApiClient(server.url);
});
afterAll(async () => {
  db?.close();
  await server?.stop();
});

const ctx = () => ({ db, clock: systemClock, policy: defaultPolicy });

describe('/api/v1 on the real server', () => {
  it('serves its OpenAPI 3.1 document without a key, valid by an independent validator, every operation in it', async () => {
    const res = await fetch(`${server.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { servers: { url: string }[]; paths: Record<string, Record<string, { operationId: string }>> };
    const verdict = await new Validator().validate(doc);
    expect(verdict.errors).toBeUndefined();
    expect(doc.servers).toEqual([{ url: `${server.url}/api/v1` }]);
    const documented = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(documented.sort()).toEqual(apiOperations.map((op) => op.operationId).sort());
  });

  it('answers GET /me for a supplier\'s key and a distributor\'s', async () => {
    const supplierKey = await createTestApiKey(ctx(), demo('supplier_user').email, { name: 'ERP export', scopes: ['lots:write'] });
    const me = await api.withToken(supplierKey.token).get('/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ organisation: { name: 'Suzhou Precision Components Co., Ltd.', kind: 'supplier' }, apiKey: { id: supplierKey.id, name: 'ERP export', scopes: ['lots:write'] } });
    expect(me.headers.get('RateLimit-Policy')).toBe('"per-key";q=600;w=60');
    expect(me.headers.get('ETag')).toMatch(/^"/);

    const distributorKey = await createTestApiKey(ctx(), demo('distributor_user').email);
    expect((await api.withToken(distributorKey.token).get('/me')).body).toMatchObject({ organisation: { kind: 'distributor' } });
  });

  it('refuses no key, a revoked key and an expired key with 401', async () => {
    expect((await api.get('/me')).status).toBe(401);
    const revoked = await createTestApiKey(ctx(), demo('supplier_user').email);
    await db.run('UPDATE api_keys SET revoked_at = ? WHERE id = ?', [new Date().toISOString(), revoked.id]);
    const expired = await createTestApiKey(ctx(), demo('supplier_user').email);
    await db.run('UPDATE api_keys SET expires_at = ? WHERE id = ?', [new Date(Date.now() - 1000).toISOString(), expired.id]);
    for (const key of [revoked, expired]) {
      const res = await api.withToken(key.token).get('/me');
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'unauthenticated' });
    }
  });

  it('answers a body nested too deeply to hash with a 400 problem, not a 500', async () => {
    const key = await createTestApiKey(ctx(), demo('supplier_user').email);
    const deep = '{"lots":' + '['.repeat(300_000) + ']'.repeat(300_000) + '}';
    const res = await api.withToken(key.token).request('post', '/lots', { body: deep, headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'deep-1' } });
    expect(res.status, res.text).toBe(400);
    expect(res.body).toMatchObject({ code: 'invalid_input', errors: [{ pointer: '', code: 'api.badJson' }] });
  });

  it('answers a crafted cursor on every list with a page or a 400, never a 500 (its key and id are only compared, within the caller\'s rows)', async () => {
    const supplierKey = await createTestApiKey(ctx(), demo('supplier_user').email);
    const distributorKey = await createTestApiKey(ctx(), demo('distributor_user').email);
    const cursor = (k: unknown, id: unknown) => Buffer.from(JSON.stringify({ k, id })).toString('base64url');
    const crafted = [cursor(12345, 'x'), cursor(-1e308, "'; DROP TABLE lots; --"), cursor(null, 'zz'), cursor('\u0000', '\u0000'), cursor('9999-12-31', '~')];
    const lists: [ApiClient, string][] = [
      [api.withToken(supplierKey.token), '/lots'],
      [api.withToken(supplierKey.token), '/lots?sort=expiry&order=desc'],
      [api.withToken(supplierKey.token), '/certificates'],
      [api.withToken(supplierKey.token), '/certificates?sort=valid_to'],
      [api.withToken(supplierKey.token), '/invoices'],
      [api.withToken(supplierKey.token), '/orders'],
      [api.withToken(supplierKey.token), '/items'],
      [api.withToken(distributorKey.token), '/recalls'],
      [api.withToken(distributorKey.token), '/shipments'],
      [api.withToken(distributorKey.token), '/items'],
    ];
    for (const [client, path] of lists) {
      for (const c of crafted) {
        const res = await client.get(`${path}${path.includes('?') ? '&' : '?'}cursor=${c}`);
        expect([200, 400], `${path} ${c}: ${res.text}`).toContain(res.status);
      }
    }
  });

  it('answers an unknown path under /api/v1 with problem+json 404', async () => {
    const key = await createTestApiKey(ctx(), demo('supplier_user').email);
    const res = await api.withToken(key.token).get('/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers.get('Content-Type')).toBe('application/problem+json');
  });
});
