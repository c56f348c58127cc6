// Outbound ERP bridge, end to end inside one process: a real SQLite file, the real dispatcher,
// real HTTP receivers on 127.0.0.1, and every delivery verified with `standardwebhooks`.
// The test clock is fixed: retries become due only when the test advances it, then
// `dispatcher.idle()` pumps until nothing is due and nothing is in flight.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/auth/actor.ts';
import type { Db } from '../../shared/db/index.ts';
import { createLogger } from '../../shared/log.ts';
import { enqueueEvent } from '../../shared/outbox/enqueue-event.ts';
import { validateEvent } from '../../shared/events/validate-event.ts';
import { createWebhookDispatcher, type WebhookDispatcher } from '../../shared/webhooks/webhook-dispatcher.ts';
import { createWebhookEndpoint, secretFingerprint } from '../../shared/webhooks/create-webhook-endpoint.ts';
import { rotateWebhookSecret } from '../../shared/webhooks/rotate-webhook-secret.ts';
import { setWebhookEndpointState } from '../../shared/webhooks/set-webhook-endpoint-state.ts';
import { setWebhookEndpointInternal } from '../../shared/webhooks/set-webhook-endpoint-internal.ts';
import { replayWebhookDeliveries } from '../../shared/webhooks/replay-webhook-deliveries.ts';
import { listWebhookDeliveries, type DeliveryView } from '../../shared/webhooks/list-webhook-deliveries.ts';
import { listWebhookEndpoints } from '../../shared/webhooks/list-webhook-endpoints.ts';
import { sendTestEvent } from '../../shared/webhooks/send-test-event.ts';
import { configureDefaultEndpoint } from '../../shared/webhooks/configure-default-endpoint.ts';
import { retryDelaysMs } from '../../shared/webhooks/retry-schedule.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { startReceiver, verifyWithStandardWebhooks, type Arrival, type Receiver, type ReceiverOptions } from '../support/webhook-receiver.ts';

const admin: Actor = {
  userId: 'usr_admin',
  email: 'ada@maker.test',
  displayName: 'Ada Admin',
  organisationId: 'org_maker',
  organisationName: 'Maker Medical',
  organisationKind: 'manufacturer',
  role: 'manufacturer_admin',
};
const supplierUser: Actor = { ...admin, userId: 'usr_sup', email: 'sam@supplier.test', displayName: 'Sam Supplier', organisationId: 'org_sup', organisationName: 'Supplier', organisationKind: 'supplier', role: 'supplier_user' };
const qaUser: Actor = { ...admin, userId: 'usr_qa', email: 'quinn@maker.test', displayName: 'Quinn QA', role: 'manufacturer_qa' };

const newSecret = () => 'whsec_' + randomBytes(24).toString('base64');

let t: TestDatabase;
let dispatcher: WebhookDispatcher | undefined;
let receivers: Receiver[];
let logged: { level: string; msg: string; [k: string]: unknown }[];

beforeEach(async () => {
  t = await testDatabase();
  dispatcher = undefined;
  receivers = [];
  logged = [];
});

afterEach(async () => {
  await dispatcher?.stop();
  for (const r of receivers) await r.close();
  t.close();
  // Every request any receiver got verified with standardwebhooks.
  for (const r of receivers) expect(r.rejected).toEqual([]);
});

type Erp = Receiver & { secrets: string[] };

/** A receiver that knows `secrets` (filled when an endpoint is created for it) and verifies on the test clock. */
async function erp(reply?: ReceiverOptions['reply']): Promise<Erp> {
  const secrets: string[] = [];
  const r = await startReceiver({ secrets: () => secrets, now: () => t.clock.now(), reply });
  receivers.push(r);
  return Object.assign(r, { secrets });
}

async function endpointFor(r: Erp, input: { secret?: string; description?: string } = {}) {
  const ep = await createWebhookEndpoint(t.ctx, admin, { url: r.url, internal: true, ...input });
  r.secrets.push(ep.secret);
  return ep;
}

function startDispatcher(options: { timeoutMs?: number; concurrency?: number } = {}): WebhookDispatcher {
  const log = createLogger('debug', {}, (line) => logged.push(JSON.parse(line)));
  dispatcher = createWebhookDispatcher({ db: t.db, clock: t.clock, log, timeoutMs: options.timeoutMs ?? 5_000, concurrency: options.concurrency });
  dispatcher.start();
  return dispatcher;
}

function emit(aggregateId: string, options: { type?: string; aggregateType?: string; data?: Record<string, unknown> } = {}) {
  return t.db.transaction((tx) =>
    enqueueEvent(tx, t.clock, {
      type: options.type ?? 'invoice.status_changed',
      aggregateType: options.aggregateType ?? 'invoice',
      aggregateId,
      organisationId: 'org_sup',
      data: options.data ?? { invoiceNumber: aggregateId.toUpperCase() },
    }),
  );
}

async function deliveries(filter: Parameters<typeof listWebhookDeliveries>[2] = {}): Promise<DeliveryView[]> {
  return (await listWebhookDeliveries(t.ctx, admin, { limit: 500, ...filter })).deliveries;
}

async function deliveryOf(webhookId: string, endpointId?: string): Promise<DeliveryView> {
  const found = (await deliveries({ endpointId })).filter((d) => d.webhookId === webhookId);
  expect(found).toHaveLength(1);
  return found[0]!;
}

const aggregateOf = (a: Arrival) => a.event.data.aggregate.id;
const sequencesOf = (r: Receiver, aggregateId: string) => r.arrivals.filter((a) => aggregateOf(a) === aggregateId).map((a) => a.event.data.aggregate.sequence);
const ms = (iso: string | null) => {
  if (iso === null) throw new Error('expected a next attempt time');
  return Date.parse(iso);
};
const headersOf = (a: Arrival) => Object.fromEntries(Object.entries(a.headers).filter(([, v]) => typeof v === 'string')) as Record<string, string>;

