// E-invoices in real Chromium against the real server: the demo supplier (ERP id V-10001)
// opens a purchase order the ERP sent, sees its lines pre-filled, changes a quantity and
// enters the tax rate while the totals follow to the cent, is shown every problem at once
// when the due date is wrong, submits, and sees the invoice's status change to "Approved"
// and then "Paid" after the test posts invoice.status_changed as the ERP (signed with the
// standardwebhooks package).
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Browser } from 'playwright-core';
import { generateSecret } from '../../shared/webhooks/signature.ts';
import type { Db } from '../../shared/db/index.ts';
import { ensurePortalBuilt, openServerDb } from '../support/portal.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { postErpEvent } from '../support/erp.ts';
import { launchChromium, newVisitor, stepsInOrder, type Visitor, signInAsDemo } from '../support/browser.ts';
import { demo } from '../support/demo.ts';

const supplier = demo('supplier_user');
const secret = generateSecret();
const poNumber = 'PO-E2E-4711';
const invoiceNumber = 'SPC-E2E-0001';

let server: RunningServer;
let browser: Browser;
let db: Db;

async function erp(type: string, data: unknown): Promise<void> {
  const answer = await postErpEvent(server, secret, type, data);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
}

beforeAll(async () => {
  await ensurePortalBuilt();
  [server, browser] = await Promise.all([startServer({ ERP_INBOUND_SECRET: secret }), launchChromium()]);
  db = openServerDb(server);
  await erp('purchase_order.created', {
    poNumber,
    supplier: { erpId: 'V-10001' },
    status: 'open',
    currency: 'EUR',
    orderDate: '2026-03-02',
    version: 1,
    lines: [
      { lineNumber: 10, gtin: '09506000134352', quantity: 500, unitPrice: '3.85' },
      { lineNumber: 20, gtin: '09506000134369', quantity: 200, unitPrice: '1.2345' },
    ],
  });
});

afterAll(async () => {
  db?.close();
  await browser?.close();
  await server?.stop();
});

