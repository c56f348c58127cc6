// Each role's home page as a work list, in real Chromium against the real server: the supplier,
// QA, the distributor and the administrator sign in and find the counts of what needs them; each
// entry's link opens the list page showing exactly those records. A second supplier and a second
// distributor have records of their own that never show. Seeded through the ERP's signed events
// and the use cases (the server runs without the demo seed, so the figures are this test's own);
// the failed mail the administrator sees only comes from an SMTP failure and is written directly.
// At 1366 px and at 390 px (also in Chinese) nothing scrolls sideways; screenshots go to /tmp/lotbridge-home-*.png.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Db } from '../../shared/db/index.ts';
import type { Actor, Role } from '../../shared/auth/actor.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { rejectCertificate } from '../../shared/certificates/reject-certificate.ts';
import { submitLots } from '../../shared/lots/submit-lots.ts';
import { submitInvoice } from '../../shared/invoices/submit-invoice.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { generateSecret } from '../../shared/webhooks/signature.ts';
import { ensurePortalBuilt, openServerDb } from '../support/portal.ts';
import { startServer, tempDir, type RunningServer } from '../support/server.ts';
import { postErpEvent } from '../support/erp.ts';
import { elementsWiderThanViewport, horizontalOverflow, launchChromium, newVisitor, phone, postsForm, signInAsDemo, stepsInOrder, type Visitor } from '../support/browser.ts';
import { actorFor } from '../support/actors.ts';
import { invoiceOfLine, submitTestCertificate } from '../support/records.ts';

const secret = generateSecret();
const gtin = '09506000134352';
const rp = { id: 'localhost', name: 'Lotbridge', origin: 'http://localhost' };
const users = {
  qa: { email: 'qa@home-e2e.example', role: 'manufacturer_qa', org: 'manufacturer' },
  admin: { email: 'admin@home-e2e.example', role: 'manufacturer_admin', org: 'manufacturer' },
  supplier: { email: 'supplier@home-e2e.example', role: 'supplier_user', org: 'supplier' },
  ningbo: { email: 'ningbo@home-e2e.example', role: 'supplier_user', org: 'ningbo' },
  distributor: { email: 'distributor@home-e2e.example', role: 'distributor_user', org: 'distributor' },
  alpen: { email: 'alpen@home-e2e.example', role: 'distributor_user', org: 'alpen' },
} satisfies Record<string, { email: string; role: Role; org: string }>;

let server: RunningServer;
let browser: Browser;
let db: Db;
let ctx: UseCaseContext;
let uploads: { dir: string; remove(): void };
const as = {} as Record<keyof typeof users, Actor>;
let recallId: string;

async function erp(type: string, data: unknown): Promise<unknown> {
  const answer = await postErpEvent(server, secret, type, data);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
}

const certificate = (actor: Actor, number: string) => submitTestCertificate(ctx, actor, uploads.dir, { number, validFrom: '2026-01-01', validTo: '2029-12-31' });
const reject = (c: { id: string; recordHash: string }) =>
  rejectCertificate(ctx, as.qa, rp, { certificateId: c.id, recordHash: c.recordHash, reason: 'scope does not cover the part', credential: { password: demoPassword } });
const invoice = (number: string, purchaseOrder: string, quantity: number) => invoiceOfLine(number, purchaseOrder, gtin, quantity, { invoiceDate: '2026-03-02', dueDate: '2026-04-01' });

