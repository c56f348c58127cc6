// Two `lotbridge serve` processes on one SQLite file, as two instances behind a load balancer:
// events for the ERP are made through both (the admin's "send test event", half on each), plus
// ordered events of a few aggregates committed beside them, and a Standard Webhooks receiver
// (verifying with the independent `standardwebhooks` package) counts what arrives. Every event
// must arrive exactly once, each aggregate in order, the attempt counters must agree with the
// attempt rows, the audit trail must verify, and signing in must work on both. Then a dead
// instance's lease: one instance is killed (SIGKILL) while the receiver holds its delivery, and
// the other one delivers it after the lease runs out.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { systemClock } from '../../shared/clock.ts';
import { enqueueEvent } from '../../shared/outbox/enqueue-event.ts';
import { demo } from '../support/demo.ts';
import { BrowserClient, ensurePortalBuilt, openServerDb } from '../support/portal.ts';
import { runCli, startServer, tempDir, type RunningServer } from '../support/server.ts';
import { startReceiver, type Receiver } from '../support/webhook-receiver.ts';
import { join } from 'node:path';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, done: () => Promise<boolean> | boolean, polls = 1_200, everyMs = 100): Promise<void> {
  for (let i = 0; i < polls; i++) {
    if (await done()) return;
    await sleep(everyMs);
  }
  throw new Error(`gave up waiting (${polls} polls) for ${what}`);
}

