// Background work claimed in the database, seen from two instances: two connections to one
// SQLite file, each with its own workers, as two `lotbridge serve` processes have. A periodic
// pass runs on one instance at a time and a dead holder's lease is taken over when it runs out;
// mail is sent once whichever instance claims it; every worker offers one awaited pass.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../shared/db/index.ts';
import { createLogger } from '../../shared/log.ts';
import { loadConfig } from '../../shared/config.ts';
import { queueMail } from '../../shared/mail/queue-mail.ts';
import { createMailSender } from '../../shared/mail/mail-sender.ts';
import { createMailTransport } from '../../shared/mail/mail-transport.ts';
import { createPeriodicTask } from '../../shared/scheduling/periodic-task.ts';
import { createBackgroundWork } from '../../shared/scheduling/background-work.ts';
import { LocalFileStorage } from '../../shared/files/local-file-storage.ts';
import { enqueueEvent } from '../../shared/outbox/enqueue-event.ts';
import { createWebhookEndpoint } from '../../shared/webhooks/create-webhook-endpoint.ts';
import { generateSecret } from '../../shared/webhooks/signature.ts';
import { createWebhookDispatcher } from '../../shared/webhooks/webhook-dispatcher.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { heldReceiver } from '../support/held-receiver.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.ts';
import { startReceiver, type Receiver } from '../support/webhook-receiver.ts';

const log = createLogger('error');
let t: TestDatabase;
let other: Db;
beforeEach(async () => {
  t = await testDatabase();
  // The second instance: its own connection to the same file (and the same key file beside it).
  other = openDb(t.url);
});
afterEach(() => {
  other.close();
  t.close();
});

describe('a periodic pass with a lease', () => {
  it('runs on one instance at a time; the other skips while it runs and may run it after', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let runs = 0;
    const pass = (db: Db, wait?: Promise<void>) =>
      createPeriodicTask({
        name: 'test pass',
        log,
        intervalMs: 60_000,
        lease: { db, clock: t.clock, name: 'test-pass' },
        task: async () => {
          runs++;
          await wait;
          return runs;
        },
      });
    const first = pass(t.db, held).runOnce();
    // Wait (bounded) until the first has taken the lease and is running.
    for (let i = 0; i < 200 && runs === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(runs).toBe(1);
    expect(await pass(other).runOnce()).toEqual({ ran: false, reason: 'held by another instance' });
    release();
    expect(await first).toEqual({ ran: true, result: 1 });
    // Given back at the end of the pass: the other instance runs the next one at once.
    expect(await pass(other).runOnce()).toEqual({ ran: true, result: 2 });
  });

  it('takes over the lease of an instance that died once its time has run out, and not before', async () => {
    const now = t.clock.now().getTime();
    await t.db.run("INSERT INTO background_leases (name, holder, lease_until) VALUES ('test-pass', 'instance_dead', ?)", [new Date(now + 60_000).toISOString()]);
    const task = createPeriodicTask({ name: 'test pass', log, intervalMs: 60_000, lease: { db: other, clock: t.clock, name: 'test-pass' }, task: async () => 'ran' });
    expect(await task.runOnce()).toEqual({ ran: false, reason: 'held by another instance' });
    t.clock.advance(60_000);
    expect(await task.runOnce()).toEqual({ ran: true, result: 'ran' });
    // Taken over, then given back at the end of the pass.
    expect(await t.db.all('SELECT name FROM background_leases')).toEqual([]);
  });
});

