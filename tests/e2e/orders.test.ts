// The purchase order journey in real Chromium on the whole demo: the supplier opens its home
// page, follows "Purchase orders to confirm" to the list of exactly the demo's two, opens the
// changed order, lowers its line's quantity and sends the lines with a note; the order is then
// confirmed and no longer to confirm. QA opens the same order and sees the supplier's answer.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Browser } from 'playwright-core';
import { demoPurchaseOrders } from '../../shared/demo/demo-data.ts';
import { ensurePortalBuilt } from '../support/portal.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { elementsWiderThanViewport, horizontalOverflow, launchChromium, newVisitor, phone, postsForm, signInAsDemo, stepsInOrder, type Visitor } from '../support/browser.ts';
import { demo } from '../support/demo.ts';

let server: RunningServer;
let browser: Browser;
let orderPath = '';

beforeAll(async () => {
  await ensurePortalBuilt();
  [server, browser] = await Promise.all([startServer({ DEMO_SEED: 'true' }), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('a supplier confirms a purchase order with a changed line; QA sees the answer', () => {
  const step = stepsInOrder();
  let supplier: Visitor;
  let qa: Visitor;

  beforeAll(async () => {
    supplier = await newVisitor(browser, server.url, { viewport: { width: 1366, height: 900 } });
    qa = await newVisitor(browser, server.url, { viewport: { width: 1366, height: 900 } });
  });
  afterAll(async () => {
    expect([...supplier.pageErrors, ...qa.pageErrors].map(String)).toEqual([]);
    await supplier.context.close();
    await qa.context.close();
  });

  step('home → orders to confirm lists exactly the two demo orders', async () => {
    const { page } = supplier;
    await signInAsDemo(page, demo('supplier_user').email);
    const entry = page.locator('[data-testid="work-entry"][data-kind="ordersToConfirm"]');
    expect(await entry.getByTestId('work-count').textContent()).toBe('2');
    await entry.getByTestId('work-link').click();
    await page.waitForURL((url) => url.pathname === '/orders' && url.search === '?state=toConfirm');
    const rows = await page.getByTestId('order').evaluateAll((els) => els.map((e) => e.getAttribute('data-number')));
    expect(rows.sort()).toEqual([demoPurchaseOrders.toConfirm, demoPurchaseOrders.changed]);
  });

  step('opens the changed order and sends its line with a lower quantity and a note', async () => {
    const { page } = supplier;
    await page.getByRole('link', { name: demoPurchaseOrders.changed }).click();
    await page.getByRole('heading', { level: 1, name: `Purchase order ${demoPurchaseOrders.changed}` }).waitFor();
    orderPath = new URL(page.url()).pathname;
    expect(await page.getByTestId('order-state').textContent()).toBe('To confirm');
    const form = page.getByTestId('respond-form');
    await form.getByLabel('Quantity of line 1').fill('150');
    await form.getByLabel('Note to the buyer').fill('150 now, the other 50 in four weeks.');
    await postsForm(page, orderPath, () => form.getByRole('button', { name: 'Send the lines as entered' }).click());
    await page.getByTestId('answered').waitFor();
    expect(await page.getByTestId('order-state').textContent()).toBe('Confirmed');
    const answer = page.getByTestId('response').first();
    expect(await answer.getAttribute('data-status')).toBe('changed');
    expect(await answer.textContent()).toContain('Line 1: Changed, quantity 150');
  });

  step('the order is no longer on the home list of orders to confirm', async () => {
    const { page } = supplier;
    await page.goto('/home');
    expect(await page.locator('[data-testid="work-entry"][data-kind="ordersToConfirm"] [data-testid="work-count"]').textContent()).toBe('1');
  });

  step('QA opens the order and sees the answer, without an answer form', async () => {
    const { page } = qa;
    await signInAsDemo(page, demo('manufacturer_qa').email);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Orders' }).click();
    await page.getByRole('heading', { level: 1, name: 'Purchase orders' }).waitFor();
    await page.getByRole('link', { name: demoPurchaseOrders.changed }).click();
    await page.getByRole('heading', { level: 1, name: `Purchase order ${demoPurchaseOrders.changed}` }).waitFor();
    const answer = page.getByTestId('response').first();
    expect(await answer.textContent()).toContain('150 now, the other 50 in four weeks.');
    expect(await answer.textContent()).toContain('Line 1: Changed, quantity 150');
    expect(await page.getByTestId('respond-form').count()).toBe(0);
    await page.screenshot({ path: '/tmp/lotbridge-order-staff-1366.png', fullPage: true });
  });

  step('on a phone the order page and its answer form fit the screen', async () => {
    const small = await newVisitor(browser, server.url, phone);
    try {
      await signInAsDemo(small.page, demo('supplier_user').email);
      await small.page.goto('/orders?state=toConfirm');
      await small.page.getByTestId('order').first().getByRole('link').click();
      await small.page.getByTestId('respond-form').waitFor();
      for (const path of [new URL(small.page.url()).pathname, '/orders']) {
        await small.page.goto(path);
        const { scrollWidth, innerWidth } = await horizontalOverflow(small.page);
        const offenders = scrollWidth > innerWidth ? await elementsWiderThanViewport(small.page) : [];
        expect(scrollWidth, `${path} scrolls sideways; too wide: ${offenders.join(', ')}`).toBeLessThanOrEqual(innerWidth);
      }
      await small.page.goto(orderPath);
      await small.page.screenshot({ path: '/tmp/lotbridge-order-supplier-390.png', fullPage: true });
      expect(small.pageErrors.map(String)).toEqual([]);
    } finally {
      await small.context.close();
    }
  });
});
