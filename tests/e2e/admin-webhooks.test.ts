// The manufacturer administrator connects the ERP, in real Chromium against the real server
// (`lotbridge serve` on a fresh SQLite file with the demo seeded): signs in, opens the ERP
// webhook pages from the header, adds an endpoint that points at a receiver started here (a
// node:http server on 127.0.0.1 that answers 204 and keeps what it gets), sends a test event,
// and follows it to "succeeded" in the delivery log. Plus both pages on a phone.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { ensurePortalBuilt } from '../support/portal.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { elementsWiderThanViewport, horizontalOverflow, launchChromium, newVisitor, phone, postsForm, type Visitor, stepsInOrder, signInAsDemo, mainNav } from '../support/browser.ts';
import { demo } from '../support/demo.ts';

const admin = demo('manufacturer_admin');

interface Received {
  headers: Record<string, string>;
  body: string;
}

let server: RunningServer;
let browser: Browser;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];

beforeAll(async () => {
  await ensurePortalBuilt();
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])), body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((ok) => receiver.listen(0, '127.0.0.1', ok));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/erp/inbound`;
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise<void>((ok) => (receiver ? receiver.close(() => ok()) : ok()));
});

async function signInAsAdmin(page: Page): Promise<void> {
  await signInAsDemo(page, admin.email);
  await page.getByRole('heading', { level: 1, name: `Welcome, ${admin.displayName}` }).waitFor();
}

/** Waits (bounded) until `probe` finds something. */
async function eventually<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the administrator connects the ERP', () => {
  const step = stepsInOrder();

  let visitor: Visitor;
  let secret: string;
  let webhookId: string;

  beforeAll(async () => {
    visitor = await newVisitor(browser, server.url);
  });

  afterAll(async () => {
    expect(visitor.pageErrors.map(String)).toEqual([]);
    await visitor.context.close();
  });

  step('signs in and opens the ERP webhooks page from the header, which says that no endpoint is configured', async () => {
    const { page } = visitor;
    await signInAsAdmin(page);
    await (await mainNav(page, 'link', 'ERP webhooks')).click();
    await page.waitForURL((url) => url.pathname === '/admin/webhooks');
    await page.getByRole('heading', { level: 1, name: 'ERP webhooks' }).waitFor();
    expect(await page.getByTestId('waiting-events').textContent()).toMatch(/No ERP endpoint is configured\.\s+Events waiting: \d+\./);
    // The client-side router took the click, so the page is hydrated and its forms are enhanced.
    await page.waitForLoadState('networkidle');
  });

  step('adds an endpoint pointing at the receiver and is shown its signing secret', async () => {
    const { page } = visitor;
    const add = page.getByRole('region', { name: 'Add an endpoint' });
    await add.getByLabel('Endpoint URL').fill(receiverUrl);
    // The receiver is on loopback: only an endpoint ticked internal may be there.
    await add.getByLabel('Internal endpoint: this address is inside our own network').check();
    await add.getByLabel('Description (optional)').fill('Receiver in the browser test');
    await postsForm(page, '/admin/webhooks', () => add.getByRole('button', { name: 'Add endpoint' }).click());

    const created = page.getByRole('status').filter({ hasText: `Endpoint ${receiverUrl} added.` });
    await created.waitFor();
    secret = (await created.locator('code').textContent())!;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(await created.textContent()).toContain('Give this secret to the ERP');
    // Enhanced: the page stayed where it was, the form was emptied, and the table lists the endpoint.
    expect(new URL(page.url()).search).toBe('');
    expect(await add.getByLabel('Endpoint URL').inputValue()).toBe('');
    const table = page.getByRole('table', { name: 'ERP endpoints with their deliveries' });
    const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: receiverUrl }) });
    await row.waitFor();
    expect(await row.getByText('active', { exact: true }).count()).toBe(1);
    expect(await page.getByTestId('waiting-events').count()).toBe(0);
    // The endpoint's card lists the secret by fingerprint only: it was shown once, above.
    const card = page.getByRole('region', { name: receiverUrl });
    await card.getByText(/^Current signing secrets \(1;/).click();
    const fingerprint = await card.locator('details code').textContent();
    expect(fingerprint).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(await card.textContent()).not.toContain(secret);
  });

  step('sends a test event, which the receiver gets as a verified system.ping', async () => {
    const { page } = visitor;
    await postsForm(page, '/admin/webhooks', () => page.getByRole('button', { name: 'Send test event' }).click());
    const sent = page.getByRole('status').filter({ hasText: /^\s*Test event msg_\w+ queued\. Endpoints that will receive it: 1\./ });
    await sent.waitFor();
    webhookId = /msg_\w+/.exec((await sent.textContent())!)![0];

    const got = await eventually(`the ping ${webhookId} at the receiver`, () => received.find((r) => r.headers['webhook-id'] === webhookId));
    expect(new Webhook(secret).verify(got.body, got.headers)).toMatchObject({ type: 'system.ping', data: { message: 'Test event from Lotbridge' } });
  });

  step('finds the test event succeeded in the delivery log, with its attempt', async () => {
    const { page } = visitor;
    await page.getByRole('link', { name: 'Follow it in the delivery log' }).click();
    await page.waitForURL((url) => url.pathname === '/admin/webhooks/deliveries' && url.searchParams.get('type') === 'system.ping');
    await page.getByRole('heading', { level: 1, name: 'Webhook delivery log' }).waitFor();
    expect(await page.getByLabel('Event type').inputValue()).toBe('system.ping');

    const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: webhookId, exact: true }) });
    // The receiver has answered; the dispatcher records that just after. Reload until shown (bounded).
    for (let i = 0; ; i++) {
      await row.waitFor();
      if ((await row.getByText('succeeded', { exact: true }).count()) === 1) break;
      if (i >= 20) throw new Error(`the delivery of ${webhookId} is still "${await row.textContent()}"`);
      await page.waitForTimeout(250);
      await page.reload();
    }
    expect(await row.getByRole('rowheader').textContent()).toContain('Test event');

    const history = page.getByRole('group').filter({ has: page.getByText(/^Attempts of delivery \d+ \(1\)$/) });
    await history.getByText(/^Attempts of delivery \d+ \(1\)$/).click();
    const attempts = history.getByRole('table');
    await attempts.waitFor();
    expect(await attempts.getByRole('cell', { name: '204', exact: true }).count()).toBe(1);
  });

  step('filters the log with the GET form, so the filtered view is a shareable address', async () => {
    const { page } = visitor;
    await page.getByLabel('State', { exact: true }).selectOption({ label: 'exhausted: gave up' });
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('state') === 'exhausted');
    expect(new URL(page.url()).searchParams.get('type')).toBe('system.ping');
    await page.getByText('No deliveries match.').waitFor();
  });
});

describe('on a phone', () => {
  test('both admin pages fit the screen without scrolling sideways', async () => {
    const visitor = await newVisitor(browser, server.url, phone);
    const { page } = visitor;
    try {
      await signInAsAdmin(page);
      for (const path of ['/admin/webhooks', '/admin/webhooks/deliveries']) {
        await page.goto(path);
        await page.getByRole('heading', { level: 1 }).waitFor();
        const { scrollWidth, innerWidth } = await horizontalOverflow(page);
        const offenders = scrollWidth > innerWidth ? await elementsWiderThanViewport(page) : [];
        expect(scrollWidth, `${path} scrolls sideways; too wide: ${offenders.join(', ')}`).toBeLessThanOrEqual(innerWidth);
      }
      expect(visitor.pageErrors.map(String)).toEqual([]);
    } finally {
      await visitor.context.close();
    }
  });
});