describe('a periodic pass that outlives its lease', () => {
  it('gives back only its own claim: a newer pass of the same instance (a cron run and an alarm on Workers) keeps the lease', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let started = 0;
    const pass = (db: Db, wait?: Promise<void>) =>
      createPeriodicTask({ name: 'test pass', log, intervalMs: 60_000, lease: { db, clock: t.clock, name: 'test-pass', leaseMs: 60_000 }, task: async () => { started++; await wait; return started; } });
    const old = pass(t.db, held).runOnce();
    for (let i = 0; i < 200 && started === 0; i++) await new Promise((r) => setTimeout(r, 5));
    // Its lease runs out while it still runs: the next pass of this same instance takes the lease.
    t.clock.advance(60_000);
    let releaseNewer!: () => void;
    const newerHeld = new Promise<void>((r) => (releaseNewer = r));
    const newer = pass(t.db, newerHeld).runOnce();
    for (let i = 0; i < 200 && started === 1; i++) await new Promise((r) => setTimeout(r, 5));
    expect(started).toBe(2);
    release();
    await old;
    // The old pass ended: the newer one still holds the lease, so another instance does not run beside it.
    expect(await pass(other).runOnce()).toEqual({ ran: false, reason: 'held by another instance' });
    releaseNewer();
    await newer;
    expect(await t.db.all('SELECT name FROM background_leases')).toEqual([]);
  });
});

describe('a webhook attempt that outlives its lease', () => {
  it("does not write its failure over the claim of the instance that took the delivery over", async () => {
    const receiver = await heldReceiver([500, 204]);
    try {
      const url = receiver.url;
      await createWebhookEndpoint(t.ctx, { type: 'system', name: 'test' }, { url, secret: generateSecret(), internal: true });
      await t.db.transaction((tx) => enqueueEvent(tx, t.clock, { type: 'lot.submitted', aggregateType: 'lot', aggregateId: 'lot_slow', organisationId: null, data: {} }));
      const [a, b] = [t.db, other].map((db) => createWebhookDispatcher({ db, clock: t.clock, log, timeoutMs: 10_000, leaseMs: 25_000 }));
      // A sends it; the receiver keeps its answer back past A's lease; B takes it over and sends it again.
      const passA = a!.runOnce();
      await receiver.arrivals(1);
      t.clock.advance(25_000);
      const passB = b!.runOnce();
      await receiver.arrivals(2);
      const bLease = new Date(t.clock.now().getTime() + 25_000).toISOString();
      const delivery = () => t.db.get<{ state: string; next_attempt_at: string; attempts: number }>('SELECT state, next_attempt_at, attempts FROM webhook_deliveries');
      expect(await delivery()).toMatchObject({ state: 'pending', next_attempt_at: bLease });
      // A's late 500: counted, but B's claim stands (no third instance sends it while B's attempt runs).
      receiver.answer(0);
      await passA;
      expect(await delivery()).toEqual({ state: 'pending', next_attempt_at: bLease, attempts: 1 });
      receiver.answer(1);
      await passB;
      expect(await delivery()).toMatchObject({ state: 'succeeded', attempts: 2 });
      a!.close();
      b!.close();
    } finally {
      await receiver.close();
    }
  });
});

describe('a mail attempt that outlives its lease', () => {
  it('does not write its failure over the claim of the instance that took the message over', async () => {
    const receiver = await heldReceiver([500, 200]);
    try {
      const config = loadConfig({ DATABASE_URL: t.url, MAIL_TRANSPORT: 'http', MAIL_API_URL: receiver.url, MAIL_API_TOKEN: 'test-token' });
      await t.db.transaction((tx) => queueMail(tx, t.clock, { to: 'buyer@example.test', cc: [], subject: 'Slow', text: 'Body', locale: 'en', purpose: 'certificate.expiry_reminder', organisationId: null }));
      const [a, b] = [t.db, other].map((db) => createMailSender({ db, clock: t.clock, log, transport: createMailTransport(config.mail), from: 'no-reply@lotbridge.test' }));
      // A sends it; the mail API keeps its answer back past A's lease (5 min); B takes it over.
      const passA = a!.runOnce();
      await receiver.arrivals(1);
      t.clock.advance(5 * 60_000);
      const passB = b!.runOnce();
      await receiver.arrivals(2);
      const bLease = new Date(t.clock.now().getTime() + 5 * 60_000).toISOString();
      const message = () => t.db.get<{ state: string; next_attempt_at: string | null; attempts: number }>('SELECT state, next_attempt_at, attempts FROM mail_messages');
      // A's late failure: counted, but B's claim stands.
      receiver.answer(0);
      await passA;
      expect(await message()).toEqual({ state: 'queued', next_attempt_at: bLease, attempts: 1 });
      receiver.answer(1);
      await passB;
      expect(await message()).toMatchObject({ state: 'sent', attempts: 2 });
      await Promise.all([a!.stop(), b!.stop()]);
    } finally {
      await receiver.close();
    }
  });
});

