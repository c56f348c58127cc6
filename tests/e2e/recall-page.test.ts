// QA's recall page in real Chromium against the real server: the status (figures, per-lot
// reconciliation, the consignees without a reply with the bulk actions, the chart) comes above
// the recall as issued, at 1366 px and on a phone; "remind now" on every consignee without a
// reply mails each of them and the table shows each recipient's new mail. The notice link page
// shows the actions, the deadline and the lots before any sign-in, and its sign-in comes filled
// in with the addressee and leads to the reply. Both pages word their new parts in Chinese.
// Screenshots are written to SCREENSHOT_DIR when set.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { signNoticeToken } from '../../shared/recalls/notice-link.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { generateSecret } from '../../shared/webhooks/signature.ts';
import { ensurePortalBuilt, openServerDb } from '../support/portal.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { postErpEvent } from '../support/erp.ts';
import { launchChromium, newVisitor, phone, postsForm, signInAsDemo, stepsInOrder, waitForLoginPageReady, type Visitor } from '../support/browser.ts';
import { actorFor } from '../support/actors.ts';
import { demo } from '../support/demo.ts';

const qa = demo('manufacturer_qa');
const infusionSet = '09506000134352';
const inboundSecret = generateSecret();

let server: RunningServer;
let browser: Browser;
let db: Db;
let recallId: string;

