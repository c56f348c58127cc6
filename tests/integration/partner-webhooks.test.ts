// Partners' own webhook endpoints, end to end inside one process: a real SQLite file, the real
// use cases producing the events (certificate decisions, the ERP's invoice status, a recall's
// notices and their revision), the real dispatcher, real HTTP receivers on 127.0.0.1, and every
// delivery verified with the independent `standardwebhooks` package. Each partner gets exactly
// its own subscribed events, once, in its partner view; the ERP endpoint gets what it got before.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import dns from 'node:dns';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Actor } from '../../shared/auth/actor.ts';
import { demoPassword, seedDemo } from '../../shared/demo/seed-demo.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { approveCertificate } from '../../shared/certificates/approve-certificate.ts';
import { rejectCertificate } from '../../shared/certificates/reject-certificate.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { createRecall } from '../../shared/recalls/create-recall.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { issueNoticeRevision } from '../../shared/recalls/issue-notice-revision.ts';
import { createLogger } from '../../shared/log.ts';
import { createWebhookDispatcher, type WebhookDispatcher } from '../../shared/webhooks/webhook-dispatcher.ts';
import { createWebhookEndpoint } from '../../shared/webhooks/create-webhook-endpoint.ts';
import { listWebhookEndpoints } from '../../shared/webhooks/list-webhook-endpoints.ts';
import { listWebhookDeliveries } from '../../shared/webhooks/list-webhook-deliveries.ts';
import { sendTestEvent } from '../../shared/webhooks/send-test-event.ts';
import { createPartnerWebhookEndpoint } from '../../shared/webhooks/create-partner-webhook-endpoint.ts';
import { getPartnerWebhookEndpoint, listPartnerWebhookEndpoints } from '../../shared/webhooks/list-partner-webhook-endpoints.ts';
import { deletePartnerWebhookEndpoint } from '../../shared/webhooks/delete-partner-webhook-endpoint.ts';
import { rotatePartnerWebhookSecret } from '../../shared/webhooks/rotate-partner-webhook-secret.ts';
import { sendPartnerTestEvent } from '../../shared/webhooks/send-partner-test-event.ts';
import { findPartnerEventType } from '../../shared/webhooks/partner-events.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { actorFor } from '../support/actors.ts';
import { refusal } from '../support/refusal.ts';
import { submitTestCertificate } from '../support/records.ts';
import { startReceiver, type Receiver } from '../support/webhook-receiver.ts';

const rp = { id: 'localhost', name: 'Lotbridge', origin: 'http://localhost:3000' };
const portalUrl = 'http://portal.test';
const by = { type: 'system' as const, name: 'partner webhooks test' };
const infusionSet = '09506000134352';
const loopback = { allowLoopback: true };

type Hook = Receiver & { secrets: string[] };

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);

/** What a receiver got: [type, data] per arrival, each data valid against its partner schema. */
function partnerEvents(r: Hook): [string, Record<string, unknown>][] {
  return r.arrivals.map((a) => {
    const kind = findPartnerEventType(a.event.type);
    expect(kind, a.event.type).toBeDefined();
    const validate = ajv.compile(kind!.schema);
    expect(validate(a.event.data), `${a.event.type}: ${JSON.stringify(validate.errors)}`).toBe(true);
    return [a.event.type, a.event.data];
  });
}

