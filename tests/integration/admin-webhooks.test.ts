// The ERP webhook admin pages (/admin/webhooks, /admin/webhooks/deliveries) against the real
// server on a fresh SQLite file, posted as a browser without JavaScript would: what a
// manufacturer administrator can do there, with the ERP played by a node:http receiver on
// 127.0.0.1 whose requests are verified with the independent `standardwebhooks` package; and
// that nobody else gets in (403 for the other roles, sign-in for anonymous visitors).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { liveWebhookSecrets } from '../../shared/webhooks/webhook-secrets.ts';
import { secretFingerprint } from '../../shared/webhooks/create-webhook-endpoint.ts';
import type { Db } from '../../shared/db/index.ts';
import type { RunningServer } from '../support/server.ts';
import { BrowserClient, openServerDb, signInDirectly, startBuiltServer } from '../support/portal.ts';
import { demo } from '../support/demo.ts';

const admin = demo('manufacturer_admin');
const outsiders = [demo('supplier_user'), demo('distributor_user'), demo('manufacturer_qa')];

interface Received {
  headers: Record<string, string>;
  body: string;
  json: { type: string; timestamp: string; data: Record<string, unknown> };
}

/** The ERP: answers 204 to every POST and keeps what it got. */
async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      received.push({ headers, body, json: JSON.parse(body) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/erp/lotbridge`,
    received,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/** The part of `html` from `start` up to `end` ('' when `start` is absent). */
function between(html: string, start: string, end: string): string {
  const from = html.indexOf(start);
  if (from < 0) return '';
  const to = html.indexOf(end, from);
  return html.slice(from, to < 0 ? undefined : to);
}

/** Polls until `probe` returns something truthy (bounded), for what the dispatcher does in the background. */
async function eventually<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A date-time as an <input type="datetime-local"> sends it (minutes, no zone; the pages read it as UTC). */
const localInput = (ms: number) => new Date(ms).toISOString().slice(0, 16);

/** A page's HTML without Svelte's hydration markers (<!--[-->, <!--]--> …), which sit between tags. */
const markup = (html: string) => html.replace(/<!--[\s\S]*?-->/g, '');

const countOf = async (db: Db, sql: string, args: (string | number)[] = []) => (await db.get<{ n: number }>(sql, args))!.n;

let server: RunningServer;
let db: Db;

beforeAll(async () => {
  server = await startBuiltServer();
  db = openServerDb(server);
});
afterAll(async () => {
  db?.close();
  await server?.stop();
});

describe('anonymous visitors', () => {
  it('are sent to sign in from every admin page, with the way back', async () => {
    const anonymous = new BrowserClient(server.url);
    for (const path of ['/admin/webhooks', '/admin/webhooks/deliveries']) {
      const res = await anonymous.get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location')).toBe(`/login?redirectTo=${encodeURIComponent(path)}`);
    }
  });

  it('cannot run an admin action: the post is redirected to sign-in and changes nothing', async () => {
    const anonymous = new BrowserClient(server.url);
    const res = await anonymous.postForm('/admin/webhooks?/create', { url: 'http://127.0.0.1:9/anonymous' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/login\?/);
    const test = await anonymous.postForm('/admin/webhooks?/test', {});
    expect(test.status).toBe(303);
    expect(await countOf(db, 'SELECT COUNT(*) AS n FROM webhook_endpoints')).toBe(0);
    expect(await countOf(db, "SELECT COUNT(*) AS n FROM outbox WHERE event_type = 'system.ping'")).toBe(0);
  });
});

describe.each(outsiders)('a $role ($email)', (user) => {
  let client: BrowserClient;
  beforeAll(async () => {
    client = new BrowserClient(server.url);
    await signInDirectly(client, db, user.email);
  });

  it('gets 403 on every admin page', async () => {
    for (const path of ['/admin/webhooks', '/admin/webhooks/deliveries', '/admin/webhooks/deliveries?state=exhausted']) {
      const res = await client.get(path);
      expect(res.status, path).toBe(403);
      const html = await res.text();
      expect(html).toContain('Your role does not allow this.');
      expect(html).not.toContain('whsec_');
    }
  });

  it('gets 403 on every admin action, and nothing changes', async () => {
    const before = await Promise.all([
      countOf(db, 'SELECT COUNT(*) AS n FROM webhook_endpoints'),
      countOf(db, 'SELECT COUNT(*) AS n FROM webhook_secrets'),
      countOf(db, 'SELECT COUNT(*) AS n FROM outbox'),
      countOf(db, "SELECT COUNT(*) AS n FROM audit_log WHERE action LIKE 'webhook%'"),
    ]);
    const posts: [string, Record<string, string>][] = [
      ['/admin/webhooks?/create', { url: 'http://127.0.0.1:9/outsider', description: 'not allowed' }],
      ['/admin/webhooks?/setState', { endpointId: 'ep_whatever', state: 'paused', reason: 'not allowed' }],
      ['/admin/webhooks?/rotate', { endpointId: 'ep_whatever', overlapHours: '24' }],
      ['/admin/webhooks?/setInternal', { endpointId: 'ep_whatever', internal: 'yes' }],
      ['/admin/webhooks?/test', {}],
      ['/admin/webhooks/deliveries?/replay', { deliveryId: '1' }],
      ['/admin/webhooks/deliveries?/replayRange', { endpointId: 'ep_whatever', from: '2026-01-01T00:00', to: '2036-01-01T00:00' }],
    ];
    for (const [path, fields] of posts) {
      const res = await client.postForm(path, fields);
      expect(res.status, path).toBe(403);
      expect(await res.text()).not.toContain('whsec_');
    }
    const after = await Promise.all([
      countOf(db, 'SELECT COUNT(*) AS n FROM webhook_endpoints'),
      countOf(db, 'SELECT COUNT(*) AS n FROM webhook_secrets'),
      countOf(db, 'SELECT COUNT(*) AS n FROM outbox'),
      countOf(db, "SELECT COUNT(*) AS n FROM audit_log WHERE action LIKE 'webhook%'"),
    ]);
    expect(after).toEqual(before);
  });

  it('sees no link to the admin pages, in the header or on the home page', async () => {
    for (const path of ['/home', '/audit']) {
      const res = await client.get(path);
      expect(res.status, path).toBe(200);
      const html = await res.text();
      expect(html, path).not.toContain('/admin/webhooks');
      expect(html, path).not.toContain('ERP webhooks');
    }
  });
});

describe('a manufacturer administrator', () => {
  let client: BrowserClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let endpointId: string;
  let secret: string;

  const page = async (path: string, status = 200) => {
    const res = await client.get(path);
    const html = markup(await res.text());
    expect(res.status, `${path}: ${html.slice(0, 300)}`).toBe(status);
    return html;
  };
  const post = async (path: string, fields: Record<string, string>, status = 200) => {
    const res = await client.postForm(path, fields);
    const html = markup(await res.text());
    expect(res.status, `${path}: ${html.slice(0, 300)}`).toBe(status);
    return html;
  };
  const pings = () => receiver.received.filter((r) => r.json.type === 'system.ping');
  const arrived = (webhookId: string, times = 1) =>
    eventually(`${times}× ${webhookId} at the receiver`, () => {
      const got = receiver.received.filter((r) => r.headers['webhook-id'] === webhookId);
      return got.length >= times ? got : undefined;
    });

  beforeAll(async () => {
    receiver = await startReceiver();
    client = new BrowserClient(server.url);
    await signInDirectly(client, db, admin.email);
  });
  afterAll(async () => {
    await receiver?.close();
  });

  it('finds the admin pages linked from the header and the home page', async () => {
    const html = await page('/home');
    // Links are relative in server-rendered pages (SvelteKit's paths.relative): "../admin/webhooks".
    expect(html).toMatch(/<nav aria-label="Main">(?:(?!<\/nav>)[\s\S])*<a href="[./]*admin\/webhooks">ERP webhooks<\/a>/);
    expect(html).toMatch(/<a href="[./]*admin\/webhooks">Manage the ERP webhook endpoints<\/a>/);
    expect(html).toMatch(/<a href="[./]*admin\/webhooks\/deliveries">Open the delivery log<\/a>/);
  });

  it('is told plainly that no endpoint is configured and how many events wait, and where the scripted settings are', async () => {
    // A test event before any endpoint exists: it waits, and the page says so.
    const sent = await post('/admin/webhooks?/test', {});
    expect(sent).toMatch(/role="status"[^>]*>\s*Test event msg_\w+ queued\. No endpoint is configured: it waits and will be delivered to the first endpoint you add\./);
    const waiting = await countOf(db, 'SELECT COUNT(*) AS n FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_position = o.position)');
    expect(waiting).toBeGreaterThanOrEqual(1);

    const html = await page('/admin/webhooks');
    expect(html).toContain('No ERP endpoint is configured.');
    expect(html).toContain(`Events waiting: ${waiting}. They are kept and will be delivered to the first endpoint you add.`);
    expect(html).toContain('<code>ERP_WEBHOOK_URL</code>');
    expect(html).toContain('<code>ERP_WEBHOOK_SECRET</code>');
    expect(await page('/home')).toContain(`No ERP endpoint is configured. Events waiting: ${waiting}.`);
  });

  it('refuses an endpoint URL that is not http(s), marking the field, and adds nothing', async () => {
    const html = await post('/admin/webhooks?/create', { url: 'ftp://erp.example.com/in', description: 'wrong scheme' }, 400);
    // The one problem is the message above the form too.
    expect(html).toMatch(/class="alert" role="alert"[^>]*>Enter an absolute http:\/\/ or https:\/\/ URL without a user name or password\./);
    expect(html).toMatch(/<input id="endpoint-url"[^>]*aria-invalid="true"/);
    expect(between(html, 'id="endpoint-url-problem"', '</p>')).toContain('Enter an absolute http:// or https:// URL without a user name or password.');
    expect(html).toContain('value="ftp://erp.example.com/in"');
    expect(await countOf(db, 'SELECT COUNT(*) AS n FROM webhook_endpoints')).toBe(0);
  });

  it('refuses an endpoint at a loopback, private or link-local address unless it is ticked internal, in English and Chinese', async () => {
    const html = await post('/admin/webhooks?/create', { url: receiver.url, description: 'not ticked' }, 400);
    expect(html).toMatch(/<input id="endpoint-url"[^>]*aria-invalid="true"/);
    expect(between(html, 'id="endpoint-url-problem"', '</p>')).toContain(
      '127.0.0.1 is an address inside a private network (127.0.0.1). Tick “Internal endpoint” only if this endpoint really is inside our own network.',
    );
    expect(html).toMatch(/<input type="checkbox" name="internal" value="yes"[^>]*>\s*Internal endpoint: this address is inside our own network/);
    client.cookies.set('lang', 'zh-CN');
    try {
      // 0xa9fea9fe is 169.254.169.254 (where cloud metadata lives), however it is written.
      const zh = await post('/admin/webhooks?/create', { url: 'http://0xa9fea9fe/latest/meta-data' }, 400);
      expect(between(zh, 'id="endpoint-url-problem"', '</p>')).toContain('169.254.169.254 是私有网络内的地址（169.254.169.254）');
    } finally {
      client.cookies.delete('lang');
    }
    expect(await countOf(db, 'SELECT COUNT(*) AS n FROM webhook_endpoints')).toBe(0);
  });

  it('adds an endpoint, is shown its secret once, and the waiting events are delivered to it', async () => {
    const waiting = await countOf(db, 'SELECT COUNT(*) AS n FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_position = o.position)');
    const html = await post('/admin/webhooks?/create', { url: receiver.url, description: 'SAP S/4 test system', internal: 'yes' });

    const row = await db.get<{ id: string; url: string; description: string; state: string; internal: number }>('SELECT id, url, description, state, internal FROM webhook_endpoints');
    expect(row).toMatchObject({ url: receiver.url, description: 'SAP S/4 test system', state: 'active', internal: 1 });
    const audited = await db.get<{ new_values: string }>("SELECT new_values FROM audit_log WHERE action = 'webhook_endpoint.created' AND entity_id = ?", [row!.id]);
    expect(JSON.parse(audited!.new_values)).toMatchObject({ url: receiver.url, internal: true });
    endpointId = row!.id;
    const created = between(html, 'data-testid="created-secret"', 'action="?/create"');
    secret = /<code class="secret-value" data-testid="secret">(whsec_[^<]+)<\/code>/.exec(created)![1]!;
    // At rest it is sealed with the key kept outside the database.
    const stored = (await db.get<{ secret: string }>('SELECT secret FROM webhook_secrets WHERE endpoint_id = ?', [endpointId]))!.secret;
    expect(stored).toMatch(/^sealed:v1:/);
    expect(stored).not.toContain(secret.slice('whsec_'.length, 20));
    expect((await liveWebhookSecrets(db, [endpointId], new Date().toISOString())).get(endpointId)).toEqual([secret]);

    expect(created).toContain(`Endpoint ${receiver.url} added.`);
    expect(created).toContain(`Waiting events now being delivered to it: ${waiting}.`);
    expect(created).toContain(`<code class="secret-value" data-testid="secret">${secret}</code>`);
    expect(created).toContain('Give this secret to the ERP');
    // The table lists it, active.
    expect(html).toMatch(new RegExp(`<th scope="row"><a class="mono" href="#ep-${endpointId}">${receiver.url}</a>`));

    // The ping that waited arrives, signed with that secret.
    await eventually('the waiting ping', () => pings()[0]);
    new Webhook(secret).verify(pings()[0]!.body, pings()[0]!.headers);

    // Shown once: the next visit has no "created" block and lists the secret by fingerprint only.
    const again = await page('/admin/webhooks');
    expect(again).not.toContain('data-testid="created-secret"');
    expect(again).not.toContain(secret);
    expect(again).toContain(`<code data-testid="secret-fingerprint">${secretFingerprint(secret)}</code>`);
    expect(again).not.toContain('No ERP endpoint is configured.');
  });

  it('sends a test event that the ERP receives as a verified system.ping', async () => {
    const html = await post('/admin/webhooks?/test', {});
    const webhookId = /Test event (msg_\w+) queued\. Endpoints that will receive it: 1\./.exec(html)?.[1];
    expect(webhookId, html.slice(0, 2000)).toBeDefined();
    const [got] = await arrived(webhookId!);
    expect(got!.json).toMatchObject({ type: 'system.ping', data: { message: 'Test event from Lotbridge', requestedBy: admin.displayName } });
    expect(new Webhook(secret).verify(got!.body, got!.headers)).toMatchObject({ type: 'system.ping' });
  });

  it('pauses the endpoint with a reason (events wait) and resumes it (they arrive)', async () => {
    const paused = await post('/admin/webhooks?/setState', { endpointId, state: 'paused', reason: 'ERP maintenance window' });
    expect(paused).toContain(`Endpoint ${receiver.url} paused: its deliveries wait until you resume it.`);
    expect(paused).toContain('Reason: ERP maintenance window');
    expect(await db.get('SELECT state, state_reason FROM webhook_endpoints WHERE id = ?', [endpointId])).toEqual({ state: 'paused', state_reason: 'ERP maintenance window' });

    const sent = await post('/admin/webhooks?/test', {});
    const webhookId = /Test event (msg_\w+) queued/.exec(sent)![1]!;
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.received.some((r) => r.headers['webhook-id'] === webhookId)).toBe(false);
    const card = between(await page('/admin/webhooks'), `id="ep-${endpointId}"`, '</section>');
    expect(card).toContain('<span class="badge state-paused" data-testid="endpoint-state">paused</span>');
    expect(card).toMatch(new RegExp(`<button type="submit" aria-describedby="ep-${endpointId}-title">Resume</button>`));

    const resumed = await post('/admin/webhooks?/setState', { endpointId, state: 'active' });
    expect(resumed).toContain(`Endpoint ${receiver.url} resumed.`);
    expect(await db.get('SELECT state FROM webhook_endpoints WHERE id = ?', [endpointId])).toEqual({ state: 'active' });
    await arrived(webhookId);
  });

  it('sees the endpoint marked internal, and cannot mark it external while its URL is on loopback', async () => {
    const html = await page('/admin/webhooks');
    expect(between(html, 'data-testid="endpoint-internal"', '</dd>')).toContain('Yes: it may be at a loopback or private address.');
    const refused = await post('/admin/webhooks?/setInternal', { endpointId, internal: 'no' }, 400);
    expect(between(refused, 'data-testid="internal-problem"', '</p>')).toContain('127.0.0.1 is an address inside a private network (127.0.0.1).');
    expect(await db.get('SELECT internal FROM webhook_endpoints WHERE id = ?', [endpointId])).toEqual({ internal: 1 });
  });

  it('rotates the secret: the new one is shown once, with until when the old one still signs', async () => {
    const refused = await post('/admin/webhooks?/rotate', { endpointId, overlapHours: '9999' }, 400);
    expect(refused).toContain('Enter a whole number of hours from 0 to 720.');

    const html = await post('/admin/webhooks?/rotate', { endpointId, overlapHours: '2' });
    const rows = await db.all<{ expires_at: string | null }>('SELECT expires_at FROM webhook_secrets WHERE endpoint_id = ? ORDER BY created_at', [endpointId]);
    const opened = (await liveWebhookSecrets(db, [endpointId], new Date().toISOString())).get(endpointId)!;
    const secrets = rows.map((r, i) => ({ secret: opened[i]!, expires_at: r.expires_at }));
    expect(secrets).toHaveLength(2);
    const [old, fresh] = secrets as [(typeof secrets)[0], (typeof secrets)[0]];
    expect(old.secret).toBe(secret);
    expect(fresh.expires_at).toBeNull();
    expect(Date.parse(old.expires_at!) - Date.now()).toBeGreaterThan(2 * 3_600_000 - 60_000);
    const block = between(html, 'data-testid="rotated-secret"', 'action="?/setState"');
    expect(block).toContain(`<code class="secret-value" data-testid="secret">${fresh.secret}</code>`);
    expect(block).toContain(`Until ${old.expires_at!.slice(0, 19).replace('T', ' ')} UTC every request carries two signatures`);

    // Deliveries now carry both signatures: the ERP verifies with either secret. (The
    // dispatcher re-reads secrets at most once a second, so the first second after a rotation
    // may still be signed with the old secret alone, which the ERP also accepts.)
    await new Promise((r) => setTimeout(r, 1_100));
    const sent = await post('/admin/webhooks?/test', {});
    const [got] = await arrived(/Test event (msg_\w+) queued/.exec(sent)![1]!);
    expect(got!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    new Webhook(old.secret).verify(got!.body, got!.headers);
    new Webhook(fresh.secret).verify(got!.body, got!.headers);
    secret = fresh.secret;
  });

  it('reads the delivery log with every attempt, filtered by a shareable GET query', async () => {
    const last = pings().at(-1)!;
    const webhookId = last.headers['webhook-id']!;
    await eventually('the last ping recorded as succeeded', () =>
      db.get("SELECT d.id FROM webhook_deliveries d JOIN outbox o ON o.position = d.event_position WHERE o.id = ? AND d.state = 'succeeded'", [webhookId]),
    );
    const html = await page(`/admin/webhooks/deliveries?endpoint=${endpointId}&state=succeeded&type=system.ping`);
    expect(html).toContain('<caption>Deliveries, newest first</caption>');
    // Newest first: the last ping's row comes before the earlier ones.
    const rows = [...html.matchAll(/<td[^>]*>(msg_\w+)<\/td>/g)].map((m) => m[1]);
    expect(rows[0]).toBe(webhookId);
    expect(rows).toHaveLength(pings().length);
    expect(html).toContain('<span class="badge state-succeeded">succeeded</span>');
    expect(html).toMatch(/<summary>Attempts of delivery \d+ \(1\)<\/summary>/);
    expect(html).toMatch(/<th scope="row">1<\/th>\s*<td[^>]*>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d<\/td>\s*<td[^>]*>204<\/td>/);
    // The filter form shows the query it came from.
    expect(html).toMatch(/<option value="succeeded" selected/);
    expect(html).toContain('value="system.ping"');

    const none = await page('/admin/webhooks/deliveries?state=exhausted');
    expect(none).toContain('No deliveries match.');
    const garbled = await page('/admin/webhooks/deliveries?from=yesterday');
    expect(garbled).toContain('A date-time filter could not be read and was ignored.');
  });

  it('makes exhausted deliveries stand out', async () => {
    // The dispatcher gives up only after days of retries: one delivery is marked so directly.
    const victim = (await db.get<{ id: number }>('SELECT MIN(id) AS id FROM webhook_deliveries'))!.id;
    await db.run("UPDATE webhook_deliveries SET state = 'exhausted', last_status = 503, last_error = 'HTTP 503' WHERE id = ?", [victim]);
    const html = await page('/admin/webhooks/deliveries');
    expect(html).toContain('Deliveries on this page that gave up after every retry: 1. Fix the endpoint, then replay them.');
    expect(html).toMatch(/<tbody class="delivery state-exhausted" data-testid="delivery" data-state="exhausted">/);
    expect(html).toContain('<span class="badge state-exhausted">exhausted: gave up</span>');
    expect(await page('/admin/webhooks')).toMatch(
      /<a class="bad" href="[./]*admin\/webhooks\/deliveries\?endpoint=ep_\w+&amp;state=exhausted" aria-label="Exhausted deliveries: 1\. Show them">1<\/a>/,
    );
    expect(await page('/home')).toContain('Deliveries that gave up after every retry: 1.');
  });

  it('replays one delivery: the ERP gets the same webhook-id again', async () => {
    const row = (await db.get<{ id: number; webhook_id: string }>(
      "SELECT d.id, o.id AS webhook_id FROM webhook_deliveries d JOIN outbox o ON o.position = d.event_position WHERE d.state = 'exhausted'",
    ))!;
    const before = receiver.received.filter((r) => r.headers['webhook-id'] === row.webhook_id).length;
    // Posted from a filtered log: the answer keeps the filter.
    const html = await post('/admin/webhooks/deliveries?state=exhausted&/replay', { deliveryId: String(row.id) });
    expect(html).toContain(`Delivery ${row.id} queued again.`);
    expect(html).toMatch(/<option value="exhausted" selected/);
    await arrived(row.webhook_id, before + 1);
    await eventually('the replayed delivery to succeed', () => db.get("SELECT id FROM webhook_deliveries WHERE id = ? AND state = 'succeeded'", [row.id]));

    const missing = await post('/admin/webhooks/deliveries?/replay', { deliveryId: '99999999' }, 404);
    expect(missing).toMatch(/role="alert"/);
  });

  it('replays a time range of one endpoint, and refuses a range that ends before it starts', async () => {
    const now = Date.now();
    const refused = await post('/admin/webhooks/deliveries?/replayRange', { endpointId, from: localInput(now), to: localInput(now - 3_600_000) }, 400);
    expect(refused).toContain('Enter two date-times, “from” before or at “to”.');
    const noEndpoint = await post('/admin/webhooks/deliveries?/replayRange', { endpointId: '', from: localInput(now - 3_600_000), to: localInput(now) }, 400);
    expect(noEndpoint).toContain('Choose one of the endpoints.');

    const inRange = await countOf(db, 'SELECT COUNT(*) AS n FROM webhook_deliveries WHERE endpoint_id = ?', [endpointId]);
    const received = receiver.received.length;
    const html = await post('/admin/webhooks/deliveries?/replayRange', { endpointId, from: localInput(now - 3_600_000), to: localInput(now + 60_000) });
    expect(html).toMatch(new RegExp(`role="status" data-testid="range-replayed">Deliveries queued again: ${inRange}\\.`));
    await eventually('every replayed event at the receiver', () => receiver.received.length >= received + inRange);
  });

  it('pages to older deliveries, keeping the filters', async () => {
    for (let i = 0; i < 50; i++) await post('/admin/webhooks?/test', {});
    const first = await page('/admin/webhooks/deliveries?type=system.ping');
    expect([...first.matchAll(/data-testid="delivery"/g)]).toHaveLength(50);
    const older = /<a href="[./]*(admin\/webhooks\/deliveries\?type=system.ping&amp;before=\d+)" rel="next">Older deliveries<\/a>/.exec(first)?.[1];
    expect(older, 'the "older" link').toBeDefined();
    const second = await page('/' + older!.replace(/&amp;/g, '&'));
    expect([...second.matchAll(/data-testid="delivery"/g)].length).toBeGreaterThan(0);
    expect(second).toContain('Newest deliveries');
    expect(second).not.toContain('Older deliveries');
  });
});