describe('the demo supplier submits an invoice and follows its status from the ERP', () => {
  const step = stepsInOrder();
  let visit: Visitor;
  let invoicePath: string;

  beforeAll(async () => {
    visit = await newVisitor(browser, server.url);
  });

  afterAll(async () => {
    expect(visit.pageErrors.map(String)).toEqual([]);
    await visit.context.close();
  });

  step('signs in and opens Invoices from the navigation', async () => {
    const { page } = visit;
    await signInAsDemo(page, supplier.email);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Invoices' }).click();
    await page.waitForURL((url) => url.pathname === '/invoices');
    await expect.poll(() => page.getByTestId('no-invoices').isVisible()).toBe(true);
  });

  step('finds the order’s lines pre-filled with what is left to invoice', async () => {
    const { page } = visit;
    await expect.poll(() => page.locator('#choose-po').inputValue()).toBe(poNumber);
    await page.locator('[data-testid="invoice-form"][data-live="true"]').waitFor();
    expect(await page.getByLabel('Quantity of order line 10').inputValue()).toBe('500');
    expect(await page.getByLabel('Quantity of order line 20').inputValue()).toBe('200');
    expect(await page.getByLabel('Unit price of order line 20').inputValue()).toBe('1.2345');
    expect(await page.getByLabel('Currency (ISO 4217)').inputValue()).toBe('EUR');
  });

  step('changes a quantity, enters the tax rates and sees the totals computed to the cent', async () => {
    const { page } = visit;
    await page.getByLabel('Invoice number').fill(invoiceNumber);
    await page.getByLabel('Payment terms').fill('30 days net');
    await page.getByLabel('Quantity of order line 20').fill('150');
    await page.getByLabel('Tax rate of order line 10').fill('13');
    await page.getByLabel('Tax rate of order line 20').fill('13');
    // 500 × 3.85 = 1925.00; 150 × 1.2345 = 185.175 → 185.18; net 2110.18; 13 % = 274.3234 → 274.32; gross 2384.50
    await expect.poll(() => page.getByTestId('total-net').textContent()).toBe('2110.18 EUR');
    expect(await page.getByTestId('total-tax').textContent()).toBe('274.32 EUR');
    expect(await page.getByTestId('total-gross').textContent()).toBe('2384.50 EUR');
  });

  step('is shown every problem at once when the due date is before the invoice date', async () => {
    const { page } = visit;
    await page.getByLabel('Invoice date').fill('2026-03-20');
    await page.getByLabel('Due date').fill('2026-03-10');
    await page.getByLabel('Unit price of order line 10').fill('3.90');
    // Refused: the answer is the action's failure (400), so postsForm (which insists on success) does not fit.
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/invoices'),
      page.getByRole('button', { name: 'Submit invoice' }).click(),
    ]);
    const problems = page.getByTestId('error-summary');
    await problems.waitFor();
    expect(await problems.textContent()).toContain('The due date is before the invoice date 2026-03-20.');
    expect(await problems.textContent()).toContain('Unit price 3.90 differs from the purchase order’s 3.85.');
    expect(await page.locator('#inv-dueDate-problem').textContent()).toContain('before the invoice date');
    expect(await page.locator('#inv-lines-0-unitPrice-problem').textContent()).toContain('3.85');
  });

  step('corrects them and submits the invoice', async () => {
    const { page } = visit;
    await page.getByLabel('Due date').fill('2026-04-19');
    await page.getByLabel('Unit price of order line 10').fill('3.85');
    await expect.poll(() => page.getByTestId('total-gross').textContent()).toBe('2384.50 EUR');
    await page.getByRole('button', { name: 'Submit invoice' }).click();
    await page.waitForURL((url) => /^\/invoices\/inv_\w+$/.test(url.pathname));
    invoicePath = new URL(page.url()).pathname;
    await page.getByTestId('submitted-notice').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Invoice ${invoiceNumber}`);
    expect(await page.getByTestId('gross').textContent()).toBe('2384.50 EUR');
    expect(await page.getByTestId('current-status').textContent()).toBe('Not yet reported');
    expect(await db.get('SELECT gross_total FROM invoices WHERE invoice_number = ?', [invoiceNumber])).toEqual({ gross_total: '2384.50' });
  });

  step('sees "Approved" after the ERP reports it', async () => {
    const { page } = visit;
    const occurredAt = new Date().toISOString();
    await erp('invoice.status_changed', { invoiceNumber, supplier: { erpId: 'V-10001' }, status: 'received', occurredAt });
    await erp('invoice.status_changed', { invoiceNumber, supplier: { erpId: 'V-10001' }, status: 'approved', occurredAt: new Date(Date.parse(occurredAt) + 1000).toISOString() });
    await page.reload();
    await expect.poll(() => page.getByTestId('current-status').textContent()).toBe('Approved');
    const timeline = page.getByTestId('status-timeline').locator('li');
    expect(await timeline.evaluateAll((items) => items.map((li) => li.getAttribute('data-status')))).toEqual(['received', 'approved']);
  });

  step('sees "Paid" with the payment date, on the invoice and in the list', async () => {
    const { page } = visit;
    await erp('invoice.status_changed', { invoiceNumber, supplier: { erpId: 'V-10001' }, status: 'paid', paidOn: '2026-04-18', occurredAt: new Date(Date.now() + 5000).toISOString() });
    await page.reload();
    await expect.poll(() => page.getByTestId('current-status').textContent()).toBe('Paid');
    expect(await page.getByTestId('status-timeline').textContent()).toContain('Paid on 2026-04-18');
    await page.getByRole('link', { name: 'All invoices' }).click();
    await page.waitForURL((url) => url.pathname === '/invoices');
    const row = page.locator(`[data-testid="invoice"][data-number="${invoiceNumber}"]`);
    await expect.poll(() => row.getAttribute('data-status')).toBe('paid');
    expect(await row.getByTestId('erp-status').textContent()).toBe('Paid');
    expect(invoicePath).toMatch(/^\/invoices\/inv_/);
  });
});
