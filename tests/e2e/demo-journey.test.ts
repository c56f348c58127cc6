// The README's demo, as a newcomer walks it in real Chromium: `lotbridge serve` on a fresh
// database with the settings of a fresh clone (the whole demo seeded, no ERP connected, no other
// command run). The demo supplier submits a lot by the form, the CSV template's example row as
// downloaded from the page, the barcode example the page gives, and an invoice from an open
// purchase order; each appears in its list.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Browser } from 'playwright-core';
import { demoPurchaseOrders } from '../../shared/demo/demo-data.ts';
import { ensurePortalBuilt } from '../support/portal.ts';
import { startServer, tempDir, type RunningServer } from '../support/server.ts';
import { launchChromium, newVisitor, postsForm, stepsInOrder, type Visitor, signInAsDemo } from '../support/browser.ts';
import { demo } from '../support/demo.ts';

const supplier = demo('supplier_user');
const uploads = tempDir('lotbridge-demo-journey-');

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  await ensurePortalBuilt();
  // DEMO_SEED unset as in a fresh clone: `npm start` seeds the whole demo; no ERP_* settings.
  [server, browser] = await Promise.all([startServer({ DEMO_SEED: '', UPLOAD_DIR: uploads.dir }), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  uploads.remove();
});

describe('the demo supplier, without an ERP, submits lots three ways and an invoice', () => {
  const step = stepsInOrder();
  let visit: Visitor;
  const lotsInList = () => visit.page.getByTestId('lot').getByRole('rowheader').allTextContents();

  beforeAll(async () => {
    visit = await newVisitor(browser, server.url);
  });

  afterAll(async () => {
    expect(visit.pageErrors.map(String)).toEqual([]);
    await visit.context.close();
  });

  step('signs in and finds the lots delivered so far', async () => {
    const { page } = visit;
    await signInAsDemo(page, supplier.email);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Lot data' }).click();
    await page.getByRole('heading', { level: 1, name: 'Lot data' }).waitFor();
    expect((await lotsInList()).sort()).toEqual(['DEMO-2601A', 'DEMO-2601B', 'IS-2610C', 'SC-2610A']);
  });

  step('submits a lot by the form against an open purchase order line', async () => {
    const { page } = visit;
    const form = page.getByRole('region', { name: 'Submit a lot' });
    await form.getByLabel('GTIN', { exact: true }).fill('09506000134376');
    await form.getByLabel('Lot', { exact: true }).fill('LL-2612A');
    await form.getByLabel('Quantity').fill('2000');
    await form.getByLabel('Purchase order number').fill(demoPurchaseOrders.toConfirm);
    await form.getByLabel('Order line').fill('2');
    await postsForm(page, '/lots', () => form.getByRole('button', { name: 'Submit the lot' }).click());
    await page.waitForURL((url) => /^\/lots\/lot_[a-z2-7]+$/.test(url.pathname));
    expect(await page.getByTestId('lot').textContent()).toBe('LL-2612A');
    await page.goto('/lots');
    expect(await lotsInList()).toContain('LL-2612A');
  });

  step("uploads the CSV template downloaded from the page, its example row unchanged", async () => {
    const { page } = visit;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('template').click()]);
    const template = await readFile((await download.path())!);
    const region = page.getByRole('region', { name: 'Upload lots as CSV' });
    await region.getByLabel('CSV file').setInputFiles({ name: download.suggestedFilename(), mimeType: 'text/csv', buffer: template });
    await postsForm(page, '/lots', () => region.getByRole('button', { name: 'Upload' }).click());
    expect(await page.getByTestId('csv-message').textContent()).toBe('1 lots stored.');
    await page.goto('/lots');
    expect(await lotsInList()).toContain('L2511B');
  });

  step('pastes the barcode example the page gives and submits the lot it fills in', async () => {
    const { page } = visit;
    const form = page.getByRole('region', { name: 'Submit a lot' });
    const example = /\(01\)\S+/.exec((await form.textContent())!)![0].replace(/,$/, '');
    expect(example).toBe('(01)09506000134352(17)280331(10)L2403A(21)SN1');
    const barcode = form.getByLabel('Scan or paste a GS1 barcode');
    // Until the page is hydrated the field does not react; paste again until it does.
    await expect
      .poll(async () => {
        await barcode.fill('');
        await barcode.fill(example);
        return form.getByLabel('Lot', { exact: true }).inputValue();
      })
      .toBe('L2403A');
    expect(await form.getByLabel('Quantity').inputValue()).toBe('1');
    await postsForm(page, '/lots', () => form.getByRole('button', { name: 'Submit the lot' }).click());
    await page.waitForURL((url) => /^\/lots\/lot_[a-z2-7]+$/.test(url.pathname));
    await page.goto('/lots');
    expect(await lotsInList()).toContain('L2403A');
  });

  step('invoices an open purchase order from its pre-filled lines and finds it beside the disputed one', async () => {
    const { page } = visit;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Invoices' }).click();
    await page.waitForURL((url) => url.pathname === '/invoices');
    expect(await page.getByTestId('invoice').getAttribute('data-status')).toBe('disputed');
    await page.locator('[data-testid="invoice-form"][data-live="true"]').waitFor();
    await Promise.all([page.waitForURL((url) => url.searchParams.get('po') === demoPurchaseOrders.toInvoice), page.locator('#choose-po').selectOption(demoPurchaseOrders.toInvoice)]);
    await page.locator('[data-testid="invoice-form"][data-live="true"]').waitFor();
    expect(await page.getByLabel('Quantity of order line 1').inputValue()).toBe('1000');
    expect(await page.getByLabel('Quantity of order line 2').inputValue()).toBe('500');
    await page.getByLabel('Invoice number').fill('SPC-INV-2026-0051');
    await page.getByLabel('Tax rate of order line 1').fill('13');
    await page.getByLabel('Tax rate of order line 2').fill('13');
    // 1000 × 2.40 + 500 × 1.10 = 2950.00; 13 % = 383.50
    await expect.poll(() => page.getByTestId('total-gross').textContent()).toBe('3333.50 USD');
    await page.getByRole('button', { name: 'Submit invoice' }).click();
    await page.waitForURL((url) => /^\/invoices\/inv_\w+$/.test(url.pathname));
    await page.getByTestId('submitted-notice').waitFor();
    await page.goto('/invoices');
    const numbers = await page.getByTestId('invoice').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-number')));
    expect(numbers.sort()).toEqual(['SPC-INV-2026-0042', 'SPC-INV-2026-0051']);
  });
});