describe('mail from two instances', () => {
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  afterAll(() => smtp?.close());

  it('sends each queued message once, whichever instance claims it, with one attempt counted', async () => {
    smtp.received.length = 0;
    const mail = (n: number) => ({ to: `buyer${n}@example.test`, cc: [], subject: `Message ${n}`, text: `Body ${n}`, locale: 'en' as const, purpose: 'certificate.expiry_reminder' as const, organisationId: null });
    for (let n = 0; n < 40; n++) await t.db.transaction((tx) => queueMail(tx, t.clock, mail(n)));
    const senders = [t.db, other].map((db) => createMailSender({ db, clock: t.clock, log, smtpUrl: smtp.url, from: 'no-reply@lotbridge.test' }));
    const passes = await Promise.all(senders.map((s) => s.runOnce()));
    await Promise.all(senders.map((s) => s.stop()));
    expect(passes.reduce((n, p) => n + p.sent, 0)).toBe(40);
    const recipients = smtp.received.map((m) => m.to[0]).sort();
    expect(recipients).toHaveLength(40);
    expect(new Set(recipients).size).toBe(40);
    expect(await t.db.all('SELECT state, attempts, COUNT(*) AS n FROM mail_messages GROUP BY state, attempts')).toEqual([{ state: 'sent', attempts: 1, n: 40 }]);
  });
});

describe('the background work of an instance', () => {
  let receiver: Receiver;
  const secret = generateSecret();
  beforeAll(async () => {
    // The sender signs on the test's clock: the verifier checks the timestamp against it.
    receiver = await startReceiver({ secrets: () => [secret], now: () => t.clock.now() });
  });
  afterAll(() => receiver?.close());

  it('offers one awaited pass of every worker, which delivers what is due; two instances deliver each event once', async () => {
    await createWebhookEndpoint(t.ctx, { type: 'system', name: 'test' }, { url: receiver.url, secret, internal: true });
    for (let n = 0; n < 30; n++) {
      await t.db.transaction((tx) => enqueueEvent(tx, t.clock, { type: 'lot.submitted', aggregateType: 'lot', aggregateId: `lot_${n % 3}`, organisationId: null, data: { n } }));
    }
    const config = loadConfig({ DATABASE_URL: t.url });
    const work = [t.db, other].map((db) => createBackgroundWork({ db, clock: t.clock, policy: t.ctx.policy, config, log, files: new LocalFileStorage(t.dir) }, { portalUrl: 'http://localhost:1' }));
    const passes = await Promise.all(work.map((w) => w.runOnce()));
    await Promise.all(work.map((w) => w.stop()));
    for (const pass of passes) {
      expect(Object.keys(pass).sort()).toEqual(['as2', 'asyncMdns', 'auditCheck', 'certificateExpiry', 'edifact', 'mail', 'ordersToEdiPartners', 'recallFollowUps', 'scarReminders', 'webhooks']);
    }
    const attempts = passes.map((p) => (p.webhooks as { attempts: number }).attempts);
    expect(attempts[0]! + attempts[1]!).toBe(30);
    expect(receiver.arrivals).toHaveLength(30);
    expect(new Set(receiver.arrivals.map((a) => a.webhookId)).size).toBe(30);
    for (const lane of ['lot_0', 'lot_1', 'lot_2']) {
      expect(receiver.arrivals.filter((a) => a.event.data.aggregate.id === lane).map((a) => a.event.data.aggregate.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    }
  });
});