beforeAll(async () => {
  await ensurePortalBuilt();
  uploads = tempDir('lotbridge-home-e2e-');
  [server, browser] = await Promise.all([startServer({ ERP_INBOUND_SECRET: secret, DEMO_SEED: 'false' }), launchChromium()]);
  db = openServerDb(server);
  ctx = { db, clock: systemClock, policy: defaultPolicy };
  const by = { type: 'system' as const, name: 'home e2e test' };
  const orgs = {
    manufacturer: (await createOrganisation(ctx, by, { name: 'Meridian Medical Devices Inc.', kind: 'manufacturer' })).id,
    supplier: (await createOrganisation(ctx, by, { name: 'Suzhou Precision Components Co., Ltd.', kind: 'supplier', erpId: 'V-1' })).id,
    ningbo: (await createOrganisation(ctx, by, { name: 'Ningbo Moulding Ltd.', kind: 'supplier', erpId: 'V-2' })).id,
    distributor: (await createOrganisation(ctx, by, { name: 'Rhein Medical Distribution GmbH', kind: 'distributor', erpId: 'C-1' })).id,
    alpen: (await createOrganisation(ctx, by, { name: 'Alpen Med Handel GmbH', kind: 'distributor', erpId: 'C-2' })).id,
  };
  for (const [key, u] of Object.entries(users)) {
    await addUser(ctx, by, { email: u.email, displayName: `Home ${key}`, password: demoPassword, role: u.role, organisationId: orgs[u.org as keyof typeof orgs] });
    as[key as keyof typeof users] = await actorFor(db, u.email);
  }

  // The ERP: an item, an order per supplier, shipments to both distributors, then a recall QA releases.
  await erp('item.upserted', { gtin, description: 'Roller clamp housing', unitOfMeasure: 'EA' });
  for (const [poNumber, erpId] of [['PO-E2E-SUZHOU', 'V-1'], ['PO-E2E-NINGBO', 'V-2']]) {
    await erp('purchase_order.created', { poNumber, supplier: { erpId }, status: 'open', currency: 'EUR', orderDate: '2026-02-20', version: 1, lines: [{ lineNumber: 1, gtin, quantity: 10, unitPrice: '2.00' }] });
  }
  for (const [n, erpId] of [['1', 'C-1'], ['2', 'C-2']]) {
    await erp('shipment.dispatched', { shipmentNumber: `SH-HOME-E2E-${n}`, distributor: { erpId }, dispatchedAt: '2026-02-10T08:00:00Z', lines: [{ gtin, lot: `LOT-SHIPPED-${n}`, quantity: 50 }] });
  }
  const deadline = new Date(Date.now() + 10 * 86_400_000).toISOString();
  await erp('recall.issued', { recallNumber: 'RC-E2E-RHEIN', issuedAt: new Date().toISOString(), reason: 'Possible leak at the roller clamp', hazard: 'Under-infusion', products: [{ gtin, lots: ['LOT-SHIPPED-1'] }], responseDeadline: deadline });
  await erp('recall.issued', { recallNumber: 'RC-E2E-ALPEN', issuedAt: new Date().toISOString(), reason: 'Possible leak at the roller clamp', hazard: 'Under-infusion', products: [{ gtin, lots: ['LOT-SHIPPED-2'] }], responseDeadline: deadline });
  for (const number of ['RC-E2E-RHEIN', 'RC-E2E-ALPEN']) {
    const id = (await db.get<{ id: string }>('SELECT id FROM recalls WHERE recall_number = ?', [number]))!.id;
    await sendRecallNotices(ctx, as.qa, { recallId: id, portalUrl: server.url });
    if (number === 'RC-E2E-RHEIN') recallId = id;
  }

  // Suzhou: a rejected certificate, two lots that over-deliver its order line, an invoice the ERP disputes.
  await reject(await certificate(as.supplier, 'SX-E2E-REJECTED'));
  await submitLots(ctx, as.supplier, { source: 'form', lots: [{ gtin, lot: 'L-E2E-1', quantity: 8, poNumber: 'PO-E2E-SUZHOU', poLine: 1 }] });
  await submitLots(ctx, as.supplier, { source: 'form', lots: [{ gtin, lot: 'L-E2E-2', quantity: 5, poNumber: 'PO-E2E-SUZHOU', poLine: 1 }] });
  await submitInvoice(ctx, as.supplier, invoice('INV-E2E-SUZHOU', 'PO-E2E-SUZHOU', 4));
  await erp('invoice.status_changed', { invoiceNumber: 'INV-E2E-SUZHOU', supplier: { erpId: 'V-1' }, occurredAt: new Date().toISOString(), status: 'disputed', reason: 'price differs' });
  // Ningbo: the same kinds of records, none of which may show to Suzhou; its certificate waits for QA.
  await certificate(as.ningbo, 'NB-E2E-WAITING');
  await submitLots(ctx, as.ningbo, { source: 'form', lots: [{ gtin, lot: 'L-E2E-NB', quantity: 11, poNumber: 'PO-E2E-NINGBO', poLine: 1 }] });
  await submitInvoice(ctx, as.ningbo, invoice('INV-E2E-NINGBO', 'PO-E2E-NINGBO', 10));
  await erp('invoice.status_changed', { invoiceNumber: 'INV-E2E-NINGBO', supplier: { erpId: 'V-2' }, occurredAt: new Date().toISOString(), status: 'disputed', reason: 'no goods receipt' });
});

