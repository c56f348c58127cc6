// Lot data in real Chromium against the real server: the demo supplier uploads a CSV with one
// bad row and sees the error against that row and column (and nothing stored), then pastes a
// GS1 element string into the barcode field, sees GTIN, lot, serial and dates filled, and
// submits the lot.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { applyItemUpserted } from '../../shared/erp/apply-item-upserted.ts';
import { ensurePortalBuilt, openServerDb } from '../support/portal.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { launchChromium, newVisitor, postsForm, stepsInOrder, type Visitor, signInAsDemo } from '../support/browser.ts';
import { demo } from '../support/demo.ts';

const supplier = demo('supplier_user');
const gtin = '09506000134352';

let server: RunningServer;
let browser: Browser;
let db: Db;

beforeAll(async () => {
  await ensurePortalBuilt();
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  db = openServerDb(server);
  await db.transaction((tx) => applyItemUpserted(tx, systemClock, { gtin, description: 'Infusion set, 150 cm', unitOfMeasure: 'EA' }));
});

afterAll(async () => {
  db?.close();
  await browser?.close();
  await server?.stop();
});

describe('a supplier submits lot data', () => {
  const step = stepsInOrder();
  let visit: Visitor;

  beforeAll(async () => {
    visit = await newVisitor(browser, server.url);
  });

  afterAll(async () => {
    expect(visit.pageErrors.map(String)).toEqual([]);
    await visit.context.close();
  });

  step('uploads a CSV with one bad row and sees the error against that row and column; nothing is stored', async () => {
    const { page } = visit;
    await signInAsDemo(page, supplier.email);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Lot data' }).click();
    await page.getByRole('heading', { level: 1, name: 'Lot data' }).waitFor();
    await page.getByTestId('no-lots').waitFor();

    const template = await page.context().request.get('/lots/template.csv');
    expect(template.status()).toBe(200);
    const header = (await template.text()).split('\r\n')[0]!;
    const csv = [header, `${gtin},L2403A,,2026-01-05,2031-01-31,1,,,`, `${gtin},L2403B,,2026-01-05,2031-01-31,0,,,`, `${gtin},L2403C,,2026-01-05,2031-01-31,1,,,`].join('\r\n');

    const region = page.getByRole('region', { name: 'Upload lots as CSV' });
    await region.getByLabel('CSV file').setInputFiles({ name: 'lots.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await postsForm(page, '/lots', () => region.getByRole('button', { name: 'Upload' }).click()).catch((e: Error) => {
      // A refused upload answers 400 with the page: that is the expected outcome here.
      if (!/HTTP 400/.test(e.message)) throw e;
    });
    const problem = page.getByTestId('problems').getByTestId('problem');
    await problem.first().waitFor();
    expect(await problem.count()).toBe(1);
    const cells = await problem.first().getByRole('cell').allTextContents();
    expect(cells).toEqual(['3', 'quantity', 'Enter a whole number of at least 1: 0']);
    expect(await page.getByTestId('csv-message').textContent()).toContain('No lots were stored');
    expect((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM lots'))!.n).toBe(0);
  });

  step('pastes a GS1 element string and sees the fields filled, then submits the lot', async () => {
    const { page } = visit;
    await page.goto('/lots');
    const form = page.getByRole('region', { name: 'Submit a lot' });
    const barcode = form.getByLabel('Scan or paste a GS1 barcode');
    const element = `(01)${gtin}(11)260105(17)310100(10)L2404X(21)SN-0001`;
    // Until the page is hydrated the field does not react; type again until it does.
    await expect
      .poll(
        async () => {
          await barcode.fill('');
          await barcode.fill(element);
          return form.getByLabel('GTIN', { exact: true }).inputValue();
        },
        { timeout: 15_000 },
      )
      .toBe(gtin);
    expect(await form.getByLabel('Lot', { exact: true }).inputValue()).toBe('L2404X');
    expect(await form.getByLabel('Serial numbers (optional)').inputValue()).toBe('SN-0001');
    expect(await form.getByLabel('Manufacture date').inputValue()).toBe('2026-01-05');
    expect(await form.getByLabel('Expiry date').inputValue()).toBe('2031-01-31');
    expect(await form.getByLabel('Quantity').inputValue()).toBe('1');
    expect(await form.getByTestId('barcode-status').textContent()).toContain('Filled from the barcode');

    await postsForm(page, '/lots', () => form.getByRole('button', { name: 'Submit the lot' }).click());
    await page.waitForURL((url) => /^\/lots\/lot_[a-z2-7]+$/.test(url.pathname));
    await page.getByTestId('submitted').waitFor();
    expect(await page.getByTestId('lot').textContent()).toBe('L2404X');
    expect(await page.getByTestId('serials').textContent()).toContain('SN-0001');
    const row = await db.get<{ source: string; expiry_date: string }>("SELECT source, expiry_date FROM lots WHERE lot = 'L2404X'");
    expect(row).toEqual({ source: 'barcode', expiry_date: '2031-01-31' });
  });
});