describe('delivery format and attempt records', () => {
  it('POSTs {type, timestamp, data + aggregate} with webhook-id = outbox id, verified by standardwebhooks, and records the attempt [REQ-WH-01]', async () => {
    const r = await erp(() => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'accepted by ERP' }));
    const ep = await endpointFor(r);
    const event = await emit('inv_1001', { type: 'invoice.submitted', data: { invoiceNumber: 'INV-1001', total: '12.50', currency: 'EUR' } });
    await startDispatcher().idle();

    expect(r.arrivals).toHaveLength(1);
    const a = r.arrivals[0]!;
    expect(a.method).toBe('POST');
    expect(a.path).toBe('/erp/events');
    expect(a.headers['content-type']).toBe('application/json');
    expect(a.webhookId).toBe(event.id);
    expect(a.webhookTimestamp).toBe(Math.floor(t.clock.now().getTime() / 1000));
    expect(a.signatures).toHaveLength(1);
    expect(a.signatures[0]).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
    expect(a.verifiedBy).toEqual([0]);
    const verified = verifyWithStandardWebhooks(ep.secret, a.body, headersOf(a), t.clock.now());
    expect(verified).toEqual({
      type: 'invoice.submitted',
      timestamp: '2026-03-02T09:00:00.000Z',
      data: { invoiceNumber: 'INV-1001', total: '12.50', currency: 'EUR', aggregate: { type: 'invoice', id: 'inv_1001', sequence: 1 } },
    });
    // The verifier is real: another secret, a tampered body or another id do not pass.
    expect(() => verifyWithStandardWebhooks(newSecret(), a.body, headersOf(a), t.clock.now())).toThrow(/No matching signature/);
    expect(() => verifyWithStandardWebhooks(ep.secret, a.body.replace('12.50', '99.50'), headersOf(a), t.clock.now())).toThrow(/No matching signature/);
    expect(() => verifyWithStandardWebhooks(ep.secret, a.body, { ...headersOf(a), 'webhook-id': 'msg_other' }, t.clock.now())).toThrow(/No matching signature/);

    const d = await deliveryOf(event.id);
    expect(d).toMatchObject({
      endpointId: ep.id,
      eventType: 'invoice.submitted',
      aggregate: 'invoice:inv_1001',
      sequence: 1,
      state: 'succeeded',
      attempts: 1,
      lastStatus: 200,
      lastError: null,
      completedAt: '2026-03-02T09:00:00.000Z',
    });
    expect(d.history).toEqual([{ attempt: 1, startedAt: '2026-03-02T09:00:00.000Z', status: 200, latencyMs: expect.any(Number), responseExcerpt: 'accepted by ERP', error: null }]);
    expect(d.history[0]!.latencyMs).toBeGreaterThan(0);
    const rows = await t.db.all('SELECT delivery_id, attempt, status, response_excerpt, error FROM webhook_attempts');
    expect(rows).toEqual([{ delivery_id: d.id, attempt: 1, status: 200, response_excerpt: 'accepted by ERP', error: null }]);
  });

  it('counts only 2xx as delivered: a 3xx (not followed) and a 4xx or 5xx are failed attempts with status and excerpt recorded', async () => {
    const elsewhere = await erp(); // knows no secret: any request reaching it would be rejected and fail the test
    const replies: Record<string, { status: number; headers?: Record<string, string>; body?: string }> = {
      inv_redirect: { status: 302, headers: { location: elsewhere.url }, body: 'moved' },
      inv_notmod: { status: 304 },
      inv_bad: { status: 400, headers: { 'content-type': 'application/json' }, body: '{"error":"unknown supplier"}' },
      inv_long: { status: 503, body: 'E'.repeat(5000) },
      inv_accepted: { status: 202, body: 'queued' },
      inv_created: { status: 201 },
    };
    let healed = false;
    const r = await erp((a) => (healed ? { status: 200 } : replies[aggregateOf(a)]!));
    await endpointFor(r);
    const ids: Record<string, string> = {};
    for (const agg of Object.keys(replies)) ids[agg] = (await emit(agg)).id;
    await startDispatcher().idle();

    expect(r.arrivals).toHaveLength(6);
    const failed = { inv_redirect: 302, inv_notmod: 304, inv_bad: 400, inv_long: 503 };
    for (const [agg, status] of Object.entries(failed)) {
      const d = await deliveryOf(ids[agg]!);
      expect(d, agg).toMatchObject({ state: 'pending', attempts: 1, lastStatus: status, lastError: `HTTP ${status}`, completedAt: null });
      expect(d.history).toEqual([expect.objectContaining({ attempt: 1, status, error: null })]);
    }
    expect((await deliveryOf(ids.inv_redirect!)).history[0]!.responseExcerpt).toBe('moved');
    expect((await deliveryOf(ids.inv_bad!)).history[0]!.responseExcerpt).toBe('{"error":"unknown supplier"}');
    expect((await deliveryOf(ids.inv_long!)).history[0]!.responseExcerpt).toBe('E'.repeat(512));
    expect(await deliveryOf(ids.inv_accepted!)).toMatchObject({ state: 'succeeded', attempts: 1, lastStatus: 202 });
    expect((await deliveryOf(ids.inv_accepted!)).history[0]!.responseExcerpt).toBe('queued');
    expect(await deliveryOf(ids.inv_created!)).toMatchObject({ state: 'succeeded', attempts: 1, lastStatus: 201 });
    expect(elsewhere.arrivals).toHaveLength(0);

    healed = true;
    t.clock.advance(5_500);
    await dispatcher!.idle();
    expect(r.arrivals).toHaveLength(10);
    for (const agg of Object.keys(failed)) {
      expect(await deliveryOf(ids[agg]!), agg).toMatchObject({ state: 'succeeded', attempts: 2, lastStatus: 200, lastError: null });
      expect(r.arrivals.filter((a) => a.webhookId === ids[agg]).length).toBe(2);
    }
    expect(elsewhere.arrivals).toHaveLength(0);
    const states = await t.db.all<{ state: string; n: number }>('SELECT state, COUNT(*) AS n FROM webhook_deliveries GROUP BY state');
    expect(states).toEqual([{ state: 'succeeded', n: 6 }]);
    expect((await t.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM webhook_attempts'))!.n).toBe(10);
  });
});

