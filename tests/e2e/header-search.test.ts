// The header search in real Chromium against the real server: the demo supplier, at 1366 px with
// the search in a header that stays one row, types the start of an order number and gets both of
// its orders grouped under "Purchase orders", opens one, then types a full number and lands on
// the record at once; a distributor's shipment is not found for it. The demo distributor, on a
// phone (390 px), finds the shipment that carried a lot from the full-width search under the
// brand, with nothing wider than the screen. A one-character query is answered beside the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { generateSecret } from '../../shared/webhooks/signature.ts';
import { demoShipment } from '../../shared/demo/seed-demo.ts';
import { ensurePortalBuilt } from '../support/portal.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { postErpEvent } from '../support/erp.ts';
import { elementsWiderThanViewport, horizontalOverflow, launchChromium, newVisitor, phone, signInAsDemo, stepsInOrder, type Visitor } from '../support/browser.ts';
import { demo } from '../support/demo.ts';

const secret = generateSecret();
const orders = ['PO-SRCH-2001', 'PO-SRCH-2002'];

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  await ensurePortalBuilt();
  [server, browser] = await Promise.all([startServer({ ERP_INBOUND_SECRET: secret }), launchChromium()]);
  for (const poNumber of orders) {
    const answer = await postErpEvent(server, secret, 'purchase_order.created', {
      poNumber,
      supplier: { erpId: 'V-10001' },
      status: 'open',
      currency: 'EUR',
      orderDate: '2026-03-02',
      version: 1,
      lines: [{ lineNumber: 10, gtin: '09506000134352', quantity: 500, unitPrice: '3.85' }],
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Types into the header's search field and presses Enter, as a user does. */
async function searchFromHeader(page: Page, query: string): Promise<void> {
  const field = page.getByRole('search').getByRole('searchbox', { name: 'Find a record by its number' });
  await field.fill(query);
  const before = page.url();
  await Promise.all([page.waitForURL((url) => url.href !== before), field.press('Enter')]);
  await page.waitForLoadState();
}

/** The header's parts, whether they share one row: the header is no taller than one row of 44 px links (and its padding) and each part's vertical centre lies in the navigation's row. */
const headerOnOneRow = (page: Page) =>
  page.evaluate(() => {
    const box = (q: string) => document.querySelector(q)!.getBoundingClientRect();
    const nav = box('header.top nav');
    const centres = ['.brand', 'header.top .header-search', 'header.top form.lang'].map((q) => box(q).top + box(q).height / 2);
    return box('header.top').height < 88 && nav.height <= 48 && centres.every((c) => c > nav.top && c < nav.bottom);
  });

describe('the supplier searches from the header at 1366 px', () => {
  const step = stepsInOrder();
  let visit: Visitor;

  beforeAll(async () => {
    visit = await newVisitor(browser, server.url, { viewport: { width: 1366, height: 800 } });
  });
  afterAll(async () => {
    expect(visit.pageErrors.map(String)).toEqual([]);
    await visit.context.close();
  });

  step('finds the search in a header that stays on one row', async () => {
    const { page } = visit;
    await signInAsDemo(page, demo('supplier_user').email);
    expect(await headerOnOneRow(page)).toBe(true);
    expect(await page.getByRole('search').getByRole('button', { name: 'Search' }).isVisible()).toBe(true);
  });

  step('types the start of an order number and sees both orders grouped, with links', async () => {
    const { page } = visit;
    await searchFromHeader(page, 'po-srch-200');
    expect(new URL(page.url()).pathname).toBe('/search');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Records matching “po-srch-200”');
    const group = page.getByTestId('group-purchase_order');
    expect(await group.getByRole('heading', { level: 2 }).textContent()).toBe('Purchase orders');
    expect(await group.getByRole('link').allTextContents()).toEqual(orders);
    expect(await page.locator('section[data-testid^="group-"]').count()).toBe(1);
    await group.getByRole('link', { name: orders[0] }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/orders/po_'));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Purchase order ${orders[0]}`);
  });

  step('types a full number and lands on the record at once', async () => {
    const { page } = visit;
    await searchFromHeader(page, orders[1]!);
    expect(new URL(page.url()).pathname).toMatch(/^\/orders\/po_/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Purchase order ${orders[1]}`);
  });

  step('does not find the distributor’s shipment', async () => {
    const { page } = visit;
    await searchFromHeader(page, demoShipment.shipmentNumber);
    expect(await page.getByTestId('no-results').textContent()).toBe('No record you may see has this number or one that starts with it.');
  });

  step('is told beside the field when the query is too short', async () => {
    const { page } = visit;
    await searchFromHeader(page, 'P');
    const field = page.locator('#search-q');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#search-q-problem').textContent()).toContain('Enter at least 2 characters.');
    expect(await field.inputValue()).toBe('P');
  });
});

describe('the distributor searches on a phone', () => {
  const step = stepsInOrder();
  let visit: Visitor;

  beforeAll(async () => {
    visit = await newVisitor(browser, server.url, phone);
  });
  afterAll(async () => {
    expect(visit.pageErrors.map(String)).toEqual([]);
    await visit.context.close();
  });

  step('has the search at full width under the brand', async () => {
    const { page } = visit;
    await signInAsDemo(page, demo('distributor_user').email);
    const box = (await page.getByRole('search').boundingBox())!;
    const brand = (await page.locator('.brand').boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(brand.y + brand.height);
    expect(box.width).toBeGreaterThan(390 - 2 * 16 - 2);
    expect(await elementsWiderThanViewport(page)).toEqual([]);
  });

  step('finds the shipment that carried a lot, shown without a page of its own', async () => {
    const { page } = visit;
    await searchFromHeader(page, demoShipment.lines[0]!.lot);
    const group = page.getByTestId('group-shipment');
    expect(await group.getByRole('heading', { level: 2 }).textContent()).toBe('Shipments');
    const hit = group.getByTestId('hit');
    expect(await hit.count()).toBe(1);
    expect(await hit.textContent()).toContain(demoShipment.shipmentNumber);
    expect(await hit.textContent()).toContain('no page of its own');
    const overflow = await horizontalOverflow(page);
    expect(overflow.scrollWidth, (await elementsWiderThanViewport(page)).join('\n')).toBeLessThanOrEqual(overflow.innerWidth);
  });
});

describe('the search’s label is for screen readers only', () => {
  it('stays off screen for the role with the longest navigation (QA)', async () => {
    const visit = await newVisitor(browser, server.url, { viewport: { width: 1366, height: 800 } });
    try {
      await signInAsDemo(visit.page, demo('manufacturer_qa').email);
      const label = (await visit.page.locator('label[for="header-search-q"]').boundingBox())!;
      expect(await visit.page.locator('#header-search-q').isVisible()).toBe(true);
      expect(label.x + label.width).toBeLessThanOrEqual(0);
    } finally {
      await visit.context.close();
    }
  });
});