afterAll(async () => {
  db?.close();
  await browser?.close();
  await server?.stop();
  uploads?.remove();
});

/** The count on the home page's entry of this kind (null: no entry shown). */
async function countOf(page: Page, kind: string): Promise<number | null> {
  const entry = page.locator(`[data-testid="work-entry"][data-kind="${kind}"]`);
  if ((await entry.count()) === 0) return null;
  return Number(await entry.getByTestId('work-count').textContent());
}

/** Shown work entries as { kind: count }. */
async function shownCounts(page: Page): Promise<Record<string, number>> {
  const kinds = await page.locator('[data-testid="work-entry"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')!));
  const out: Record<string, number> = {};
  for (const k of kinds) out[k] = (await countOf(page, k))!;
  return out;
}

/** Follows an entry's link from the home page; returns the URL it lands on (path and query). */
async function follow(page: Page, kind: string): Promise<string> {
  await page.goto('/home');
  await page.locator(`[data-testid="work-entry"][data-kind="${kind}"] [data-testid="work-link"]`).click();
  await page.waitForURL((url) => url.pathname !== '/home');
  const url = new URL(page.url());
  return `${url.pathname}${url.search}${url.hash}`;
}

async function expectNoSidewaysScroll(page: Page, what: string): Promise<void> {
  const { scrollWidth, innerWidth } = await horizontalOverflow(page);
  const offenders = scrollWidth > innerWidth ? await elementsWiderThanViewport(page) : [];
  expect(scrollWidth, `${what} scrolls sideways; too wide: ${offenders.join(', ')}`).toBeLessThanOrEqual(innerWidth);
}

/** The home page at 390 px fits and is photographed; so is the 1366 px one. */
async function screenshots(visit: Visitor, role: keyof typeof users): Promise<void> {
  await visit.page.goto('/home');
  await expectNoSidewaysScroll(visit.page, `/home of ${role} at 1366 px`);
  await visit.page.screenshot({ path: `/tmp/lotbridge-home-${role}-1366.png`, fullPage: true });
  const small = await newVisitor(browser, server.url, phone);
  try {
    await signInAsDemo(small.page, users[role].email);
    await expectNoSidewaysScroll(small.page, `/home of ${role} at 390 px`);
    await small.page.screenshot({ path: `/tmp/lotbridge-home-${role}-390.png`, fullPage: true });
    // In Chinese too: the work list's heading and labels are worded, and nothing scrolls sideways.
    await postsForm(small.page, '/lang', () => small.page.getByRole('combobox', { name: 'Language' }).selectOption({ label: '简体中文' }));
    await small.page.locator('#work', { hasText: '待办事项' }).waitFor();
    await expectNoSidewaysScroll(small.page, `/home of ${role} at 390 px in Chinese`);
    await small.page.screenshot({ path: `/tmp/lotbridge-home-${role}-390-zh.png`, fullPage: true });
    expect(small.pageErrors.map(String)).toEqual([]);
  } finally {
    await small.context.close();
  }
}

