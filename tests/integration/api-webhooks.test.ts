// /api/v1/webhooks on the real server (lotbridge serve, loopback HTTP, its own SQLite file and its
// own dispatcher): partners subscribe their endpoints with API keys, and the events the server
// delivers to real receivers verify with the independent `standardwebhooks` package. Every answer
// is checked against the served OpenAPI document by tests/support/api.ts.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import type { Actor } from '../../shared/auth/actor.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { approveCertificate } from '../../shared/certificates/approve-certificate.ts';
import type { RunningServer } from '../support/server.ts';
import { tempDir } from '../support/server.ts';
import { openServerDb, startBuiltServer } from '../support/portal.ts';
import { ApiClient, createTestApiKey } from '../support/api.ts';
import { actorFor } from '../support/actors.ts';
import { demo } from '../support/demo.ts';
import { submitTestCertificate } from '../support/records.ts';
import { waitFor } from '../support/wait.ts';
import { startReceiver, type Receiver } from '../support/webhook-receiver.ts';

const rp = { id: 'localhost', name: 'Lotbridge', origin: 'http://localhost:3000' };
const supplier = demo('supplier_user').email;
const ningboUser = 'quality@ningbo-moulding.example';

type Hook = Receiver & { secrets: string[] };

async function receiver(): Promise<Hook> {
  const secrets: string[] = [];
  return Object.assign(await startReceiver({ secrets: () => secrets }), { secrets });
}

interface Endpoint {
  id: string;
  url: string;
  eventTypes: string[];
  state: string;
  secret: string;
  secrets: { fingerprint: string }[];
  recentDeliveries: { webhookId: string; eventType: string; state: string }[];
}

