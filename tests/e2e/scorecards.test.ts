// Supplier scorecards in real Chromium against the real server: QA opens the ranking, picks a
// period, opens the demo supplier's card (five trend charts, each an image with its title, and the
// tables behind them) and changes the weights with its password, which moves the overall score;
// the supplier opens "its" scorecard and lands on its own card, in English and in Chinese.
// Screenshots go to /tmp/lotbridge-scorecard-*.png.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Db } from '../../shared/db/index.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { ensurePortalBuilt, openServerDb } from '../support/portal.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { launchChromium, newVisitor, postsForm, signInAsDemo, stepsInOrder, type Visitor } from '../support/browser.ts';
import { actorFor } from '../support/actors.ts';
import { demo } from '../support/demo.ts';
import { ScorecardRecords } from '../support/scorecard-records.ts';

const supplier = demo('supplier_user');
const qa = demo('manufacturer_qa');
const month = new Date().toISOString().slice(0, 7);

let server: RunningServer;
let browser: Browser;
let db: Db;
let supplierId: string;

/** The first day of the month `back` months before this one, at 10:00 UTC, plus `day` days. */
function inMonth(back: number, day: number): string {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1 + day, 10)).toISOString();
}

beforeAll(async () => {
  await ensurePortalBuilt();
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  db = openServerDb(server);
  const s = await actorFor(db, supplier.email);
  const q = await actorFor(db, qa.email);
  supplierId = s.organisationId;
  const r = new ScorecardRecords(db, q.userId, q.organisationId);
  // Six months of deliveries: each month four lots against a line due on the 10th (the later
  // ones late), each inspected; more of them rejected in the earlier months.
  const accepted = [4, 4, 3, 3, 2, 2];
  for (let back = 5; back >= 0; back--) {
    const due = inMonth(back, 9).slice(0, 10);
    const po = await r.order(supplierId, [due]);
    for (let k = 0; k < 4; k++) {
      const lot = await r.lot({ id: supplierId, userId: s.userId }, inMonth(back, back === 0 ? 0 : 3 + k * 3), { orderId: po, lineNumber: 1 });
      await r.inspection(lot, k < accepted[back]! ? 'accepted' : 'rejected', inMonth(back, back === 0 ? 0 : 4 + k * 3));
    }
  }
});

afterAll(async () => {
  db?.close();
  await browser?.close();
  await server?.stop();
});

describe('scorecards: QA ranks and weighs, the supplier reads its own card', () => {
  const step = stepsInOrder();
  let qaVisit: Visitor;
  let supplierVisit: Visitor;

  beforeAll(async () => {
    [qaVisit, supplierVisit] = await Promise.all([newVisitor(browser, server.url, { viewport: { width: 1366, height: 900 } }), newVisitor(browser, server.url, { viewport: { width: 1366, height: 900 } })]);
  });

  afterAll(async () => {
    expect(qaVisit.pageErrors.map(String)).toEqual([]);
    expect(supplierVisit.pageErrors.map(String)).toEqual([]);
    await qaVisit.context.close();
    await supplierVisit.context.close();
  });

  step('QA opens the ranking, picks this month and opens the supplier’s card', async () => {
    const { page } = qaVisit;
    await signInAsDemo(page, qa.email);
    await page.goto('/scorecards');
    await page.getByRole('heading', { name: 'Supplier scorecards' }).waitFor();
    await page.getByLabel('Period').selectOption(month);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL((url) => url.searchParams.get('period') === month);
    const row = page.getByTestId('scorecard-row').filter({ hasText: 'Suzhou Precision Components' });
    expect(await row.getByTestId('scorecard-score').textContent()).toBe('100.0 %');
    await row.getByRole('link', { name: 'Suzhou Precision Components Co., Ltd.' }).click();
    await page.waitForURL((url) => url.pathname === `/scorecards/${supplierId}`);
    await page.getByRole('heading', { name: 'Scorecard: Suzhou Precision Components Co., Ltd.' }).waitFor();
    expect(await page.getByRole('img', { name: /, trend$/ }).count()).toBe(5);
    const acceptance = page.getByTestId('scorecard-trend-acceptance');
    expect(await acceptance.locator(`tr[data-period="${month}"] td`).allTextContents()).toEqual(['4', '4', '100.0 %']);
    await page.screenshot({ path: '/tmp/lotbridge-scorecard-qa-en.png', fullPage: true });
  });

  step('QA weighs lot acceptance only, signed with its password: the card’s score follows', async () => {
    const { page } = qaVisit;
    await page.goto('/scorecards');
    const form = page.getByTestId('scorecard-weights-form');
    for (const m of ['onTime', 'certificates', 'invoices', 'scar']) await form.getByTestId(`scorecard-weight-${m}`).fill('0');
    await form.getByTestId('scorecard-weight-acceptance').fill('100');
    await form.getByLabel('Reason').fill('Incoming quality first this year');
    await form.getByLabel('Your password (signature)').fill(demoPassword);
    await postsForm(page, '/scorecards', () => form.getByRole('button', { name: 'Sign and save the weights' }).click());
    await page.getByTestId('scorecard-weights-saved').waitFor();
    await page.goto(`/scorecards/${supplierId}?period=${encodeURIComponent(inMonth(5, 0).slice(0, 7))}`);
    // Five months ago: 2 of 4 accepted; the score is that alone now.
    expect(await page.getByTestId('scorecard-card-score').textContent()).toBe('50.0 %');
  });

  step('the supplier opens the scorecards and lands on its own card, in Chinese too', async () => {
    const { page, context } = supplierVisit;
    await signInAsDemo(page, supplier.email);
    await page.goto('/scorecards');
    await page.waitForURL((url) => url.pathname === `/scorecards/${supplierId}`);
    await page.getByRole('heading', { name: 'Scorecard: Suzhou Precision Components Co., Ltd.' }).waitFor();
    expect(await page.getByRole('link', { name: 'All suppliers' }).count()).toBe(0);
    await context.addCookies([{ name: 'lang', value: 'zh-CN', url: server.url }]);
    await page.goto(`/scorecards/${supplierId}?period=${month}`);
    await page.getByRole('heading', { name: '绩效评分卡：Suzhou Precision Components Co., Ltd.' }).waitFor();
    expect(await page.getByRole('img', { name: '批次合格率趋势' }).count()).toBe(1);
    expect(await page.getByTestId('scorecard-card-score').textContent()).toBe('100.0%');
    await page.screenshot({ path: '/tmp/lotbridge-scorecard-supplier-zh-CN.png', fullPage: true });
  });
});
