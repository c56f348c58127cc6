// Incoming inspection in real Chromium against the real server: QA finds the lot awaiting
// inspection in the lot list, rejects it with results (sample, defects, a measurement) and a
// password signature after being told the reason is missing; the supplier sees the lot rejected
// in its list and on the lot page, with the results and QA's signature, in English and Chinese.
// Screenshots go to /tmp/lotbridge-lot-inspection-*.png.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { applyItemUpserted } from '../../shared/erp/apply-item-upserted.ts';
import { submitLots } from '../../shared/lots/submit-lots.ts';
import { ensurePortalBuilt, openServerDb } from '../support/portal.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { launchChromium, newVisitor, postsForm, stepsInOrder, type Visitor, signInAsDemo } from '../support/browser.ts';
import { actorFor } from '../support/actors.ts';
import { demo } from '../support/demo.ts';

const supplier = demo('supplier_user');
const qa = demo('manufacturer_qa');
const gtin = '09506000134352';
const reason = 'Two of five housings cracked at the snap fit.';

let server: RunningServer;
let browser: Browser;
let db: Db;
let lotPath: string;

beforeAll(async () => {
  await ensurePortalBuilt();
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  db = openServerDb(server);
  await db.transaction((tx) => applyItemUpserted(tx, systemClock, { gtin, description: 'Roller clamp housing', unitOfMeasure: 'EA' }));
  const ctx = { db, clock: systemClock, policy: defaultPolicy };
  const { stored } = await submitLots(ctx, await actorFor(db, supplier.email), { source: 'form', lots: [{ gtin, lot: 'L-E2E-INSP', quantity: 40, expiryDate: '2031-01-31' }] });
  lotPath = `/lots/${stored[0]!.id}`;
});

afterAll(async () => {
  db?.close();
  await browser?.close();
  await server?.stop();
});

describe('QA rejects a lot at incoming inspection; the supplier sees the rejection', () => {
  const step = stepsInOrder();
  let qaVisit: Visitor;
  let supplierVisit: Visitor;

  beforeAll(async () => {
    [qaVisit, supplierVisit] = await Promise.all([newVisitor(browser, server.url), newVisitor(browser, server.url)]);
  });

  afterAll(async () => {
    expect(qaVisit.pageErrors.map(String)).toEqual([]);
    expect(supplierVisit.pageErrors.map(String)).toEqual([]);
    await qaVisit.context.close();
    await supplierVisit.context.close();
  });

  step('QA finds the lot among those awaiting inspection', async () => {
    const { page } = qaVisit;
    await signInAsDemo(page, qa.email);
    await page.goto('/lots');
    await page.getByLabel('Inspection').selectOption({ label: 'Awaiting inspection' });
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL((url) => url.searchParams.get('state') === 'submitted');
    const row = page.getByTestId('lots').getByRole('row').filter({ hasText: 'L-E2E-INSP' });
    expect(await row.getByTestId('lot-state').textContent()).toBe('Awaiting inspection');
    await row.getByRole('link', { name: 'L-E2E-INSP' }).click();
    await page.waitForURL((url) => url.pathname === lotPath);
    await page.getByRole('heading', { name: 'Incoming inspection' }).waitFor();
  });

  step('a rejection without a reason is refused, said next to the field; nothing is recorded', async () => {
    const { page } = qaVisit;
    const form = page.getByTestId('inspect-form');
    await form.getByRole('radio', { name: 'Reject', exact: true }).check();
    await form.getByLabel('Sample size').fill('5');
    await form.getByLabel('Defects found').fill('2');
    await form.getByLabel('Your password').fill(demoPassword);
    await postsForm(page, lotPath, () => form.getByRole('button', { name: 'Sign and record the decision' }).click()).catch((e: Error) => {
      if (!/HTTP 400/.test(e.message)) throw e;
    });
    await page.locator('#inspect-reason-problem').filter({ hasText: 'Give the reason for the rejection.' }).waitFor();
    expect((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM lot_inspections'))!.n).toBe(0);
    await page.screenshot({ path: '/tmp/lotbridge-lot-inspection-form-en.png', fullPage: true });
  });

  step('QA rejects it with results and a password signature', async () => {
    const { page } = qaVisit;
    const form = page.getByTestId('inspect-form');
    // What was typed is kept; the choice and the numbers too.
    expect(await form.getByRole('radio', { name: 'Reject', exact: true }).isChecked()).toBe(true);
    expect(await form.getByLabel('Sample size').inputValue()).toBe('5');
    await form.getByLabel('Characteristic 1').fill('Snap fit');
    await form.getByLabel('Value 1').fill('2 cracked');
    await form.getByLabel('Within specification 1').selectOption({ label: 'No' });
    await form.getByLabel('Reason for the rejection').fill(reason);
    await form.getByLabel('Your password').fill(demoPassword);
    await postsForm(page, lotPath, () => form.getByRole('button', { name: 'Sign and record the decision' }).click());
    await page.getByTestId('inspected').waitFor();
    const result = page.getByTestId('inspection-result');
    expect(await result.getByRole('heading').textContent()).toBe('Inspection result: Rejected');
    expect(await result.getByTestId('reason').textContent()).toBe(reason);
    expect(await result.getByTestId('defects-found').textContent()).toBe('2');
    expect(await result.getByTestId('inspection-signature').textContent()).toContain(`Signed by ${qa.displayName}`);
    expect(await result.getByTestId('inspection-signature').textContent()).toContain('meaning: rejection');
    expect(await page.getByTestId('inspect-form').count()).toBe(0);
    await page.screenshot({ path: '/tmp/lotbridge-lot-inspection-qa-en.png', fullPage: true });
  });

  step('the supplier sees its lot rejected in the list and the results on the lot page, in English and Chinese', async () => {
    const { page } = supplierVisit;
    await signInAsDemo(page, supplier.email);
    await page.goto('/lots?state=rejected');
    const row = page.getByTestId('lots').getByRole('row').filter({ hasText: 'L-E2E-INSP' });
    expect(await row.getByTestId('lot-state').textContent()).toBe('Rejected');
    await row.getByRole('link', { name: 'L-E2E-INSP' }).click();
    await page.waitForURL((url) => url.pathname === lotPath);
    const result = page.getByTestId('inspection-result');
    expect(await result.getByTestId('reason').textContent()).toBe(reason);
    expect(await result.getByTestId('measurements').getByRole('row').nth(1).textContent()).toContain('Snap fit');
    expect(await page.getByTestId('inspect-form').count()).toBe(0);
    await page.screenshot({ path: '/tmp/lotbridge-lot-inspection-supplier-en.png', fullPage: true });

    await postsForm(page, '/lang', () => page.getByRole('combobox', { name: 'Language' }).selectOption({ label: '简体中文' }));
    await page.getByTestId('inspection-result').getByRole('heading', { name: '检验结果：已拒收' }).waitFor();
    expect(await page.getByTestId('lot-state').textContent()).toBe('已拒收');
    await page.screenshot({ path: '/tmp/lotbridge-lot-inspection-supplier-zh.png', fullPage: true });
    await page.goto('/lots');
    await page.screenshot({ path: '/tmp/lotbridge-lot-inspection-list-zh.png', fullPage: true });
  });
});