async function kill9(server: RunningServer): Promise<void> {
  const child = server.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** Signs the demo admin in with the password, as a browser would (argon2 check included). */
async function signInAdmin(server: RunningServer): Promise<BrowserClient> {
  const client = new BrowserClient(server.url);
  const res = await client.signIn(demo('manufacturer_admin').email, demoPassword);
  expect(res.status, `sign-in on ${server.url}`).toBe(303);
  const home = await client.get('/admin/webhooks');
  expect(home.status, `the webhook admin page after signing in on ${server.url}`).toBe(200);
  return client;
}

describe('two instances on one database', () => {
  const folder = tempDir('lotbridge-two-instances-');
  const databaseUrl = `file:${join(folder.dir, 'lotbridge.db')}`;
  const secret = 'whsec_' + randomBytes(32).toString('base64');
  const servers: RunningServer[] = [];
  let receiver: Receiver;
  let db: Db;
  let env: Record<string, string>;

  beforeAll(async () => {
    await ensurePortalBuilt();
    receiver = await startReceiver({ secrets: () => [secret], reply: () => ({ status: 204, delayMs: Math.floor(Math.random() * 15) }) });
    // A short delivery timeout keeps the webhook lease (and so the takeover test) short.
    env = { ERP_WEBHOOK_URL: receiver.url, ERP_WEBHOOK_SECRET: secret, WEBHOOK_TIMEOUT_SECONDS: '2' };
    // The first instance migrates and seeds; the second starts on the same file and key file.
    servers.push(await startServer(env, { databaseUrl }));
    servers.push(await startServer(env, { databaseUrl }));
    db = openServerDb(servers[0]!);
  }, 240_000);

  afterAll(async () => {
    db?.close();
    for (const s of servers) await s.stop();
    await receiver?.close();
    folder.remove();
  });

  it('delivers every event exactly once, in order per aggregate, with attempts counted once; audit verifies; sign-in works on both', { timeout: 300_000 }, async () => {
    const [a, b] = servers as [RunningServer, RunningServer];
    const admins = [await signInAdmin(a), await signInAdmin(b)];

    // 300 test events through the portal, alternating between the instances, 6 requests at a time.
    const made: string[] = [];
    const posts = Array.from({ length: 300 }, (_, i) => i);
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        for (let i = posts.shift(); i !== undefined; i = posts.shift()) {
          const res = await admins[i % 2]!.postForm('/admin/webhooks?/test', {});
          expect(res.status, `test event ${i}`).toBeLessThan(400);
          made.push(String(i));
        }
      }),
    );
    expect(made).toHaveLength(300);
    // Ordered events: 4 aggregates, 15 events each, committed while both instances deliver.
    const lanes = ['lane_1', 'lane_2', 'lane_3', 'lane_4'];
    for (let n = 0; n < 15; n++) {
      for (const lane of lanes) {
        await db.transaction((tx) => enqueueEvent(tx, systemClock, { type: 'lot.submitted', aggregateType: 'lot', aggregateId: lane, organisationId: null, data: { n } }));
      }
    }

    const events = async () => (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM outbox'))!.n;
    expect(await events()).toBe(360);
    const pending = async () => (await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE state = 'pending'"))!.n;
    await waitFor('every delivery to complete', async () => (await pending()) === 0 && receiver.open === 0);
    // Anything still sent late would show here.
    await sleep(1_500);

    expect(receiver.rejected, 'deliveries that did not verify with standardwebhooks').toEqual([]);
    const perId = new Map<string, number>();
    for (const arrival of receiver.arrivals) perId.set(arrival.webhookId, (perId.get(arrival.webhookId) ?? 0) + 1);
    const twice = [...perId].filter(([, n]) => n > 1);
    const counted = await db.get<{ attempts: number; rows: number; deliveries: number }>(
      "SELECT (SELECT SUM(attempts) FROM webhook_deliveries) AS attempts, (SELECT COUNT(*) FROM webhook_attempts) AS rows, (SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'succeeded') AS deliveries",
    );
    console.log(
      `two instances: ${await events()} events, ${receiver.arrivals.length} POSTs for ${perId.size} webhook-ids, ${twice.length} sent more than once; ` +
        `webhook_attempts ${counted!.rows} rows, attempts summing to ${counted!.attempts}`,
    );
    expect(perId.size).toBe(360);
    expect(twice, 'webhook-ids POSTed more than once').toEqual([]);

    // Each aggregate's events arrived 1, 2, 3 … although both instances were delivering.
    for (const lane of lanes) {
      const sequences = receiver.arrivals.filter((x) => x.event.data.aggregate.id === lane).map((x) => x.event.data.aggregate.sequence);
      expect(sequences, `arrivals of ${lane}`).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    }

    // The counters agree with the attempt rows: no update was lost between the instances.
    expect(counted).toEqual({ attempts: receiver.arrivals.length, rows: receiver.arrivals.length, deliveries: 360 });

    const verify = await runCli(['audit', 'verify'], { DATABASE_URL: databaseUrl });
    expect(verify.stdout + verify.stderr).not.toMatch(/broken|does not verify/i);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);

    // Signing in still works on both after the load (a fresh session on each).
    await signInAdmin(a);
    await signInAdmin(b);
  });

  it('a killed instance’s delivery is taken over by the other once its lease runs out, sent once more with the same webhook-id', { timeout: 180_000 }, async () => {
    const [a, b] = servers as [RunningServer, RunningServer];
    // B is stopped for a moment so that A claims the delivery; the receiver holds it unanswered.
    await b.stop();
    servers.splice(1, 1);
    receiver.setReply(() => 'hang');
    const before = receiver.arrivals.length;
    const admin = await signInAdmin(a);
    expect((await admin.postForm('/admin/webhooks?/test', {})).status).toBeLessThan(400);
    await waitFor('the first instance to send the delivery', () => receiver.arrivals.length > before);
    const held = receiver.arrivals.at(-1)!;
    const claimed = await db.get<{ state: string; attempts: number; next_attempt_at: string }>(
      'SELECT d.state, d.attempts, d.next_attempt_at FROM webhook_deliveries d JOIN outbox o ON o.position = d.event_position WHERE o.id = ?',
      [held.webhookId],
    );
    expect(claimed).toMatchObject({ state: 'pending', attempts: 0 });
    await kill9(a);
    receiver.setReply(() => ({ status: 204 }));

    // Another instance on the same database takes the delivery over once the lease has run out.
    const c = await startServer(env, { databaseUrl });
    servers.push(c);
    await waitFor('the delivery to be taken over', () => receiver.arrivals.filter((x) => x.webhookId === held.webhookId).length === 2, 600);
    await waitFor('the taken-over delivery to be recorded', async () => {
      const row = await db.get<{ state: string }>('SELECT d.state FROM webhook_deliveries d JOIN outbox o ON o.position = d.event_position WHERE o.id = ?', [held.webhookId]);
      return row?.state === 'succeeded';
    });
    const again = receiver.arrivals.filter((x) => x.webhookId === held.webhookId);
    expect(again.map((x) => x.body)).toEqual([held.body, held.body]);
    // The claim held the delivery for longer than an attempt may take, and the takeover waited for it to run out.
    const leaseEnds = Date.parse(claimed!.next_attempt_at);
    expect(leaseEnds).toBeGreaterThanOrEqual(held.webhookTimestamp * 1000 + 2_000);
    expect(again[1]!.webhookTimestamp).toBeGreaterThanOrEqual(Math.floor(leaseEnds / 1000));
  });
});