describe('ordering', () => {
  it('delivers each aggregate strictly in sequence under random answer delays while lanes run in parallel [REQ-WH-03]', async () => {
    const r = await erp(() => ({ status: 204, delayMs: 3 + Math.floor(Math.random() * 25) }));
    await endpointFor(r);
    const aggregates = ['inv_a', 'inv_b', 'inv_c', 'inv_d', 'inv_e', 'inv_f'];
    const perAggregate = 8;
    for (let i = 0; i < perAggregate; i++) for (const agg of aggregates) await emit(agg, { data: { step: i + 1 } });
    await startDispatcher({ concurrency: 4 }).idle();

    expect(r.arrivals).toHaveLength(aggregates.length * perAggregate);
    for (const agg of aggregates) {
      const mine = r.arrivals.filter((a) => aggregateOf(a) === agg);
      expect(mine.map((a) => a.event.data.aggregate.sequence), agg).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(mine.map((a) => a.event.data.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      // Only a lane's head is ever in flight: the next one arrives after the previous was answered.
      for (let i = 1; i < mine.length; i++) expect(mine[i]!.tick).toBeGreaterThan(mine[i - 1]!.answeredTick!);
    }
    // Different aggregates were in flight at the same time, never more than the configured concurrency.
    expect(r.maxOpen).toBeGreaterThan(1);
    expect(r.maxOpen).toBeLessThanOrEqual(4);
    const states = await t.db.all<{ state: string; n: number }>('SELECT state, COUNT(*) AS n FROM webhook_deliveries GROUP BY state');
    expect(states).toEqual([{ state: 'succeeded', n: 48 }]);
  });

  it('records a lane head and claims its successor in one write transaction: a lane of 3 events costs 4 commits, not 6', async () => {
    const r = await erp();
    await endpointFor(r);
    const events = [await emit('inv_t'), await emit('inv_t'), await emit('inv_t')];
    // The same database, its write transactions counted (a commit is the dear part of a delivery).
    let transactions = 0;
    const db: Db = { ...t.db, keys: t.db.keys, transaction: (work) => (transactions++, t.db.transaction(work)) };
    dispatcher = createWebhookDispatcher({ db, clock: t.clock, log: createLogger('warn', {}, () => {}), timeoutMs: 5_000 });
    dispatcher.start();
    await dispatcher.idle();

    expect(r.arrivals.map((a) => a.headers['webhook-id'])).toEqual(events.map((e) => e.id));
    // Claim the head; record it and claim the next, twice; record the last.
    expect(transactions).toBe(4);
    expect(await t.db.all('SELECT state, attempts FROM webhook_deliveries ORDER BY id')).toEqual(events.map(() => ({ state: 'succeeded', attempts: 1 })));
  });

  it('a failing head blocks its own lane and no other', async () => {
    let failing = true;
    const r = await erp((a) => (failing && aggregateOf(a) === 'inv_a' ? { status: 500, body: 'ERP posting error' } : { status: 204, delayMs: Math.floor(Math.random() * 5) }));
    await endpointFor(r);
    const a = [];
    for (let i = 0; i < 3; i++) {
      a.push(await emit('inv_a'));
      await emit('inv_b');
      if (i < 2) await emit('inv_c');
    }
    await startDispatcher().idle();

    expect(sequencesOf(r, 'inv_a')).toEqual([1]);
    expect(sequencesOf(r, 'inv_b')).toEqual([1, 2, 3]);
    expect(sequencesOf(r, 'inv_c')).toEqual([1, 2]);
    expect(await deliveryOf(a[0]!.id)).toMatchObject({ state: 'pending', attempts: 1, lastStatus: 500 });
    for (const e of a.slice(1)) expect(await deliveryOf(e.id)).toMatchObject({ state: 'pending', attempts: 0, nextAttemptAt: null });

    // More events for the blocked lane queue behind its head; other lanes keep flowing.
    a.push(await emit('inv_a'));
    await emit('inv_b');
    await dispatcher!.idle();
    expect(sequencesOf(r, 'inv_a')).toEqual([1]);
    expect(sequencesOf(r, 'inv_b')).toEqual([1, 2, 3, 4]);

    failing = false;
    t.clock.advance(5_500);
    await dispatcher!.idle();
    expect(sequencesOf(r, 'inv_a')).toEqual([1, 1, 2, 3, 4]);
    const firstA = r.arrivals.filter((x) => aggregateOf(x) === 'inv_a');
    expect(firstA[0]!.webhookId).toBe(firstA[1]!.webhookId);
    for (const e of a) expect(await deliveryOf(e.id)).toMatchObject({ state: 'succeeded' });
  });
});

describe('retries', () => {
  it('500: the next attempt is due 5 s later plus at most 10 % jitter, and happens once the clock gets there', async () => {
    let answer = 500;
    const r = await erp(() => ({ status: answer, body: answer === 500 ? 'boom' : 'ok' }));
    await endpointFor(r);
    const t0 = ms(t.clock.now().toISOString());
    const e = await emit('inv_r');
    await startDispatcher().idle();

    const d1 = await deliveryOf(e.id);
    expect(d1).toMatchObject({ state: 'pending', attempts: 1, lastStatus: 500, lastError: 'HTTP 500' });
    expect(d1.history).toEqual([expect.objectContaining({ attempt: 1, status: 500, responseExcerpt: 'boom', error: null })]);
    const delay = ms(d1.nextAttemptAt) - t0;
    expect(delay).toBeGreaterThanOrEqual(5_000);
    expect(delay).toBeLessThanOrEqual(5_500);

    // Not before it is due.
    await dispatcher!.idle();
    t.clock.advance(delay - 1);
    await dispatcher!.idle();
    expect(r.arrivals).toHaveLength(1);

    answer = 200;
    t.clock.advance(1);
    await dispatcher!.idle();
    expect(r.arrivals).toHaveLength(2);
    expect(r.arrivals[1]!.webhookId).toBe(e.id);
    expect(r.arrivals[1]!.body).toBe(r.arrivals[0]!.body);
    expect(r.arrivals[1]!.webhookTimestamp).toBe(Math.floor((t0 + delay) / 1000));
    const d2 = await deliveryOf(e.id);
    expect(d2).toMatchObject({ state: 'succeeded', attempts: 2, lastStatus: 200, lastError: null });
    expect(d2.history.map((h) => [h.attempt, h.status, h.startedAt])).toEqual([
      [1, 500, new Date(t0).toISOString()],
      [2, 200, new Date(t0 + delay).toISOString()],
    ]);
  });

  it('429 with Retry-After (seconds or an HTTP date) waits at least that long; a shorter Retry-After does not shorten the schedule', async () => {
    const t0 = ms(t.clock.now().toISOString());
    let limited = true;
    const retryAfter: Record<string, string> = {
      inv_seconds: '120',
      inv_date: new Date(t0 + 10 * 60_000).toUTCString(),
      inv_short: '1',
    };
    const r = await erp((a) => (limited ? { status: 429, headers: { 'retry-after': retryAfter[aggregateOf(a)]! }, body: 'slow down' } : { status: 204 }));
    await endpointFor(r);
    const ids: Record<string, string> = {};
    for (const agg of Object.keys(retryAfter)) ids[agg] = (await emit(agg)).id;
    await startDispatcher().idle();
    expect(r.arrivals).toHaveLength(3);

    const next = async (agg: string) => ms((await deliveryOf(ids[agg]!)).nextAttemptAt) - t0;
    expect(await next('inv_seconds')).toBeGreaterThanOrEqual(120_000);
    expect(await next('inv_seconds')).toBeLessThanOrEqual(132_000);
    expect(await next('inv_date')).toBeGreaterThanOrEqual(600_000);
    expect(await next('inv_date')).toBeLessThanOrEqual(660_000);
    expect(await next('inv_short')).toBeGreaterThanOrEqual(5_000);
    expect(await next('inv_short')).toBeLessThanOrEqual(5_500);
    expect((await deliveryOf(ids.inv_seconds!)).history[0]).toMatchObject({ status: 429, responseExcerpt: 'slow down' });

    limited = false;
    t.clock.advance(5_500);
    await dispatcher!.idle();
    expect(r.arrivals.map(aggregateOf)).toEqual(['inv_seconds', 'inv_date', 'inv_short', 'inv_short']);

    t.clock.set(new Date(t0 + (await next('inv_seconds')) - 1));
    await dispatcher!.idle();
    expect(r.arrivals).toHaveLength(4);
    t.clock.advance(1);
    await dispatcher!.idle();
    expect(r.arrivals.map(aggregateOf)).toEqual(['inv_seconds', 'inv_date', 'inv_short', 'inv_short', 'inv_seconds']);
    expect(await deliveryOf(ids.inv_seconds!)).toMatchObject({ state: 'succeeded', attempts: 2 });

    t.clock.set(new Date(t0 + (await next('inv_date')) - 1));
    await dispatcher!.idle();
    expect(r.arrivals).toHaveLength(5);
    t.clock.advance(1);
    await dispatcher!.idle();
    expect(r.arrivals).toHaveLength(6);
    expect(await deliveryOf(ids.inv_date!)).toMatchObject({ state: 'succeeded', attempts: 2 });
  });

  it('410 disables the endpoint: nothing more is sent until it is set active again, then the missed events follow in order', async () => {
    let gone = true;
    const r = await erp(() => (gone ? { status: 410, body: 'this endpoint was retired' } : { status: 204 }));
    const ep = await endpointFor(r);
    const first = await emit('inv_g');
    await startDispatcher().idle();
    expect(r.arrivals).toHaveLength(1);

    const listed = (await listWebhookEndpoints(t.ctx, admin)).endpoints.find((e) => e.id === ep.id)!;
    expect(listed.state).toBe('disabled');
    expect(listed.stateReason).toMatch(/410/);
    expect(logged.some((l) => l.level === 'warn' && /disabled/.test(l.msg))).toBe(true);
    expect(await t.db.all("SELECT actor_type, reason FROM audit_log WHERE action = 'webhook_endpoint.disabled' AND entity_id = ?", [ep.id])).toEqual([
      { actor_type: 'system', reason: 'the endpoint answered 410 Gone' },
    ]);
    expect(await deliveryOf(first.id)).toMatchObject({ state: 'pending', attempts: 1, lastStatus: 410 });

    // Events keep being committed; time passes; a test event is requested: nothing reaches the endpoint.
    t.clock.advance(60_000);
    const missed = [await emit('inv_g'), await emit('inv_h')];
    t.clock.advance(60_000);
    missed.push(await emit('inv_g'));
    const ping = await sendTestEvent(t.ctx, admin);
    expect(ping.endpoints).toBe(0);
    for (let i = 0; i < 4; i++) {
      t.clock.advance(6 * 3_600_000);
      await dispatcher!.idle();
    }
    expect(r.arrivals).toHaveLength(1);

    gone = false;
    await setWebhookEndpointState(t.ctx, admin, { endpointId: ep.id, state: 'active', reason: 'ERP team restored the endpoint' });
    await dispatcher!.idle();
    expect((await listWebhookEndpoints(t.ctx, admin)).endpoints.find((e) => e.id === ep.id)!.state).toBe('active');
    // The delivery that got the 410 (same webhook-id), the three events missed meanwhile and the ping.
    expect(r.arrivals.slice(1).map((a) => a.webhookId).sort()).toEqual([first.id, ...missed.map((m) => m.id), ping.webhookId].sort());
    expect(sequencesOf(r, 'inv_g')).toEqual([1, 1, 2, 3]);
    expect(sequencesOf(r, 'inv_h')).toEqual([1]);
    const pings = r.arrivals.filter((a) => a.event.type === 'system.ping');
    expect(pings).toHaveLength(1);
    expect((await deliveries({ state: 'pending' })).length).toBe(0);
  });

  it('events missed while disabled reach the endpoint on resume even if its URL was changed meanwhile (ERP_WEBHOOK_URL)', async () => {
    const secret = newSecret();
    const old = await erp(() => ({ status: 410 }));
    old.secrets.push(secret);
    expect(await configureDefaultEndpoint(t.ctx, { url: old.url, secret })).toBe('created');
    const first = await emit('inv_u');
    await startDispatcher().idle();
    const [ep] = (await listWebhookEndpoints(t.ctx, admin)).endpoints;
    expect(ep!.state).toBe('disabled');

    t.clock.advance(60_000);
    const missedBeforeMove = await emit('inv_u');
    t.clock.advance(60_000);
    // The operator points ERP_WEBHOOK_URL at the ERP's new address and restarts.
    const moved = await erp();
    moved.secrets.push(secret);
    expect(await configureDefaultEndpoint(t.ctx, { url: moved.url, secret })).toBe('updated');
    t.clock.advance(60_000);
    const missedAfterMove = await emit('inv_u');
    await setWebhookEndpointState(t.ctx, admin, { endpointId: ep!.id, state: 'active' });
    await dispatcher!.idle();

    expect.soft(moved.arrivals.map((a) => a.webhookId), 'webhook-ids delivered after the resume').toEqual([first.id, missedBeforeMove.id, missedAfterMove.id]);
    expect.soft(sequencesOf(moved, 'inv_u')).toEqual([1, 2, 3]);
    // An event that no endpoint will ever get shows up as "waiting for an endpoint" although one exists.
    expect.soft((await listWebhookEndpoints(t.ctx, admin)).waitingEvents, 'waitingEvents').toBe(0);
  });

  it('a hanging endpoint: the attempt ends at the timeout with the error recorded, and is retried', async () => {
    let hang = true;
    const r = await erp(() => (hang ? 'hang' : { status: 200, body: 'finally' }));
    await endpointFor(r);
    const e = await emit('inv_slow');
    const other = await emit('inv_fast');
    await startDispatcher({ timeoutMs: 300 }).idle();

    expect(r.arrivals.map(aggregateOf).sort()).toEqual(['inv_fast', 'inv_slow']);
    for (const id of [e.id, other.id]) {
      const d = await deliveryOf(id);
      expect(d).toMatchObject({ state: 'pending', attempts: 1, lastStatus: null, lastError: 'no answer within 300 ms' });
      expect(d.history).toEqual([expect.objectContaining({ attempt: 1, status: null, responseExcerpt: null, error: 'no answer within 300 ms' })]);
      expect(d.history[0]!.latencyMs).toBeGreaterThanOrEqual(290);
      const delay = ms(d.nextAttemptAt) - ms(t.clock.now().toISOString());
      expect(delay).toBeGreaterThanOrEqual(5_000);
      expect(delay).toBeLessThanOrEqual(5_500);
    }

    hang = false;
    t.clock.advance(5_500);
    await dispatcher!.idle();
    expect(r.arrivals).toHaveLength(4);
    expect(r.arrivals.filter((a) => a.webhookId === e.id)).toHaveLength(2);
    const d = await deliveryOf(e.id);
    expect(d).toMatchObject({ state: 'succeeded', attempts: 2, lastStatus: 200 });
    expect(d.history[1]).toMatchObject({ attempt: 2, status: 200, responseExcerpt: 'finally', error: null });
  });

  it('a refused connection is recorded as an error and retried', async () => {
    const r = await erp();
    const url = r.url;
    await r.close(); // nothing listens there any more
    const ep = await createWebhookEndpoint(t.ctx, admin, { url, internal: true });
    const e = await emit('inv_refused');
    await startDispatcher().idle();
    const d = await deliveryOf(e.id, ep.id);
    expect(d).toMatchObject({ state: 'pending', attempts: 1, lastStatus: null, lastError: 'ECONNREFUSED' });
    expect(d.history[0]).toMatchObject({ status: null, error: 'ECONNREFUSED', responseExcerpt: null });
    t.clock.advance(5_500);
    await dispatcher!.idle();
    expect(await deliveryOf(e.id, ep.id)).toMatchObject({ state: 'pending', attempts: 2, lastError: 'ECONNREFUSED' });
  });

  it('after the 10th failed attempt, stepped through the whole schedule, the delivery is exhausted, listed and counted, and its lane moves on', async () => {
    const r = await erp((a) => (a.event.data.aggregate.sequence === 1 ? { status: 500, body: `still failing ${a.tick}` } : { status: 204 }));
    const ep = await endpointFor(r);
    const doomed = await emit('inv_x');
    const behind = await emit('inv_x');
    await startDispatcher().idle();
    expect(r.arrivals).toHaveLength(1);

    for (let attempt = 2; attempt <= 10; attempt++) {
      const d = await deliveryOf(doomed.id);
      expect(d).toMatchObject({ state: 'pending', attempts: attempt - 1 });
      const now = ms(t.clock.now().toISOString());
      const delay = ms(d.nextAttemptAt) - now;
      const base = retryDelaysMs[attempt - 2]!;
      expect(delay, `delay before attempt ${attempt}`).toBeGreaterThanOrEqual(base);
      expect(delay, `delay before attempt ${attempt}`).toBeLessThanOrEqual(base * 1.1);
      t.clock.set(new Date(now + delay - 1));
      await dispatcher!.idle();
      expect(r.arrivals).toHaveLength(attempt - 1);
      t.clock.advance(1);
      await dispatcher!.idle();
      expect(r.arrivals.filter((a) => a.webhookId === doomed.id)).toHaveLength(attempt);
    }

    const d = await deliveryOf(doomed.id);
    expect(d).toMatchObject({ state: 'exhausted', attempts: 10, lastStatus: 500, lastError: 'HTTP 500', completedAt: t.clock.now().toISOString() });
    expect(d.history.map((h) => h.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(d.history.every((h) => h.status === 500)).toBe(true);
    expect((await deliveries({ state: 'exhausted' })).map((x) => x.webhookId)).toEqual([doomed.id]);
    expect(logged.some((l) => l.level === 'warn' && l.msg === 'webhook delivery exhausted' && l.webhookId === doomed.id)).toBe(true);
    // The event behind it in the same lane was released and delivered.
    expect(r.arrivals.at(-1)!.webhookId).toBe(behind.id);
    expect(await deliveryOf(behind.id)).toMatchObject({ state: 'succeeded', attempts: 1 });
    const listed = (await listWebhookEndpoints(t.ctx, admin)).endpoints.find((e) => e.id === ep.id)!;
    expect(listed.counts).toEqual({ pending: 0, succeeded: 1, exhausted: 1 });

    // Nothing more happens to an exhausted delivery.
    const before = r.arrivals.length;
    t.clock.advance(72 * 3_600_000);
    await dispatcher!.idle();
    expect(r.arrivals).toHaveLength(before);
  });
});

describe('secret rotation', () => {
  /** For each v1 signature of a delivery: which of `secrets` verify it when it is the only one sent. */
  function signers(a: Arrival, secrets: string[]): number[][] {
    return a.signatures.map((sig) =>
      secrets.flatMap((s, i) => {
        try {
          verifyWithStandardWebhooks(s, a.body, { ...headersOf(a), 'webhook-signature': sig }, new Date(a.webhookTimestamp * 1000));
          return [i];
        } catch {
          return [];
        }
      }),
    );
  }

  async function rotationSetUp(overlapHours = 2) {
    const oldSecret = newSecret();
    const r = await erp();
    const ep = await endpointFor(r, { secret: oldSecret });
    await emit('inv_s');
    await startDispatcher().idle();
    expect(signers(r.arrivals[0]!, [oldSecret])).toEqual([[0]]);
    t.clock.advance(60_000);
    const rotated = await rotateWebhookSecret(t.ctx, admin, { endpointId: ep.id, overlapHours });
    r.secrets.push(rotated.secret);
    return { r, ep, oldSecret, rotated };
  }

  it('signs with old and new secret during the overlap, each signature verifiable alone, then with the new one only [REQ-WH-01]', async () => {
    const { r, oldSecret, rotated } = await rotationSetUp();
    expect(rotated.oldExpiresAt).toBe(new Date(t.clock.now().getTime() + 2 * 3_600_000).toISOString());
    const secrets = (await listWebhookEndpoints(t.ctx, admin)).endpoints[0]!.secrets;
    expect(secrets.map((s) => [s.fingerprint, s.expiresAt])).toEqual([
      [secretFingerprint(rotated.secret), null],
      [secretFingerprint(oldSecret), rotated.oldExpiresAt],
    ]);
    const restartDispatcher = async () => {
      // A dispatcher that starts after the change (as after a deploy): this test is about what
      // is signed, the next one about a dispatcher that was running through the rotation.
      await dispatcher!.stop();
      startDispatcher();
    };

    await restartDispatcher();
    await emit('inv_s');
    await dispatcher!.idle();
    t.clock.advance(2 * 3_600_000 - 1_000); // still within the overlap
    await restartDispatcher();
    await emit('inv_s');
    await dispatcher!.idle();
    expect(r.arrivals).toHaveLength(3);
    for (const a of r.arrivals.slice(1)) {
      expect(a.signatures, `sequence ${a.event.data.aggregate.sequence}`).toHaveLength(2);
      expect(a.verifiedBy).toEqual([0, 1]);
      // Each signature verifies alone with exactly one secret; one is the old one's, one the new one's.
      expect(signers(a, [oldSecret, rotated.secret]).sort()).toEqual([[0], [1]]);
    }

    t.clock.advance(1_001); // the old secret has expired
    await restartDispatcher();
    await emit('inv_s');
    await dispatcher!.idle();
    const last = r.arrivals.at(-1)!;
    expect(last.event.data.aggregate.sequence).toBe(4);
    expect(last.signatures).toHaveLength(1);
    expect(last.verifiedBy).toEqual([1]);
    expect(() => verifyWithStandardWebhooks(oldSecret, last.body, headersOf(last), t.clock.now())).toThrow(/No matching signature/);
    expect((await listWebhookEndpoints(t.ctx, admin)).endpoints[0]!.secrets.map((s) => s.fingerprint)).toEqual([secretFingerprint(rotated.secret)]);
  });

  it('a dispatcher running through a rotation signs with the new secret too from the first delivery after it', async () => {
    const { r, oldSecret, rotated } = await rotationSetUp(2);
    await emit('inv_s');
    await dispatcher!.idle();
    const afterRotation = r.arrivals.at(-1)!;
    expect(afterRotation.event.data.aggregate.sequence).toBe(2);
    expect(signers(afterRotation, [oldSecret, rotated.secret]).sort(), 'signers of the first delivery after rotateWebhookSecret').toEqual([[0], [1]]);
  });

  it('an emergency rotation (overlap 0) stops the old secret at once, also in a running dispatcher', async () => {
    const { r, oldSecret, rotated } = await rotationSetUp(0);
    expect(rotated.oldExpiresAt).toBe(t.clock.now().toISOString());
    r.secrets.splice(0, 1); // the ERP drops the leaked secret
    await emit('inv_s');
    await dispatcher!.idle();
    expect(r.rejected.map((x) => x.reason), 'deliveries the ERP refused after the rotation').toEqual([]);
    const next = r.arrivals.at(-1)!;
    expect(next.event.data.aggregate.sequence).toBe(2);
    expect(signers(next, [oldSecret, rotated.secret]), 'signers of the first delivery after the rotation').toEqual([[1]]);
  });
});

describe('start-up configuration (ERP_WEBHOOK_URL / ERP_WEBHOOK_SECRET)', () => {
  it('keeps a rotation made in the portal, and lets a new secret from the environment overlap with the old ones', async () => {
    const envSecret = newSecret();
    const r = await erp();
    expect(await configureDefaultEndpoint(t.ctx, { url: r.url, secret: envSecret })).toBe('created');
    const [ep] = (await listWebhookEndpoints(t.ctx, admin)).endpoints;
    t.clock.advance(60_000);
    const rotated = await rotateWebhookSecret(t.ctx, admin, { endpointId: ep!.id, overlapHours: 24 });

    // A restart with the same environment: the environment's secret is still live (the old one
    // of the rotation), so the portal's rotation stands.
    expect(await configureDefaultEndpoint(t.ctx, { url: r.url, secret: envSecret })).toBe('unchanged');
    const live = (await listWebhookEndpoints(t.ctx, admin)).endpoints[0]!.secrets;
    expect(live.map((x) => x.fingerprint)).toEqual([rotated.secret, envSecret].map(secretFingerprint));

    // A restart with a brand-new secret: it signs from now on, the others for another day.
    const next = newSecret();
    t.clock.advance(60_000);
    expect(await configureDefaultEndpoint(t.ctx, { url: r.url, secret: next })).toBe('updated');
    const after = (await listWebhookEndpoints(t.ctx, admin)).endpoints[0]!.secrets;
    expect(after[0]).toMatchObject({ fingerprint: secretFingerprint(next), expiresAt: null });
    // The portal's current secret now ends a day from now; an earlier end is never extended.
    const byId = new Map(after.map((x) => [x.fingerprint, x.expiresAt]));
    expect(byId.get(secretFingerprint(rotated.secret))).toBe(new Date(t.clock.now().getTime() + 24 * 3_600_000).toISOString());
    expect(byId.get(secretFingerprint(envSecret))).toBe(rotated.oldExpiresAt);
  });
});

describe('endpoints inside our network (admin-entered URLs)', () => {
  it('refuses a loopback, private or link-local endpoint unless it is marked internal, as a coded field problem', async () => {
    const r = await erp();
    for (const url of [r.url, 'http://localhost:9/erp', 'http://10.0.0.8/erp', 'http://[::ffff:169.254.169.254]/erp', 'http://0x7f.1:9/erp']) {
      const refusal = await createWebhookEndpoint(t.ctx, admin, { url }).then(
        () => null,
        (e: unknown) => e as { code: string; problems: Record<string, { code: string; params: Record<string, string> }> },
      );
      expect(refusal, url).not.toBeNull();
      expect(refusal!.code).toBe('invalid_input');
      expect(refusal!.problems.url).toMatchObject({ code: 'net.internalAddress', params: { kind: expect.stringMatching(/^(loopback|private|link-local)$/) } });
      expect(refusal!.problems).toEqual({ url: refusal!.problems.url });
    }
    expect(await t.db.get('SELECT COUNT(*) AS n FROM webhook_endpoints')).toEqual({ n: 0 });
    // Ticked: stored with the mark, and the audit entry says so.
    const ep = await createWebhookEndpoint(t.ctx, admin, { url: r.url, internal: true });
    expect(await t.db.get('SELECT internal FROM webhook_endpoints WHERE id = ?', [ep.id])).toEqual({ internal: 1 });
    const audit = await t.db.get<{ new_values: string }>("SELECT new_values FROM audit_log WHERE action = 'webhook_endpoint.created' AND entity_id = ?", [ep.id]);
    expect(JSON.parse(audit!.new_values)).toMatchObject({ url: r.url, internal: true });
  });

  it('checks the address again on delivery: an endpoint not marked internal gets nothing at a loopback address', async () => {
    const r = await erp();
    const ep = await endpointFor(r);
    // As an endpoint saved before the check existed (migration 0021 leaves it external), or
    // whose name has since come to resolve inside.
    await t.db.run('UPDATE webhook_endpoints SET internal = 0 WHERE id = ?', [ep.id]);
    const e = await emit('inv_inside');
    await startDispatcher().idle();
    expect(r.arrivals).toHaveLength(0);
    const d = await deliveryOf(e.id, ep.id);
    expect(d).toMatchObject({ state: 'pending', attempts: 1, lastStatus: null });
    expect(d.lastError).toBe('not sent: 127.0.0.1 is a loopback address, and this endpoint is not marked internal');

    // Marked internal again, the retry goes through.
    await t.db.run('UPDATE webhook_endpoints SET internal = 1 WHERE id = ?', [ep.id]);
    t.clock.advance(5_500);
    await dispatcher!.idle();
    expect(r.arrivals.map((a) => a.webhookId)).toEqual([e.id]);
  });

  it('lets an administrator mark an existing endpoint internal (audited), and refuses to unmark one whose URL is inside', async () => {
    const r = await erp();
    const ep = await endpointFor(r);
    const refused = await setWebhookEndpointInternal(t.ctx, admin, { endpointId: ep.id, internal: false }).then(
      () => null,
      (e: unknown) => e as { code: string; problems: Record<string, { code: string }> },
    );
    expect(refused?.code).toBe('invalid_input');
    expect(refused?.problems.url?.code).toBe('net.internalAddress');
    expect(await t.db.get('SELECT internal FROM webhook_endpoints WHERE id = ?', [ep.id])).toEqual({ internal: 1 });

    // An endpoint from before the mark existed starts external: marking it lets deliveries through.
    await t.db.run('UPDATE webhook_endpoints SET internal = 0 WHERE id = ?', [ep.id]);
    await setWebhookEndpointInternal(t.ctx, admin, { endpointId: ep.id, internal: true });
    const audit = await t.db.get<{ old_values: string; new_values: string; actor_name: string }>(
      "SELECT old_values, new_values, actor_name FROM audit_log WHERE action = 'webhook_endpoint.marked_internal' AND entity_id = ?",
      [ep.id],
    );
    expect(JSON.parse(audit!.old_values)).toEqual({ url: r.url, internal: false });
    expect(JSON.parse(audit!.new_values)).toEqual({ url: r.url, internal: true });
    const e = await emit('inv_marked');
    await startDispatcher().idle();
    expect(r.arrivals.map((a) => a.webhookId)).toEqual([e.id]);
    await expect(setWebhookEndpointInternal(t.ctx, admin, { endpointId: 'ep_nope', internal: true })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('trusts the operator for ERP_WEBHOOK_URL: the start-up endpoint is marked internal', async () => {
    const r = await erp();
    expect(await configureDefaultEndpoint(t.ctx, { url: r.url, secret: newSecret() })).toBe('created');
    expect((await listWebhookEndpoints(t.ctx, admin)).endpoints[0]).toMatchObject({ url: r.url, internal: true });
  });
});

describe('replay, pause and resume', () => {
  it('re-sends one delivery, or an endpoint’s time range, with the same webhook-id; nothing while paused, all on resume', async () => {
    const r = await erp(() => ({ status: 204, delayMs: Math.floor(Math.random() * 4) }));
    const ep = await endpointFor(r);
    const t0 = t.clock.now().toISOString();
    const a1 = await emit('inv_a');
    const a2 = await emit('inv_a');
    const b1 = await emit('inv_b');
    t.clock.advance(60_000);
    const c1 = await emit('inv_c');
    t.clock.advance(60_000);
    const a3 = await emit('inv_a');
    await startDispatcher().idle();
    expect(r.arrivals).toHaveLength(5);
    const firstBody = new Map(r.arrivals.map((a) => [a.webhookId, a.body]));

    // One delivery.
    const b1Delivery = await deliveryOf(b1.id);
    expect(await replayWebhookDeliveries(t.ctx, admin, { deliveryId: b1Delivery.id })).toEqual({ replayed: 1 });
    await dispatcher!.idle();
    expect(r.arrivals).toHaveLength(6);
    expect(r.arrivals[5]!.webhookId).toBe(b1.id);
    expect(r.arrivals[5]!.body).toBe(firstBody.get(b1.id));
    expect(r.arrivals[5]!.verifiedBy).toEqual([0]);
    const b1After = await deliveryOf(b1.id);
    expect(b1After.state).toBe('succeeded');
    expect(b1After.history).toHaveLength(2);
    // Attempt numbers go on across a replay; the retry schedule starts over.
    expect(b1After.history.map((h) => h.attempt)).toEqual([1, 2]);
    expect(b1After.attempts).toBe(2);

    // A time range that holds only c1.
    const at = (offsetMs: number) => new Date(ms(t0) + offsetMs).toISOString();
    expect(await replayWebhookDeliveries(t.ctx, admin, { endpointId: ep.id, from: at(30_000), to: at(90_000) })).toEqual({ replayed: 1 });
    await dispatcher!.idle();
    expect(r.arrivals.slice(6).map((a) => a.webhookId)).toEqual([c1.id]);

    // The first minute: a1, a2, b1, with inv_a in order.
    expect(await replayWebhookDeliveries(t.ctx, admin, { endpointId: ep.id, from: t0, to: at(59_999) })).toEqual({ replayed: 3 });
    await dispatcher!.idle();
    const third = r.arrivals.slice(7);
    expect(third.map((a) => a.webhookId).sort()).toEqual([a1.id, a2.id, b1.id].sort());
    expect(third.filter((a) => aggregateOf(a) === 'inv_a').map((a) => a.webhookId)).toEqual([a1.id, a2.id]);

    // Paused: a replay queues but nothing is sent, whatever time passes.
    await setWebhookEndpointState(t.ctx, admin, { endpointId: ep.id, state: 'paused', reason: 'ERP maintenance' });
    expect((await listWebhookEndpoints(t.ctx, admin)).endpoints[0]).toMatchObject({ state: 'paused', stateReason: 'ERP maintenance' });
    expect(await replayWebhookDeliveries(t.ctx, admin, { endpointId: ep.id, from: t0, to: at(120_000) })).toEqual({ replayed: 5 });
    const a4 = await emit('inv_a');
    t.clock.advance(3_600_000);
    await dispatcher!.idle();
    expect(r.arrivals).toHaveLength(10);
    expect((await deliveries({ state: 'pending' })).length).toBe(6);

    // Resumed: everything goes, each aggregate in order, with the original ids and bodies.
    await setWebhookEndpointState(t.ctx, admin, { endpointId: ep.id, state: 'active' });
    await dispatcher!.idle();
    const resumed = r.arrivals.slice(10);
    expect(resumed).toHaveLength(6);
    expect(resumed.filter((a) => aggregateOf(a) === 'inv_a').map((a) => a.webhookId)).toEqual([a1.id, a2.id, a3.id, a4.id]);
    for (const a of resumed) if (a.webhookId !== a4.id) expect(a.body).toBe(firstBody.get(a.webhookId));
    expect((await deliveries({ state: 'pending' })).length).toBe(0);

    await expect(replayWebhookDeliveries(t.ctx, admin, { deliveryId: 999_999 })).rejects.toMatchObject({ code: 'not_found' });
    await expect(replayWebhookDeliveries(t.ctx, admin, { endpointId: ep.id, from: at(60_000), to: t0 })).rejects.toMatchObject({ code: 'invalid_input' });
  });
});

describe('no endpoint configured', () => {
  it('events wait and are counted; the first endpoint gets them all in order; a later endpoint only new ones', async () => {
    await startDispatcher().idle();
    const waiting = [];
    for (let i = 0; i < 3; i++) {
      waiting.push(await emit('inv_w'));
      if (i < 2) waiting.push(await emit('inv_v'));
    }
    await dispatcher!.idle();
    expect(await listWebhookEndpoints(t.ctx, admin)).toEqual({ endpoints: [], waitingEvents: 5 });

    const r1 = await erp(() => ({ status: 204, delayMs: Math.floor(Math.random() * 6) }));
    const ep1 = await endpointFor(r1);
    expect(ep1.backfilled).toBe(5);
    await dispatcher!.idle();
    expect(r1.arrivals.map((a) => a.webhookId).sort()).toEqual(waiting.map((w) => w.id).sort());
    expect(sequencesOf(r1, 'inv_w')).toEqual([1, 2, 3]);
    expect(sequencesOf(r1, 'inv_v')).toEqual([1, 2]);
    expect((await listWebhookEndpoints(t.ctx, admin)).waitingEvents).toBe(0);

    const r2 = await erp();
    const ep2 = await endpointFor(r2);
    expect(ep2.backfilled).toBe(0);
    const fresh = await emit('inv_w');
    await dispatcher!.idle();
    expect(r2.arrivals.map((a) => a.webhookId)).toEqual([fresh.id]);
    expect(r2.arrivals[0]!.event.data.aggregate.sequence).toBe(4);
    expect(r1.arrivals.at(-1)!.webhookId).toBe(fresh.id);
    const listed = await listWebhookEndpoints(t.ctx, admin);
    expect(listed.endpoints.map((e) => [e.id, e.counts])).toEqual([
      [ep1.id, { pending: 0, succeeded: 6, exhausted: 0 }],
      [ep2.id, { pending: 0, succeeded: 1, exhausted: 0 }],
    ]);
  });
});

describe('send test event', () => {
  it('puts a catalogue-valid system.ping through to every active endpoint and none to a disabled one', async () => {
    const r1 = await erp();
    const r2 = await erp(() => ({ status: 202 }));
    const r3 = await erp(() => ({ status: 410 }));
    for (const r of [r1, r2, r3]) await endpointFor(r);
    await emit('inv_p');
    await startDispatcher().idle();
    expect((await listWebhookEndpoints(t.ctx, admin)).endpoints.map((e) => e.state)).toEqual(['active', 'active', 'disabled']);

    const ping = await sendTestEvent(t.ctx, admin);
    expect(ping.endpoints).toBe(2);
    await dispatcher!.idle();
    for (const r of [r1, r2]) {
      const pings = r.arrivals.filter((a) => a.event.type === 'system.ping');
      expect(pings).toHaveLength(1);
      expect(pings[0]!.webhookId).toBe(ping.webhookId);
      const body = JSON.parse(pings[0]!.body);
      expect(validateEvent(body, 'outbound')).toMatchObject({ type: 'system.ping' });
      expect(body.data).toMatchObject({ requestedBy: admin.displayName, aggregate: { type: 'ping', sequence: 1 } });
      expect(typeof body.data.message).toBe('string');
    }
    expect(r3.arrivals.map((a) => a.event.type)).toEqual(['invoice.status_changed']);
    expect((await deliveries({ eventType: 'system.ping' })).map((d) => d.state)).toEqual(['succeeded', 'succeeded']);
    // The validation is not vacuous.
    const bad = JSON.parse(r1.arrivals.find((a) => a.event.type === 'system.ping')!.body);
    delete bad.data.message;
    expect(() => validateEvent(bad, 'outbound')).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });
});

describe('who may manage the bridge', () => {
  it('refuses a supplier user and a QA user with forbidden, and writes nothing', async () => {
    const r = await erp();
    const ep = await endpointFor(r);
    const auditBefore = (await t.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM audit_log'))!.n;
    for (const who of [supplierUser, qaUser]) {
      const calls: [string, () => Promise<unknown>][] = [
        ['createWebhookEndpoint', () => createWebhookEndpoint(t.ctx, who, { url: 'http://127.0.0.1:9/elsewhere' })],
        ['listWebhookDeliveries', () => listWebhookDeliveries(t.ctx, who)],
        ['replayWebhookDeliveries', () => replayWebhookDeliveries(t.ctx, who, { endpointId: ep.id, from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' })],
        ['listWebhookEndpoints', () => listWebhookEndpoints(t.ctx, who)],
        ['rotateWebhookSecret', () => rotateWebhookSecret(t.ctx, who, { endpointId: ep.id })],
        ['setWebhookEndpointState', () => setWebhookEndpointState(t.ctx, who, { endpointId: ep.id, state: 'paused' })],
        ['setWebhookEndpointInternal', () => setWebhookEndpointInternal(t.ctx, who, { endpointId: ep.id, internal: false })],
        ['sendTestEvent', () => sendTestEvent(t.ctx, who)],
      ];
      for (const [name, call] of calls) await expect(call(), `${who.role} ${name}`).rejects.toMatchObject({ name: 'AppError', code: 'forbidden' });
    }
    expect((await t.db.all('SELECT id FROM webhook_endpoints')).length).toBe(1);
    expect((await t.db.all('SELECT id FROM webhook_secrets')).length).toBe(1);
    expect((await t.db.all('SELECT position FROM outbox')).length).toBe(0);
    expect((await t.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM audit_log'))!.n).toBe(auditBefore);
    expect((await listWebhookEndpoints(t.ctx, admin)).endpoints[0]!.state).toBe('active');
  });
});