async function erp(type: string, data: unknown): Promise<void> {
  const answer = await postErpEvent(server, inboundSecret, type, data);
  if (answer.status !== 200) throw new Error(`${type}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
}

async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: join(process.env.SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** The top of an element on the page, in CSS pixels from the top of the document. */
async function top(page: Page, selector: string): Promise<number> {
  return page.locator(selector).first().evaluate((el) => el.getBoundingClientRect().top + window.scrollY);
}

beforeAll(async () => {
  await ensurePortalBuilt();
  [server, browser] = await Promise.all([startServer({ ERP_INBOUND_SECRET: inboundSecret }), launchChromium()]);
  db = openServerDb(server);
  const ctx = { db, clock: systemClock, policy: defaultPolicy };
  const by = { type: 'system' as const, name: 'recall page e2e' };
  await createOrganisation(ctx, by, { name: 'Alpen Medizintechnik AG', kind: 'distributor', erpId: 'C-40002' });
  await createOrganisation(ctx, by, { name: 'Nord Medical AB', kind: 'distributor', erpId: 'C-40003' });
  await db.run("UPDATE organisations SET recall_contact_email = 'recall@alpen-med.example' WHERE erp_id = 'C-40002'");
  await db.run("UPDATE organisations SET recall_contact_email = 'recall@nord-med.example' WHERE erp_id = 'C-40003'");
  for (const [i, erpId] of ['C-20001', 'C-40002', 'C-40003'].entries()) {
    await erp('shipment.dispatched', {
      shipmentNumber: `SH-PAGE-${i}`,
      distributor: { erpId },
      dispatchedAt: '2026-02-10T08:00:00Z',
      lines: [
        { gtin: infusionSet, lot: 'P-1', quantity: 40 + i },
        { gtin: infusionSet, lot: 'P-2', quantity: 5 },
      ],
    });
  }
  await erp('recall.issued', {
    recallNumber: 'FSCA-PAGE-1',
    issuedAt: new Date().toISOString(),
    reason: 'Roller clamp may leak',
    hazard: 'Under-infusion',
    classifications: [{ jurisdiction: 'EU-MDR', type: 'fsca', class: 'other' }],
    instructions: [{ action: 'quarantine' }, { action: 'return' }],
    products: [{ gtin: infusionSet, lots: ['P-1', 'P-2'] }],
    responseDeadline: new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10),
  });
  recallId = (await db.get<{ id: string }>("SELECT id FROM recalls WHERE recall_number = 'FSCA-PAGE-1'"))!.id;
  await sendRecallNotices(ctx, await actorFor(db, qa.email), { recallId, portalUrl: server.url });
});

afterAll(async () => {
  db?.close();
  await browser?.close();
  await server?.stop();
});

describe("QA's recall page leads with its status", () => {
  const step = stepsInOrder();
  let visit: Visitor;

  beforeAll(async () => {
    visit = await newVisitor(browser, server.url, { viewport: { width: 1366, height: 900 } });
    await signInAsDemo(visit.page, qa.email);
  });

  afterAll(async () => {
    expect(visit.pageErrors.map(String)).toEqual([]);
    await visit.context.close();
  });

  step('figures, lots, consignees without a reply and the chart come above the recall as issued', async () => {
    const { page } = visit;
    await page.goto(`/recalls/${recallId}`);
    await page.getByRole('heading', { level: 1, name: /FSCA-PAGE-1/ }).waitFor();
    const issued = await top(page, 'section[aria-labelledby="recall-facts"]');
    const status = [
      await top(page, '[data-testid="figure-consignees"]'),
      await top(page, '[data-testid="recall-lots"]'),
      await top(page, '[data-testid="non-responder-summary"]'),
      await top(page, '[data-testid="responses-chart"]'),
    ];
    if (process.env.SCREENSHOT_DIR) await page.getByTestId('recall-consignees-section').screenshot({ path: join(process.env.SCREENSHOT_DIR, 'recall-consignees-1366.png') });
    expect([...status].sort((a, b) => a - b)).toEqual(status);
    for (const y of status) expect(y).toBeLessThan(issued);
    // The figures are on the first screen.
    expect(status[0]).toBeLessThan(900);
    expect(await page.getByTestId('non-responder-summary').innerText()).toContain('Without a reply: 3 of 3 consignees (0 overdue).');
    await screenshot(page, 'recall-page-1366');
  });

  step('"remind now" on every consignee without a reply mails each one and shows the reminder per recipient', async () => {
    const { page } = visit;
    const form = page.getByTestId('bulk-form');
    await form.getByLabel('Every consignee without a reply (3)').check();
    await postsForm(page, `/recalls/${recallId}`, () => form.getByRole('button', { name: 'Remind now' }).click());
    await page.getByTestId('bulk-done').getByText('Reminder sent to 3 consignees (3 e-mails).').waitFor();
    const reminders = await db.all<{ to_address: string }>("SELECT to_address FROM mail_messages WHERE purpose = 'recall.reminder' ORDER BY to_address");
    expect(reminders.map((m) => m.to_address)).toEqual(['distributor@rhein-medical.example', 'recall@alpen-med.example', 'recall@nord-med.example']);
    const audited = await db.all<{ actor_name: string }>("SELECT actor_name FROM audit_log WHERE action = 'recall.reminder_sent'");
    expect(audited.map((a) => a.actor_name)).toEqual([qa.displayName, qa.displayName, qa.displayName]);
    // The table follows the queue: each recipient's latest mail is now the reminder.
    await expect.poll(async () => page.locator('[data-testid="delivery"][data-kind="reminder"]').count()).toBe(3);
  });

  step('ticking one consignee that cannot be escalated is refused beside its name, nothing is sent', async () => {
    const { page } = visit;
    const before = (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM mail_messages'))!.n;
    await page.getByLabel('Choose Alpen Medizintechnik AG').check();
    const form = page.getByTestId('bulk-form');
    await form.getByLabel('The consignees ticked in the table').check();
    await postsForm(page, `/recalls/${recallId}`, () => form.getByRole('button', { name: 'Escalate now' }).click()).catch((e: Error) => {
      if (!/HTTP 400/.test(e.message)) throw e;
    });
    await page.getByTestId('bulk-refused').getByText('Alpen Medizintechnik AG has no escalation contact: record one for the organisation first.').waitFor();
    expect((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM mail_messages'))!.n).toBe(before);
  });

  step('on a phone the status still comes first', async () => {
    const phoneVisit = await newVisitor(browser, server.url, phone);
    const { page } = phoneVisit;
    await signInAsDemo(page, qa.email);
    await page.goto(`/recalls/${recallId}`);
    await page.getByRole('heading', { level: 1, name: /FSCA-PAGE-1/ }).waitFor();
    expect(await top(page, '[data-testid="figure-consignees"]')).toBeLessThan(await top(page, 'section[aria-labelledby="recall-facts"]'));
    expect(await top(page, '[data-testid="non-responder-summary"]')).toBeLessThan(await top(page, 'section[aria-labelledby="recall-facts"]'));
    // Nothing but the tables (which scroll inside their frame) is wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'recall-page-390');
    if (process.env.SCREENSHOT_DIR) await page.getByTestId('recall-consignees-section').screenshot({ path: join(process.env.SCREENSHOT_DIR, 'recall-consignees-390.png') });
    expect(phoneVisit.pageErrors.map(String)).toEqual([]);
    await phoneVisit.context.close();
  });
});

describe('in Chinese', () => {
  const step = stepsInOrder();

  step('the recall page and the notice link page word their new parts in Chinese', async () => {
    const visit = await newVisitor(browser, server.url, { locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
    const { page } = visit;
    await page.goto('/login');
    await waitForLoginPageReady(page);
    await page.locator('#email').fill(qa.email);
    await page.locator('#password').fill(demoPassword);
    await postsForm(page, '/login', () => page.locator('form button[type="submit"]').first().click());
    await page.waitForURL((url) => url.pathname === '/home');
    await page.goto(`/recalls/${recallId}`);
    const section = page.getByTestId('recall-consignees-section');
    await section.getByRole('heading', { name: '收货方：投递与回复' }).waitFor();
    expect(await section.getByRole('button').allInnerTexts()).toEqual(['立即提醒', '重新发送通知', '立即升级']);
    expect(await section.locator('[data-testid="delivery"]').first().innerText()).toContain('提醒');
    if (process.env.SCREENSHOT_DIR) await section.screenshot({ path: join(process.env.SCREENSHOT_DIR, 'recall-consignees-1366-zh.png') });

    const notice = (await db.get<{ id: string; link_expires_at: string }>(
      "SELECT n.id, n.link_expires_at FROM recall_notices n JOIN organisations o ON o.id = n.distributor_organisation_id WHERE n.recall_id = ? AND o.erp_id = 'C-40002'",
      [recallId],
    ))!;
    const reader = await newVisitor(browser, server.url, { ...phone, locale: 'zh-CN' });
    await reader.page.goto(`/notices/${await signNoticeToken(db, notice.id, notice.link_expires_at)}`);
    const todo = reader.page.getByTestId('what-to-do');
    await todo.getByRole('heading', { name: '您必须采取的措施' }).waitFor();
    expect(await todo.getByTestId('reply-by').innerText()).toMatch(/^请在 \d{4}-\d\d-\d\d \d\d:\d\d UTC 之前回复/);
    await screenshot(reader.page, 'notice-link-390-zh');
    expect([...visit.pageErrors, ...reader.pageErrors].map(String)).toEqual([]);
    await visit.context.close();
    await reader.context.close();
  });
});

describe('the notice link page says what to do before sign-in', () => {
  const step = stepsInOrder();
  let visit: Visitor;

  beforeAll(async () => {
    visit = await newVisitor(browser, server.url, phone);
  });

  afterAll(async () => {
    expect(visit.pageErrors.map(String)).toEqual([]);
    await visit.context.close();
  });

  step('the actions, the deadline and the lots come before the sign-in, which is filled in with the addressee', async () => {
    const { page } = visit;
    const notice = (await db.get<{ id: string; link_expires_at: string }>(
      "SELECT n.id, n.link_expires_at FROM recall_notices n JOIN organisations o ON o.id = n.distributor_organisation_id WHERE n.recall_id = ? AND o.erp_id = 'C-20001'",
      [recallId],
    ))!;
    await page.goto(`/notices/${await signNoticeToken(db, notice.id, notice.link_expires_at)}`);
    const todo = page.getByTestId('what-to-do');
    await todo.getByRole('heading', { name: 'Actions you must take' }).waitFor();
    expect(await todo.getByRole('listitem').allInnerTexts()).toEqual([
      'Stop using and stop distributing the affected units listed in this notice at once.',
      'Quarantine: stop using and distributing the affected units at once; keep them apart and clearly marked.',
      'Return: send the affected units back to the manufacturer as instructed.',
      'If you passed affected units on, forward this notice to each recipient and record whom you told and when.',
    ]);
    expect(await todo.getByTestId('reply-by').innerText()).toMatch(/^Reply by \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(await todo.getByRole('cell', { name: 'P-2' }).count()).toBe(1);
    const signIn = page.getByTestId('sign-in');
    expect(await top(page, '[data-testid="what-to-do"]')).toBeLessThan(await top(page, '[data-testid="sign-in"]'));
    await screenshot(page, 'notice-link-390');
    await signIn.click();
    await page.waitForURL((url) => url.pathname === '/login');
    await waitForLoginPageReady(page);
    expect(await page.getByLabel('E-mail address').inputValue()).toBe('distributor@rhein-medical.example');
    await page.getByLabel('Password').fill(demoPassword);
    await postsForm(page, '/login', () => page.getByRole('button', { name: 'Sign in', exact: true }).click());
    await page.waitForURL((url) => url.pathname === `/recalls/${recallId}/reply`);
  });
});