describe('partner webhook endpoints', () => {
  let t: TestDatabase;
  let dispatcher: WebhookDispatcher;
  const receivers: Hook[] = [];
  const as: Record<'qa' | 'admin' | 'suzhou' | 'ningbo' | 'rhein' | 'alpen', Actor> = {} as never;
  const endpoint: Record<string, string> = {};
  let erp: Hook;
  let hook: Record<'suzhou' | 'ningbo' | 'rhein' | 'alpen', Hook>;

  async function receiver(): Promise<Hook> {
    const secrets: string[] = [];
    const r = await startReceiver({ secrets: () => secrets, now: () => t.clock.now() });
    receivers.push(Object.assign(r, { secrets }));
    return receivers.at(-1)!;
  }

  async function subscribe(who: keyof typeof hook, eventTypes: string[]): Promise<void> {
    const made = await createPartnerWebhookEndpoint(t.ctx, as[who], { url: hook[who].url, description: `${who} WMS`, eventTypes }, loopback);
    hook[who].secrets.push(made.secret);
    endpoint[who] = made.endpoint.id;
  }

  const delivered = () => dispatcher.idle();

  beforeAll(async () => {
    t = await testDatabase();
    await seedDemo(t.ctx);
    const ningbo = (await createOrganisation(t.ctx, by, { name: 'Ningbo Moulding Ltd.', kind: 'supplier', erpId: 'V-10077' })).id;
    await addUser(t.ctx, by, { email: 'quality@ningbo-moulding.example', displayName: 'Chen Gang', password: 'ningbo-supplier-pass', role: 'supplier_user', organisationId: ningbo });
    const alpen = (await createOrganisation(t.ctx, by, { name: 'Alpen Medizintechnik AG', kind: 'distributor', erpId: 'C-20002' })).id;
    await addUser(t.ctx, by, { email: 'einkauf@alpen-med.example', displayName: 'Anna Alpen', password: 'alpen-distributor-pass', role: 'distributor_user', organisationId: alpen });
    as.qa = await actorFor(t.db, 'qa@meridian-medical.example');
    as.admin = await actorFor(t.db, 'admin@meridian-medical.example');
    as.suzhou = await actorFor(t.db, 'supplier@suzhou-precision.example');
    as.ningbo = await actorFor(t.db, 'quality@ningbo-moulding.example');
    as.rhein = await actorFor(t.db, 'distributor@rhein-medical.example');
    as.alpen = await actorFor(t.db, 'einkauf@alpen-med.example');

    erp = await receiver();
    const erpEndpoint = await createWebhookEndpoint(t.ctx, as.admin, { url: erp.url, internal: true });
    erp.secrets.push(erpEndpoint.secret);
    endpoint.erp = erpEndpoint.id;
    hook = { suzhou: await receiver(), ningbo: await receiver(), rhein: await receiver(), alpen: await receiver() };
    await subscribe('suzhou', ['certificate.approved', 'certificate.rejected', 'invoice.status_changed']);
    await subscribe('ningbo', ['certificate.approved', 'certificate.rejected']);
    await subscribe('rhein', ['recall.notice_sent', 'recall.notice_revised', 'recall.reminder_sent']);
    await subscribe('alpen', ['recall.notice_sent', 'recall.notice_revised']);

    const log = createLogger('warn', {}, () => undefined);
    dispatcher = createWebhookDispatcher({ db: t.db, clock: t.clock, log, timeoutMs: 5_000 });
    dispatcher.start();
  });

  afterAll(async () => {
    await dispatcher?.stop();
    for (const r of receivers) await r.close();
    // Every request any receiver got verified with standardwebhooks.
    for (const r of receivers) expect(r.rejected).toEqual([]);
    t?.close();
  });

  it('a supplier gets its own certificate decisions, signed and in its partner view; another supplier and the distributors get none of them; the ERP gets everything as before', async () => {
    const mine = await submitTestCertificate(t.ctx, as.suzhou, t.dir, { number: 'SZ-13485-01', validTo: '2028-12-31' });
    const theirs = await submitTestCertificate(t.ctx, as.ningbo, t.dir, { number: 'NB-13485-01', validTo: '2028-12-31' });
    await approveCertificate(t.ctx, as.qa, rp, { certificateId: mine.id, recordHash: mine.recordHash, credential: { password: demoPassword } });
    await rejectCertificate(t.ctx, as.qa, rp, { certificateId: theirs.id, recordHash: theirs.recordHash, reason: 'The scope does not name the site.', credential: { password: demoPassword } });
    await delivered();

    const suzhou = partnerEvents(hook.suzhou);
    expect(suzhou.map(([type, d]) => [type, d.certificateId])).toEqual([['certificate.approved', mine.id]]);
    // Nothing of the manufacturer's own: the ERP number, the record hash, QA's signature, the aggregate.
    expect(Object.keys(suzhou[0]![1]).sort()).toEqual(
      ['certificateId', 'covers', 'decidedAt', 'file', 'issuer', 'number', 'scope', 'seriesId', 'state', 'submittedAt', 'type', 'validFrom', 'validTo', 'version'].sort(),
    );
    expect(hook.suzhou.arrivals[0]!.body).not.toMatch(/erpId|recordHash|signerName|V-10001|aggregate/);
    expect(partnerEvents(hook.ningbo).map(([type, d]) => [type, d.certificateId, d.reason])).toEqual([['certificate.rejected', theirs.id, 'The scope does not name the site.']]);
    expect(hook.rhein.arrivals).toEqual([]);
    expect(hook.alpen.arrivals).toEqual([]);

    // The ERP: the internal-only certificate.submitted too, with the whole payload and the aggregate sequence.
    expect(erp.arrivals.map((a) => [a.event.type, a.event.data.certificateId])).toEqual([
      ['certificate.submitted', mine.id],
      ['certificate.submitted', theirs.id],
      ['certificate.approved', mine.id],
      ['certificate.rejected', theirs.id],
    ]);
    expect(erp.arrivals[2]!.event.data).toMatchObject({ supplier: { erpId: 'V-10001' }, aggregate: { type: 'certificate', sequence: 2 } });
    // One outbox event, one webhook-id, whoever receives it.
    expect(hook.suzhou.arrivals[0]!.webhookId).toBe(erp.arrivals[2]!.webhookId);
  });

  it("the ERP's invoice status reaches the supplier's endpoint (and is never echoed to the ERP)", async () => {
    const before = erp.arrivals.length;
    await receiveErpEvent(t.ctx, {
      webhookId: 'msg_pw_inv_1',
      sentAt: Math.floor(t.clock.now().getTime() / 1000),
      body: {
        type: 'invoice.status_changed',
        timestamp: t.clock.now().toISOString(),
        data: { invoiceNumber: 'INV-SZ-9', supplier: { erpId: 'V-10001' }, status: 'disputed', reason: 'Quantity differs from the receipt', occurredAt: '2026-03-02T08:00:00Z' },
      },
    });
    await delivered();
    expect(partnerEvents(hook.suzhou).slice(1)).toEqual([
      ['invoice.status_changed', { invoiceId: null, invoiceNumber: 'INV-SZ-9', status: 'disputed', reason: 'Quantity differs from the receipt', occurredAt: '2026-03-02T08:00:00Z' }],
    ]);
    expect(hook.ningbo.arrivals).toHaveLength(1);
    expect(erp.arrivals.length).toBe(before);
  });

  it('each distributor gets its own recall notice and its revision, once; the other consignee and the suppliers get none of it', async () => {
    let n = 0;
    const ship = (erpId: string, lot: string, quantity: number) =>
      receiveErpEvent(t.ctx, {
        webhookId: `msg_pw_ship_${++n}`,
        sentAt: Math.floor(t.clock.now().getTime() / 1000),
        body: { type: 'shipment.dispatched', timestamp: t.clock.now().toISOString(), data: { shipmentNumber: `SH-PW-${n}`, distributor: { erpId }, dispatchedAt: '2026-02-10T08:00:00Z', lines: [{ gtin: infusionSet, lot, quantity }] } },
      });
    await ship('C-20001', 'L-A', 100);
    await ship('C-20002', 'L-B', 12);
    const recall = await createRecall(t.ctx, as.qa, rp, {
      recallNumber: 'FSCA-2026-PW1',
      classifications: [{ jurisdiction: 'US-FDA', type: 'recall', class: 'II' }],
      reason: 'Roller clamp may leak',
      hazard: 'Under-infusion',
      actions: ['quarantine', 'return'],
      products: [{ gtin: infusionSet, lots: ['L-A', 'L-B'] }],
      responseDeadline: '2026-03-12',
      effectivenessLevel: 'A',
      noticeLanguages: ['en'],
      credential: { password: demoPassword },
    });
    await delivered();
    const erpBefore = erp.arrivals.length;
    await sendRecallNotices(t.ctx, as.qa, { recallId: recall.recallId, portalUrl });
    // Delivered before the clock moves on: a jump past a claim's lease would have it sent again.
    await delivered();
    t.clock.advance(3_600_000);
    await issueNoticeRevision(t.ctx, as.qa, rp, { type: 'follow_up', change: 'Replacement clamps ship next week.', recallId: recall.recallId, portalUrl, credential: { password: demoPassword } });
    await delivered();

    const notices = await t.db.all<{ id: string; distributor_organisation_id: string }>('SELECT id, distributor_organisation_id FROM recall_notices WHERE recall_id = ?', [recall.recallId]);
    const noticeOf = (who: 'rhein' | 'alpen') => notices.find((x) => x.distributor_organisation_id === as[who].organisationId)!.id;
    for (const [who, lot, quantity] of [['rhein', 'L-A', 100], ['alpen', 'L-B', 12]] as const) {
      const events = partnerEvents(hook[who]);
      expect(events.map(([type, d]) => [type, d.noticeId])).toEqual([
        ['recall.notice_sent', noticeOf(who)],
        ['recall.notice_revised', noticeOf(who)],
      ]);
      expect(events[0]![1]).toMatchObject({ recallNumber: 'FSCA-2026-PW1', lots: [{ gtin: infusionSet, lot, quantityShipped: quantity }] });
      expect(events[1]![1]).toMatchObject({ recallNumber: 'FSCA-2026-PW1', revision: 2, type: 'follow_up', replyRequested: false, change: 'Replacement clamps ship next week.' });
      expect(hook[who].arrivals.map((a) => a.body).join('\n')).not.toMatch(/erpId|C-2000|recipients|consignees|signerName|aggregate/);
    }
    // The ERP: a notice per consignee and ONE revision event for the recall, as before; no partner-only copies.
    expect(erp.arrivals.slice(erpBefore).map((a) => a.event.type)).toEqual(['recall.notice_sent', 'recall.notice_sent', 'recall.notice_revised']);
    const sequences = erp.arrivals.filter((a) => a.event.data.aggregate.type === 'recall').map((a) => a.event.data.aggregate.sequence);
    expect(sequences).toEqual(sequences.map((_, i) => i + 1));
    expect(hook.suzhou.arrivals).toHaveLength(2);
    expect(hook.ningbo.arrivals).toHaveLength(1);
  });

  it('an endpoint not subscribed to a type does not get it, though the event concerns its organisation (and a partner-only event nobody subscribed to is not written)', async () => {
    const before = hook.ningbo.arrivals.length;
    const events = await t.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM outbox');
    await receiveErpEvent(t.ctx, {
      webhookId: 'msg_pw_inv_2',
      sentAt: Math.floor(t.clock.now().getTime() / 1000),
      body: { type: 'invoice.status_changed', timestamp: t.clock.now().toISOString(), data: { invoiceNumber: 'INV-NB-1', supplier: { erpId: 'V-10077' }, status: 'received', occurredAt: '2026-03-02T08:00:00Z' } },
    });
    await delivered();
    expect(hook.ningbo.arrivals.length).toBe(before);
    expect(await t.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM outbox')).toEqual(events);
  });

  it('lists and shows only its own organisation’s endpoints, with recent deliveries; another’s is not found', async () => {
    const list = await listPartnerWebhookEndpoints(t.ctx, as.suzhou);
    expect(list.endpoints.map((e) => e.id)).toEqual([endpoint.suzhou]);
    expect(list.endpoints[0]).toMatchObject({ url: hook.suzhou.url, state: 'active', counts: { pending: 0, succeeded: 2, exhausted: 0 } });
    const one = await getPartnerWebhookEndpoint(t.ctx, as.suzhou, endpoint.suzhou!);
    expect(one.deliveries.map((d) => [d.eventType, d.state, d.webhookId])).toEqual(hook.suzhou.arrivals.map((a) => [a.event.type, 'succeeded', a.webhookId]).reverse());
    for (const act of [
      () => getPartnerWebhookEndpoint(t.ctx, as.ningbo, endpoint.suzhou!),
      () => deletePartnerWebhookEndpoint(t.ctx, as.ningbo, endpoint.suzhou!),
      () => rotatePartnerWebhookSecret(t.ctx, as.ningbo, { endpointId: endpoint.suzhou! }),
      () => sendPartnerTestEvent(t.ctx, as.ningbo, endpoint.suzhou!),
      () => getPartnerWebhookEndpoint(t.ctx, as.ningbo, 'ep_nope'),
    ]) {
      expect((await refusal(act())).code).toBe('not_found');
    }
    // The manufacturer's roles manage the ERP's endpoints, not partners'.
    expect((await refusal(listPartnerWebhookEndpoints(t.ctx, as.qa))).code).toBe('forbidden');
    // And the admin pages list only the ERP's endpoints and deliveries.
    expect((await listWebhookEndpoints(t.ctx, as.admin)).endpoints.map((e) => e.url)).toEqual([erp.url]);
    const log = (await listWebhookDeliveries(t.ctx, as.admin, { limit: 500 })).deliveries;
    expect(log.length).toBe(erp.arrivals.length);
    expect(new Set(log.map((d) => d.endpointId))).toEqual(new Set([endpoint.erp]));
  });

  it('a test event reaches the one endpoint it was sent to, signed; the admin’s test event reaches only the ERP', async () => {
    const sent = await sendPartnerTestEvent(t.ctx, as.ningbo, endpoint.ningbo!);
    const admins = await sendTestEvent(t.ctx, as.admin);
    await delivered();
    expect(hook.ningbo.arrivals.at(-1)).toMatchObject({ webhookId: sent.webhookId, event: { type: 'system.ping', data: { message: 'Test event from Lotbridge' } } });
    expect(admins.endpoints).toBe(1);
    expect(erp.arrivals.at(-1)!.webhookId).toBe(admins.webhookId);
    expect(erp.arrivals.map((a) => a.webhookId)).not.toContain(sent.webhookId);
    for (const who of ['suzhou', 'rhein', 'alpen'] as const) expect(hook[who].arrivals.map((a) => a.event.type)).not.toContain('system.ping');
  });

  it('after a rotation deliveries carry the new signature beside the old one', async () => {
    const rotated = await rotatePartnerWebhookSecret(t.ctx, as.ningbo, { endpointId: endpoint.ningbo! });
    expect(rotated.secret).toMatch(/^whsec_/);
    hook.ningbo.secrets.push(rotated.secret);
    await sendPartnerTestEvent(t.ctx, as.ningbo, endpoint.ningbo!);
    await delivered();
    expect(hook.ningbo.arrivals.at(-1)!.verifiedBy).toEqual([0, 1]);
    const secrets = (await getPartnerWebhookEndpoint(t.ctx, as.ningbo, endpoint.ningbo!)).endpoint.secrets;
    expect(secrets).toHaveLength(2);
  });

  it('a deleted endpoint gets nothing more and is no longer listed; the ERP still gets everything', async () => {
    await deletePartnerWebhookEndpoint(t.ctx, as.suzhou, endpoint.suzhou!);
    const before = hook.suzhou.arrivals.length;
    const erpBefore = erp.arrivals.length;
    const again = await submitTestCertificate(t.ctx, as.suzhou, t.dir, { number: 'SZ-13485-02', validTo: '2029-12-31' });
    await approveCertificate(t.ctx, as.qa, rp, { certificateId: again.id, recordHash: again.recordHash, credential: { password: demoPassword } });
    await delivered();
    expect(hook.suzhou.arrivals.length).toBe(before);
    expect(erp.arrivals.slice(erpBefore).map((a) => a.event.type)).toEqual(['certificate.submitted', 'certificate.approved']);
    expect((await listPartnerWebhookEndpoints(t.ctx, as.suzhou)).endpoints).toEqual([]);
    expect((await refusal(getPartnerWebhookEndpoint(t.ctx, as.suzhou, endpoint.suzhou!))).code).toBe('not_found');
    expect((await refusal(deletePartnerWebhookEndpoint(t.ctx, as.suzhou, endpoint.suzhou!))).code).toBe('not_found');
  });

  it('refuses a URL a partner may not use: http, loopback (unless allowed for development), private and link-local addresses; a type not for its kind', async () => {
    const create = (url: string, rules = { allowLoopback: false }, eventTypes = ['certificate.approved']) =>
      refusal(createPartnerWebhookEndpoint(t.ctx, as.ningbo, { url, eventTypes }, rules));
    expect((await create('http://erp.example.com/hooks')).problems).toEqual({ url: { code: 'partnerWebhooks.httpsRequired' } });
    expect((await create('https://127.0.0.1:8443/hooks')).problems).toEqual({ url: { code: 'net.internalAddress', params: { host: '127.0.0.1', address: '127.0.0.1', kind: 'loopback' } } });
    expect((await create('https://10.1.2.3/hooks', loopback)).problems).toEqual({ url: { code: 'net.internalAddress', params: { host: '10.1.2.3', address: '10.1.2.3', kind: 'private' } } });
    expect((await create('https://169.254.169.254/latest', loopback)).problems?.url).toMatchObject({ code: 'net.internalAddress', params: { kind: 'link-local' } });
    expect((await create('https://[::1]/hooks')).problems?.url).toMatchObject({ code: 'net.internalAddress', params: { kind: 'loopback' } });
    expect((await create('ftp://files.example.com/')).problems).toEqual({ url: { code: 'webhooks.badUrl' } });
    const types = await create('https://erp.example.com/hooks', loopback, ['certificate.approved', 'recall.notice_sent', 'certificate.submitted']);
    expect(types.problems).toEqual({
      'eventTypes/1': { code: 'partnerWebhooks.notSubscribable', params: { type: 'recall.notice_sent' } },
      'eventTypes/2': { code: 'partnerWebhooks.notSubscribable', params: { type: 'certificate.submitted' } },
    });
    expect((await create('https://erp.example.com/hooks', loopback, [])).problems).toEqual({ eventTypes: { code: 'common.required' } });
    // Nothing was written.
    expect((await listPartnerWebhookEndpoints(t.ctx, as.ningbo)).endpoints).toHaveLength(1);
  });

  it('every act is audited under the partner user, and the trail verifies', async () => {
    const acts = await t.db.all<{ action: string; actor_id: string; organisation_id: string }>(
      "SELECT action, actor_id, organisation_id FROM audit_log WHERE entity_type IN ('webhook_endpoint', 'outbox_event') AND organisation_id = ? ORDER BY seq",
      [as.ningbo.organisationId],
    );
    expect(acts.map((a) => a.action)).toEqual(['webhook_endpoint.created', 'webhook.test_sent', 'webhook_endpoint.secret_rotated', 'webhook.test_sent']);
    expect(new Set(acts.map((a) => a.actor_id))).toEqual(new Set([as.ningbo.userId]));
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('never tells a partner what a name resolves to inside our network: not when it subscribes, not in its delivery log (DNS rebinding)', async () => {
    const inside = '10.20.30.40';
    const resolveTo = (address: string) => vi.spyOn(dns.promises, 'lookup').mockResolvedValue([{ address, family: 4 }] as never);
    const refusedName = resolveTo(inside);
    try {
      const refused = await refusal(createPartnerWebhookEndpoint(t.ctx, as.ningbo, { url: 'https://db.corp.internal/hooks', eventTypes: ['certificate.approved'] }, { allowLoopback: false }));
      expect(refused.problems?.url?.code).toBe('net.internalAddress');
      expect(JSON.stringify(refused.problems)).not.toContain(inside);
    } finally {
      refusedName.mockRestore();
    }
    // Public when subscribed, inside our network when delivered to.
    const publicThen = resolveTo('93.184.216.34');
    let made: Awaited<ReturnType<typeof createPartnerWebhookEndpoint>>;
    try {
      made = await createPartnerWebhookEndpoint(t.ctx, as.ningbo, { url: 'https://rebind.example.com/hooks', eventTypes: ['certificate.approved'] }, { allowLoopback: false });
    } finally {
      publicThen.mockRestore();
    }
    const insideNow = vi.spyOn(dns, 'lookup').mockImplementation(((host: string, options: unknown, callback: (e: null, a: dns.LookupAddress[]) => void) => callback(null, [{ address: inside, family: 4 }])) as never);
    try {
      await sendPartnerTestEvent(t.ctx, as.ningbo, made.endpoint.id);
      await delivered();
    } finally {
      insideNow.mockRestore();
    }
    const [attempt] = (await getPartnerWebhookEndpoint(t.ctx, as.ningbo, made.endpoint.id)).deliveries;
    expect(attempt).toMatchObject({ eventType: 'system.ping', state: 'pending', attempts: 1, lastStatus: null });
    expect(attempt!.lastError).toMatch(/rebind\.example\.com/);
    expect(attempt!.lastError).not.toContain(inside);
    await deletePartnerWebhookEndpoint(t.ctx, as.ningbo, made.endpoint.id);
  });
});
