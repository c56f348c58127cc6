// The approved supplier list in real Chromium against the real server: QA approves the demo
// supplier for an item with a password signature; the supplier's required ISO 13485 certificate
// expires and the expiry scheduler (a second instance's pass, its clock past the expiry) moves the
// entry to conditional; QA sees it conditional with Lotbridge's reason and the history; the
// supplier sees its own entry read-only, in Chinese. Screenshots in test-results/approved-suppliers.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Browser } from 'playwright-core';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import type { Db } from '../../shared/db/index.ts';
import { fixedClock, systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { createLogger } from '../../shared/log.ts';
import { addDays, utcDay } from '../../shared/certificates/expiry.ts';
import { approveCertificate } from '../../shared/certificates/approve-certificate.ts';
import { applyItemUpserted } from '../../shared/erp/apply-item-upserted.ts';
import { createExpiryScheduler } from '../../shared/certificates/expiry-scheduler.ts';
import { ensurePortalBuilt, openServerDb } from '../support/portal.ts';
import { rootDir, startServer, tempDir, type RunningServer } from '../support/server.ts';
import { launchChromium, mainNav, newVisitor, postsForm, signInAsDemo, stepsInOrder, type Visitor } from '../support/browser.ts';
import { demo } from '../support/demo.ts';
import { actorFor } from '../support/actors.ts';
import { submitTestCertificate } from '../support/records.ts';

const supplier = demo('supplier_user');
const qa = demo('manufacturer_qa');
const gtin = '09506000134383';
const shots = join(rootDir, 'test-results', 'approved-suppliers');
const rp = { id: 'localhost', name: 'Lotbridge', origin: 'http://localhost:3000' };

let server: RunningServer;
let browser: Browser;
let db: Db;
let uploads: { dir: string; remove(): void };
const validTo = addDays(utcDay(new Date()), 10);

beforeAll(async () => {
  await ensurePortalBuilt();
  uploads = tempDir('lotbridge-e2e-asl-');
  [server, browser] = await Promise.all([startServer({ UPLOAD_DIR: uploads.dir }), launchChromium()]);
  db = openServerDb(server);
  // The ERP's item, and the supplier's ISO 13485 certificate QA approved, valid for 10 more days.
  const ctx = { db, clock: systemClock, policy: defaultPolicy };
  await db.transaction((tx) => applyItemUpserted(tx, systemClock, { gtin, description: 'Three-way stopcock, 360° rotation — model SC-3', unitOfMeasure: 'EA', deviceClass: 'IIa' }));
  const iso = await submitTestCertificate(ctx, await actorFor(db, supplier.email), uploads.dir, { number: 'ISO-13485-SZ-2023', validTo });
  await approveCertificate(ctx, await actorFor(db, qa.email), rp, { certificateId: iso.id, recordHash: iso.recordHash, credential: { password: demoPassword } });
});

afterAll(async () => {
  db?.close();
  await browser?.close();
  await server?.stop();
  uploads?.remove();
});

describe('QA approves a supplier for an item; the certificate expires; the entry is conditional; the supplier sees it', () => {
  const step = stepsInOrder();
  let qaVisit: Visitor;
  let supplierVisit: Visitor;
  let entryPath: string;

  beforeAll(async () => {
    [qaVisit, supplierVisit] = await Promise.all([newVisitor(browser, server.url), newVisitor(browser, server.url)]);
  });

  afterAll(async () => {
    expect(qaVisit.pageErrors.map(String)).toEqual([]);
    expect(supplierVisit.pageErrors.map(String)).toEqual([]);
    await qaVisit.context.close();
    await supplierVisit.context.close();
  });

  step('QA creates the entry from the approved suppliers page and signs it with the password', async () => {
    const { page } = qaVisit;
    await signInAsDemo(page, qa.email);
    await (await mainNav(page, 'link', 'Approved suppliers')).click();
    await page.getByRole('heading', { level: 1, name: 'Approved suppliers' }).waitFor();
    await page.getByTestId('asl-empty').waitFor();

    const form = page.getByTestId('asl-create');
    await form.getByLabel('Supplier').selectOption({ label: 'Suzhou Precision Components Co., Ltd.' });
    await form.getByLabel('Item (GTIN)').fill(gtin);
    await form.getByLabel('Status').selectOption({ label: 'Approved' });
    await form.getByTestId('asl-required-iso13485').check();
    await form.getByLabel('Reason').fill('Supplier audit 2026-11 passed; ISO 13485 on file.');
    await form.getByLabel('Your password (electronic signature)').fill(demoPassword);
    await postsForm(page, '/approved-suppliers', () => form.getByRole('button', { name: 'Sign and save' }).click());

    await page.waitForURL((url) => /^\/approved-suppliers\/asl_/.test(url.pathname));
    entryPath = new URL(page.url()).pathname;
    await page.getByTestId('asl-saved').waitFor();
    expect(await page.getByTestId('asl-status-value').textContent()).toBe('Approved');
    expect(await page.getByTestId('asl-required').textContent()).toBe('ISO 13485, valid');
    expect(await page.getByTestId('asl-signatures').textContent()).toContain(`${qa.displayName} · Approval`);
    await page.screenshot({ path: join(shots, 'qa-approved-en.png'), fullPage: true });
  });

  step('the certificate expires: the expiry scheduler moves the entry to conditional', async () => {
    // A second instance's pass whose clock is two days past the certificate's last valid day.
    const clock = fixedClock(`${addDays(validTo, 2)}T09:00:00.000Z`);
    const scheduler = createExpiryScheduler({ ctx: { db, clock, policy: defaultPolicy }, log: createLogger('warn') });
    await scheduler.runOnce();
    const { page } = qaVisit;
    await page.goto(entryPath);
    expect(await page.getByTestId('asl-status-value').textContent()).toBe('Conditional');
    expect(await page.getByTestId('asl-reason-value').textContent()).toBe(`Required ISO 13485 ISO-13485-SZ-2023 expired on ${validTo}`);
    expect(await page.getByTestId('asl-history').getByRole('row').filter({ hasText: 'Approved supplier list entry downgraded' }).count()).toBe(1);
    await page.screenshot({ path: join(shots, 'qa-conditional-en.png'), fullPage: true });
  });

  step('the supplier sees its own entry, conditional, read-only, in Chinese', async () => {
    const { page, context } = supplierVisit;
    await signInAsDemo(page, supplier.email);
    await context.addCookies([{ name: 'lang', value: 'zh-CN', url: server.url }]);
    await page.goto('/approved-suppliers');
    await page.getByRole('heading', { level: 1, name: '合格供应商名录' }).waitFor();
    const row = page.getByTestId('asl-entry');
    expect(await row.count()).toBe(1);
    expect(await row.getByText('有条件批准').isVisible()).toBe(true);
    expect(await page.getByTestId('asl-create').count()).toBe(0);
    await page.screenshot({ path: join(shots, 'supplier-list-zh-CN.png'), fullPage: true });
    await row.getByRole('link').click();
    await page.waitForURL((url) => url.pathname === entryPath);
    expect(await page.getByTestId('asl-reason-value').textContent()).toBe(`所需ISO 13485 质量管理体系证书 ISO-13485-SZ-2023 已于 ${validTo} 过期`);
    expect(await page.getByTestId('asl-change').count()).toBe(0);
    await page.screenshot({ path: join(shots, 'supplier-entry-zh-CN.png'), fullPage: true });
  });
});