describe.each(['supplier', 'qa', 'distributor', 'admin'] as const)('the %s home page', (role) => {
  const step = stepsInOrder();
  let visit: Visitor;

  beforeAll(async () => {
    visit = await newVisitor(browser, server.url, { viewport: { width: 1366, height: 900 } });
    await signInAsDemo(visit.page, users[role].email);
  });
  afterAll(async () => {
    expect(visit.pageErrors.map(String)).toEqual([]);
    await visit.context.close();
  });

  if (role === 'supplier') {
    step('leads with the counts of its own work only', async () => {
      const { page } = visit;
      expect(await page.locator('main h2').first().textContent()).toBe('Your work');
      expect(await shownCounts(page)).toEqual({ ordersToConfirm: 1, ordersToInvoice: 1, certificatesRejected: 1, lotsFlagged: 2, invoicesDisputed: 1 });
      expect(await page.content()).not.toContain('NINGBO');
    });
    step('each link opens the list of exactly those records', async () => {
      const { page } = visit;
      expect(await follow(page, 'lotsFlagged')).toBe('/lots?flagged=1');
      expect((await page.getByTestId('lot').locator('th').allTextContents()).sort()).toEqual(['L-E2E-1', 'L-E2E-2']);
      expect(await follow(page, 'certificatesRejected')).toBe('/certificates?state=rejected&latest=1');
      expect(await page.getByTestId('certificate').count()).toBe(1);
      expect(await page.getByTestId('certificate').textContent()).toContain('SX-E2E-REJECTED');
      expect(await follow(page, 'invoicesDisputed')).toBe('/invoices?erpStatus=disputed');
      expect(await page.getByTestId('invoice').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-number')))).toEqual(['INV-E2E-SUZHOU']);
      expect(await follow(page, 'ordersToInvoice')).toBe('/invoices#submit-invoice');
      expect(await page.locator('#choose-po option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['PO-E2E-SUZHOU']);
    });
  }

  if (role === 'qa') {
    step('leads with the certificates to review and the open recalls', async () => {
      expect(await shownCounts(visit.page)).toEqual({ certificatesToReview: 1, lotsToInspect: 3, recallsOpen: 2 });
    });
    step('each link opens the list of exactly those records', async () => {
      const { page } = visit;
      expect(await follow(page, 'certificatesToReview')).toBe('/certificates?state=submitted&sort=submitted&order=asc');
      expect(await page.getByTestId('certificate').count()).toBe(1);
      expect(await page.getByTestId('certificate').textContent()).toContain('NB-E2E-WAITING');
      expect(await follow(page, 'recallsOpen')).toBe('/recalls?state=open');
      expect((await page.getByTestId('recall').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-number')))).sort()).toEqual(['RC-E2E-ALPEN', 'RC-E2E-RHEIN']);
    });
  }

  if (role === 'distributor') {
    step("leads with its own recall notice waiting for a reply, not the other distributor's", async () => {
      const { page } = visit;
      expect(await shownCounts(page)).toEqual({ noticesAwaitingReply: 1 });
      expect(await page.getByTestId('work-item').allTextContents()).toEqual([expect.stringContaining('RC-E2E-RHEIN')]);
    });
    step('the link lists exactly that notice, and the item opens the reply page', async () => {
      const { page } = visit;
      expect(await follow(page, 'noticesAwaitingReply')).toBe('/recalls?state=open&reply=not_replied');
      expect(await page.getByTestId('recall').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-number')))).toEqual(['RC-E2E-RHEIN']);
      await page.goto('/home');
      await page.getByTestId('work-item').getByRole('link', { name: 'RC-E2E-RHEIN' }).click();
      await page.waitForURL((url) => url.pathname === `/recalls/${recallId}/reply`);
    });
  }

  if (role === 'admin') {
    step('says calmly that nothing needs it', async () => {
      const { page } = visit;
      expect(await page.getByTestId('work-none').textContent()).toBe('Nothing needs you right now.');
      expect(await page.getByTestId('work-entry').count()).toBe(0);
    });
    step('counts mail that could not be sent, and links to exactly it in the mail log', async () => {
      const { page } = visit;
      // A message the SMTP server refused for good, as the mail sender leaves it.
      await db.run(
        `INSERT INTO mail_messages (id, to_address, subject, text_body, locale, purpose, state, attempts, last_error, created_at)
         VALUES ('mail_home_e2e', 'nobody@alpen-med.example', 'Recall notice', 'text', 'en', 'recall.notice', 'failed', 5, '550 no such user', ?)`,
        [new Date().toISOString()],
      );
      await page.goto('/home');
      expect(await shownCounts(page)).toEqual({ mailFailed: 1 });
      expect(await follow(page, 'mailFailed')).toBe('/admin/mail?state=failed');
      expect(await page.getByTestId('mail').count()).toBe(1);
      expect(await page.getByTestId('mail').first().textContent()).toContain('nobody@alpen-med.example');
    });
  }

  step('fits at 1366 px and at 390 px', async () => {
    await screenshots(visit, role);
  });
});