describe('/api/v1/webhooks', () => {
  let server: RunningServer;
  let db: Db;
  let ctx: UseCaseContext;
  let uploads: { dir: string; remove(): void };
  let erp: Hook;
  let hooks: Hook[];
  let qa: Actor;
  const api: Record<'suzhou' | 'ningbo' | 'rhein' | 'readOnly' | 'noWebhooks' | 'revoked' | 'expired' | 'anonymous', ApiClient> = {} as never;

  /** Approves a new certificate of the organisation of `email`; resolves once the ERP got the approval. */
  async function approvedCertificate(email: string, number: string): Promise<string> {
    const actor = await actorFor(db, email);
    const c = await submitTestCertificate(ctx, actor, uploads.dir, { number, validTo: '2029-12-31' });
    await approveCertificate(ctx, qa, rp, { certificateId: c.id, recordHash: c.recordHash, credential: { password: demoPassword } });
    await waitFor(`the ERP's certificate.approved for ${number}`, () => erp.arrivals.find((a) => a.event.type === 'certificate.approved' && a.event.data.certificateId === c.id));
    return c.id;
  }

  async function subscribe(client: ApiClient, hook: Hook, eventTypes: string[], idempotencyKey = randomBytes(8).toString('hex')): Promise<Endpoint> {
    const made = await client.post<Endpoint>('/webhooks/endpoints', { url: hook.url, description: 'WMS', eventTypes }, { headers: { 'Idempotency-Key': idempotencyKey } });
    expect(made.status, made.text).toBe(201);
    hook.secrets.push(made.body.secret);
    return made.body;
  }

  beforeAll(async () => {
    erp = await receiver();
    erp.secrets.push('whsec_' + randomBytes(32).toString('base64'));
    hooks = [];
    server = await startBuiltServer({ ERP_WEBHOOK_URL: erp.url, ERP_WEBHOOK_SECRET: erp.secrets[0]!, PARTNER_WEBHOOKS_ALLOW_LOOPBACK: 'true' });
    db = openServerDb(server);
    ctx = { db, clock: systemClock, policy: defaultPolicy };
    uploads = tempDir('lotbridge-api-webhooks-');
    const by = { type: 'system' as const, name: 'api webhooks test' };
    const ningbo = (await createOrganisation(ctx, by, { name: 'Ningbo Moulding Ltd.', kind: 'supplier', erpId: 'V-10077' })).id;
    await addUser(ctx, by, { email: ningboUser, displayName: 'Chen Gang', password: 'ningbo-supplier-pass', role: 'supplier_user', organisationId: ningbo });
    qa = await actorFor(db, demo('manufacturer_qa').email);
    const client = (token?: string) => new ApiClient(server.url, token);
    api.suzhou = client((await createTestApiKey(ctx, supplier)).token);
    api.ningbo = client((await createTestApiKey(ctx, ningboUser)).token);
    api.rhein = client((await createTestApiKey(ctx, demo('distributor_user').email)).token);
    api.readOnly = client((await createTestApiKey(ctx, supplier, { scopes: ['webhooks:read'] })).token);
    api.noWebhooks = client((await createTestApiKey(ctx, supplier, { scopes: ['lots:write', 'certificates:read'] })).token);
    const revoked = await createTestApiKey(ctx, supplier);
    await db.run('UPDATE api_keys SET revoked_at = ? WHERE id = ?', [new Date().toISOString(), revoked.id]);
    api.revoked = client(revoked.token);
    const expired = await createTestApiKey(ctx, supplier);
    await db.run('UPDATE api_keys SET expires_at = ? WHERE id = ?', [new Date(Date.now() - 60_000).toISOString(), expired.id]);
    api.expired = client(expired.token);
    api.anonymous = client();
  });

  afterAll(async () => {
    db?.close();
    await server?.stop();
    for (const r of [erp, ...(hooks ?? [])]) await r?.close();
    uploads?.remove();
    // Every request any receiver got verified with standardwebhooks.
    for (const r of [erp, ...(hooks ?? [])]) expect(r?.rejected ?? []).toEqual([]);
  });

  it('lists the event types a supplier or a distributor may subscribe to, each with its data schema', async () => {
    const forSupplier = await api.suzhou.get<{ items: { type: string; dataSchema: object; example: object }[] }>('/webhooks/event-types');
    expect(forSupplier.status).toBe(200);
    expect(forSupplier.body.items.map((e) => e.type)).toEqual(['certificate.approved', 'certificate.rejected', 'certificate.expiring', 'certificate.expired', 'invoice.status_changed', 'lot.released', 'lot.rejected']);
    const forDistributor = await api.rhein.get<{ items: { type: string }[] }>('/webhooks/event-types');
    expect(forDistributor.body.items.map((e) => e.type)).toEqual(['recall.notice_sent', 'recall.notice_revised', 'recall.reminder_sent']);
    // The OpenAPI document's enum is the same list.
    const doc = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as { components: { schemas: Record<string, { enum?: string[] }> } };
    expect(doc.components.schemas.WebhookEventType!.enum).toEqual([...forSupplier.body.items, ...forDistributor.body.items].map((e) => e.type));
  });

  it('creates an endpoint once per Idempotency-Key: the retry answers the same endpoint and secret, one record, one audit entry', async () => {
    const hook = await receiver();
    hooks.push(hook);
    const first = await subscribe(api.suzhou, hook, ['certificate.approved', 'certificate.rejected'], 'create-suzhou-1');
    expect(first).toMatchObject({ url: hook.url, eventTypes: ['certificate.approved', 'certificate.rejected'], state: 'active', counts: { pending: 0, succeeded: 0, exhausted: 0 } });
    expect(first.secret).toMatch(/^whsec_/);
    const again = await api.suzhou.post<Endpoint>('/webhooks/endpoints', { url: hook.url, description: 'WMS', eventTypes: ['certificate.approved', 'certificate.rejected'] }, { headers: { 'Idempotency-Key': 'create-suzhou-1' } });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first);
    expect(await db.get('SELECT COUNT(*) AS n FROM webhook_endpoints WHERE url = ?', [hook.url])).toEqual({ n: 1 });
    expect(await db.get("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'webhook_endpoint.created' AND entity_id = ?", [first.id])).toEqual({ n: 1 });
    const audit = await db.get<{ actor_id: string }>("SELECT actor_id FROM audit_log WHERE action = 'webhook_endpoint.created' AND entity_id = ?", [first.id]);
    const keyUser = await db.get<{ kind: string }>('SELECT kind FROM users WHERE id = ?', [audit!.actor_id]);
    expect(keyUser).toEqual({ kind: 'api_key' });
  });

  it('the answer kept for an Idempotency-Key retry holds the signing secret sealed, never in clear (a copy of the database does not give it away)', async () => {
    const hook = await receiver();
    hooks.push(hook);
    const made = await subscribe(api.ningbo, hook, ['certificate.approved'], 'create-ningbo-sealed');
    const kept = await db.all<{ body: string | null }>("SELECT body FROM api_idempotency WHERE idempotency_key = 'create-ningbo-sealed'");
    expect(kept).toHaveLength(1);
    expect(kept[0]!.body).not.toContain(made.secret);
    expect(kept[0]!.body).toMatch(/^sealed:v1:/);
    // The retry still answers the secret.
    const again = await api.ningbo.post<Endpoint>('/webhooks/endpoints', { url: hook.url, description: 'WMS', eventTypes: ['certificate.approved'] }, { headers: { 'Idempotency-Key': 'create-ningbo-sealed' } });
    expect(again.body).toEqual(made);
    await api.ningbo.request('delete', `/webhooks/endpoints/${made.id}`);
  });

  it("a supplier's endpoint gets its own certificate.approved, signed and verifiable, never another supplier's; the ERP gets both", async () => {
    const [suzhouHook] = hooks;
    const ningboHook = await receiver();
    hooks.push(ningboHook);
    await subscribe(api.ningbo, ningboHook, ['certificate.rejected']);
    const mine = await approvedCertificate(supplier, 'SZ-API-1');
    await approvedCertificate(ningboUser, 'NB-API-1');
    const arrival = await waitFor("the supplier's certificate.approved", () => suzhouHook!.arrivals.find((a) => a.event.type === 'certificate.approved'));
    expect(arrival.event.data).toMatchObject({ certificateId: mine, state: 'approved', number: 'SZ-API-1' });
    expect(arrival.body).not.toMatch(/erpId|recordHash|signerName|aggregate/);
    expect(arrival.verifiedBy).toEqual([0]);
    expect(suzhouHook!.arrivals.map((a) => a.event.data.certificateId)).toEqual([mine]);
    // Ningbo subscribed only to rejections: its own approval is not sent to it either.
    expect(ningboHook.arrivals).toEqual([]);
  });

  it('lists only its own endpoints and shows one with its recent deliveries; another organisation’s endpoint is 404 for every operation', async () => {
    const [suzhouHook] = hooks;
    const list = await api.suzhou.get<{ items: Endpoint[]; nextCursor: null }>('/webhooks/endpoints');
    expect(list.status).toBe(200);
    expect(list.body.items.map((e) => e.url)).toEqual([suzhouHook!.url]);
    const id = list.body.items[0]!.id;
    const one = await waitFor('the delivery recorded', async () => {
      const got = await api.suzhou.get<Endpoint>(`/webhooks/endpoints/${id}`);
      return got.body.recentDeliveries[0]?.state === 'succeeded' ? got : undefined;
    });
    expect(one.body.recentDeliveries.map((d) => [d.eventType, d.webhookId])).toEqual([['certificate.approved', suzhouHook!.arrivals[0]!.webhookId]]);
    expect(one.body).not.toHaveProperty('secret');
    for (const [method, path] of [
      ['get', `/webhooks/endpoints/${id}`],
      ['delete', `/webhooks/endpoints/${id}`],
      ['post', `/webhooks/endpoints/${id}/rotate-secret`],
      ['post', `/webhooks/endpoints/${id}/test`],
    ] as const) {
      const answer = await api.ningbo.request(method, path);
      expect([method, path, answer.status]).toEqual([method, path, 404]);
    }
    expect((await api.ningbo.get<{ items: Endpoint[] }>('/webhooks/endpoints')).body.items.map((e) => e.url)).not.toContain(suzhouHook!.url);
  });

  it('refuses what a partner may not subscribe, with each problem pointing into the request', async () => {
    const refused = await api.suzhou.post<{ status: number; errors: { pointer: string; code: string }[] }>('/webhooks/endpoints', {
      url: 'https://10.20.30.40/hooks',
      eventTypes: ['certificate.approved', 'recall.notice_sent'],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e) => [e.pointer, e.code])).toEqual([
      ['/eventTypes/1', 'partnerWebhooks.notSubscribable'],
      ['/url', 'net.internalAddress'],
    ]);
    const metadata = await api.suzhou.post<{ errors: { pointer: string; code: string }[] }>('/webhooks/endpoints', { url: 'https://169.254.169.254/latest/meta-data', eventTypes: ['certificate.approved'] });
    expect(metadata.body.errors.map((e) => [e.pointer, e.code])).toEqual([['/url', 'net.internalAddress']]);
    const plain = await api.suzhou.post<{ errors: { pointer: string; code: string }[] }>('/webhooks/endpoints', { url: 'http://wms.example.com/hooks', eventTypes: ['certificate.approved'] });
    expect(plain.body.errors.map((e) => [e.pointer, e.code])).toEqual([['/url', 'partnerWebhooks.httpsRequired']]);
    const schema = await api.suzhou.post<{ status: number; errors: { pointer: string; code: string }[] }>('/webhooks/endpoints', { eventTypes: ['lot.submitted'] });
    expect(schema.status).toBe(400);
    expect(schema.body.errors.map((e) => e.pointer).sort()).toEqual(['/eventTypes/0', '/url']);
    expect(schema.body.errors.find((e) => e.pointer === '/url')!.code).toBe('common.required');
    expect((await api.suzhou.get<{ items: Endpoint[] }>('/webhooks/endpoints')).body.items).toHaveLength(1);
  });

  it('needs the webhooks scope (403), a live key (401: revoked, expired, none)', async () => {
    expect((await api.noWebhooks.get('/webhooks/endpoints')).status).toBe(403);
    expect((await api.noWebhooks.get('/webhooks/event-types')).status).toBe(403);
    expect((await api.readOnly.get('/webhooks/endpoints')).status).toBe(200);
    expect((await api.readOnly.post('/webhooks/endpoints', { url: 'https://wms.example.com/x', eventTypes: ['certificate.approved'] })).status).toBe(403);
    const [first] = (await api.readOnly.get<{ items: Endpoint[] }>('/webhooks/endpoints')).body.items;
    expect((await api.readOnly.request('delete', `/webhooks/endpoints/${first!.id}`)).status).toBe(403);
    expect((await api.revoked.get('/webhooks/endpoints')).status).toBe(401);
    expect((await api.expired.get('/webhooks/endpoints')).status).toBe(401);
    expect((await api.expired.post('/webhooks/endpoints', { url: 'https://wms.example.com/x', eventTypes: ['certificate.approved'] })).status).toBe(401);
    expect((await api.anonymous.get('/webhooks/endpoints')).status).toBe(401);
  });

  it('sends a test event to that endpoint alone, and after a rotation signs with both secrets', async () => {
    const [suzhouHook, ningboHook] = hooks;
    const [endpoint] = (await api.suzhou.get<{ items: Endpoint[] }>('/webhooks/endpoints')).body.items;
    const sent = await api.suzhou.post<{ webhookId: string }>(`/webhooks/endpoints/${endpoint!.id}/test`, undefined);
    expect(sent.status).toBe(202);
    const ping = await waitFor('the test event', () => suzhouHook!.arrivals.find((a) => a.webhookId === sent.body.webhookId));
    expect(ping.event).toMatchObject({ type: 'system.ping', data: { message: 'Test event from Lotbridge' } });
    const rotated = await api.suzhou.post<{ secret: string; previousSecretExpiresAt: string }>(`/webhooks/endpoints/${endpoint!.id}/rotate-secret?overlapHours=1`, undefined);
    expect(rotated.status).toBe(200);
    suzhouHook!.secrets.push(rotated.body.secret);
    const second = await api.suzhou.post<{ webhookId: string }>(`/webhooks/endpoints/${endpoint!.id}/test`, undefined);
    const signed = await waitFor('the second test event', () => suzhouHook!.arrivals.find((a) => a.webhookId === second.body.webhookId));
    expect(signed.verifiedBy).toEqual([0, 1]);
    expect(erp.arrivals.map((a) => a.webhookId)).not.toContain(sent.body.webhookId);
    expect(ningboHook!.arrivals.map((a) => a.event.type)).not.toContain('system.ping');
  });

  it('a retried test event or rotation (same Idempotency-Key) answers the first answer: one event, one secret, one audit entry each', async () => {
    const [endpoint] = (await api.suzhou.get<{ items: Endpoint[] }>('/webhooks/endpoints')).body.items;
    const audits = async (action: string) => (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM audit_log WHERE action = ?', [action]))!.n;
    const [tests, rotations, pings, secrets] = [await audits('webhook.test_sent'), await audits('webhook_endpoint.secret_rotated'), await db.get("SELECT COUNT(*) AS n FROM outbox WHERE event_type = 'system.ping'"), await db.get('SELECT COUNT(*) AS n FROM webhook_secrets WHERE endpoint_id = ?', [endpoint!.id])];
    const test = () => api.suzhou.post<{ webhookId: string }>(`/webhooks/endpoints/${endpoint!.id}/test`, undefined, { headers: { 'Idempotency-Key': 'ping-once' } });
    const rotate = () => api.suzhou.post<{ secret: string }>(`/webhooks/endpoints/${endpoint!.id}/rotate-secret`, undefined, { headers: { 'Idempotency-Key': 'rotate-once' } });
    const [t1, t2, r1, r2] = [await test(), await test(), await rotate(), await rotate()];
    expect([t1.status, t2.status, r1.status, r2.status]).toEqual([202, 202, 200, 200]);
    expect(t2.body).toEqual(t1.body);
    expect(r2.body).toEqual(r1.body);
    hooks[0]!.secrets.push(r1.body.secret);
    expect([await audits('webhook.test_sent'), await audits('webhook_endpoint.secret_rotated')]).toEqual([tests + 1, rotations + 1]);
    expect(await db.get("SELECT COUNT(*) AS n FROM outbox WHERE event_type = 'system.ping'")).toEqual({ n: (pings as { n: number }).n + 1 });
    expect(await db.get('SELECT COUNT(*) AS n FROM webhook_secrets WHERE endpoint_id = ?', [endpoint!.id])).toEqual({ n: (secrets as { n: number }).n + 1 });
    await waitFor('the retried test event, delivered once', () => hooks[0]!.arrivals.find((a) => a.webhookId === t1.body.webhookId));
  });

  it('a deleted endpoint gets nothing more and is gone from the list', async () => {
    const [suzhouHook] = hooks;
    const [endpoint] = (await api.suzhou.get<{ items: Endpoint[] }>('/webhooks/endpoints')).body.items;
    const deleted = await api.suzhou.request('delete', `/webhooks/endpoints/${endpoint!.id}`);
    expect(deleted.status).toBe(204);
    const before = suzhouHook!.arrivals.length;
    await approvedCertificate(supplier, 'SZ-API-2');
    // The ERP has it (waited for above); the deleted endpoint never got a delivery row for it.
    expect(await db.get('SELECT COUNT(*) AS n FROM webhook_deliveries WHERE endpoint_id = ? AND state = ?', [endpoint!.id, 'pending'])).toEqual({ n: 0 });
    expect(suzhouHook!.arrivals.length).toBe(before);
    expect((await api.suzhou.get<{ items: Endpoint[] }>('/webhooks/endpoints')).body.items).toEqual([]);
    expect((await api.suzhou.get(`/webhooks/endpoints/${endpoint!.id}`)).status).toBe(404);
  });
});
