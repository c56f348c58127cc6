// The validation page in real Chromium against the real server (issue 19): QA uploads a failed
// validation package, is told next to the field that a failed report needs the deviation it
// accepts, then approves it with the deviation and a password signature; the report is listed
// with its summary and both files. A drifting self-check shows on the administrator's home and
// the page, in English and Chinese. Screenshots go to /tmp/lotbridge-validation-*.png.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { runSelfCheck } from '../../shared/validation/self-check.ts';
import { ensurePortalBuilt, openServerDb } from '../support/portal.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { launchChromium, newVisitor, postsForm, signInAsDemo, stepsInOrder, type Visitor } from '../support/browser.ts';
import { demo } from '../support/demo.ts';
import { validationPackage, validationReport, type ValidationPackage } from '../support/validation-report.ts';

const qa = demo('manufacturer_qa');
const admin = demo('manufacturer_admin');
const deviation = 'signatures_no_update restored on 2026-03-02 under change CR-118; the failed test passed on re-run.';

let server: RunningServer;
let browser: Browser;
let db: Db;
let pkg: ValidationPackage;

beforeAll(async () => {
  await ensurePortalBuilt();
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  db = openServerDb(server);
  pkg = await validationPackage(validationReport({ failed: true }));
});

afterAll(async () => {
  db?.close();
  await browser?.close();
  await server?.stop();
});

describe('QA approves a failed validation report with its deviation; the administrator sees the self-check’s drift', () => {
  const step = stepsInOrder();
  let qaVisit: Visitor;
  let adminVisit: Visitor;
  const file = (f: { name: string; bytes: Uint8Array }, mimeType: string) => ({ name: f.name, mimeType, buffer: Buffer.from(f.bytes) });

  beforeAll(async () => {
    [qaVisit, adminVisit] = await Promise.all([newVisitor(browser, server.url), newVisitor(browser, server.url)]);
  });

  afterAll(async () => {
    expect(qaVisit.pageErrors.map(String)).toEqual([]);
    expect(adminVisit.pageErrors.map(String)).toEqual([]);
    await qaVisit.context.close();
    await adminVisit.context.close();
  });

  step('a failed report without the deviation is refused, said next to the field; nothing is kept', async () => {
    const { page } = qaVisit;
    await signInAsDemo(page, qa.email);
    await page.goto('/validation');
    const form = page.getByTestId('approve-form');
    await form.getByLabel('Report (JSON)').setInputFiles(file(pkg.json, 'application/json'));
    await form.getByLabel('Report (PDF)').setInputFiles(file(pkg.pdf, 'application/pdf'));
    await form.getByLabel('Checksums (report.sha256)').setInputFiles(file(pkg.checksums, 'text/plain'));
    await form.getByLabel('Your password').fill(demoPassword);
    await postsForm(page, '/validation', () => form.getByRole('button', { name: 'Sign and approve' }).click()).catch((e: Error) => {
      if (!/HTTP 400/.test(e.message)) throw e;
    });
    await page.locator('#deviation-problem').filter({ hasText: 'The report failed (2 checks and requirements): state the deviation you accept to approve it.' }).waitFor();
    expect((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM validation_reports'))!.n).toBe(0);
    await page.screenshot({ path: '/tmp/lotbridge-validation-refused-en.png', fullPage: true });
  });

  step('QA approves it with the deviation and a password signature; it is listed with its summary and both files', async () => {
    const { page } = qaVisit;
    const form = page.getByTestId('approve-form');
    await form.getByLabel('Report (JSON)').setInputFiles(file(pkg.json, 'application/json'));
    await form.getByLabel('Report (PDF)').setInputFiles(file(pkg.pdf, 'application/pdf'));
    await form.getByLabel('Checksums (report.sha256)').setInputFiles(file(pkg.checksums, 'text/plain'));
    await form.getByLabel('Deviation accepted').fill(deviation);
    await form.getByLabel('Your password').fill(demoPassword);
    await postsForm(page, '/validation', () => form.getByRole('button', { name: 'Sign and approve' }).click());
    await page.getByTestId('approved').waitFor();
    const row = page.getByTestId('report');
    expect(await row.getByTestId('verdict').textContent()).toBe('Failed');
    expect(await row.getByTestId('summary').textContent()).toContain('Checks failed: 1 of 3');
    expect(await row.getByTestId('approval').textContent()).toContain(`Signed by ${qa.displayName}`);
    expect(await row.getByTestId('approval').textContent()).toContain('meaning: approval');
    expect(await row.getByTestId('deviation').textContent()).toBe(`Deviation accepted: ${deviation}`);
    const download = page.waitForEvent('download');
    await row.getByTestId('download-pdf').click();
    expect((await download).suggestedFilename()).toBe('report.pdf');
    await page.screenshot({ path: '/tmp/lotbridge-validation-approved-en.png', fullPage: true });
  });

  step('a drifting self-check raises the alert on the administrator’s home and shows on the page, in English and Chinese', async () => {
    await runSelfCheck({ db, clock: systemClock, policy: defaultPolicy }, [
      {
        id: 'iq.triggers',
        part: 'IQ',
        run: async () => ({ id: 'iq.triggers', part: 'IQ', status: 'fail', facts: { expected: 101, present: 100 }, findings: [{ code: 'validation.trigger_missing', params: { trigger: 'signatures_no_delete' } }] }),
      },
      { id: 'pq.audit_chain', part: 'PQ', run: async () => ({ id: 'pq.audit_chain', part: 'PQ', status: 'pass', facts: { entries: 40 }, findings: [] }) },
    ]);
    const { page } = adminVisit;
    await signInAsDemo(page, admin.email);
    const entry = page.locator('[data-kind="validationDrift"]');
    expect(await entry.textContent()).toContain('Validation self-check: drift found');
    expect(await entry.textContent()).toContain('The protective trigger signatures_no_delete is missing from the database.');
    await page.screenshot({ path: '/tmp/lotbridge-validation-home-en.png', fullPage: true });
    await entry.getByRole('link', { name: /signatures_no_delete/ }).click();
    await page.waitForURL((url) => url.pathname === '/validation');
    expect(await page.locator('[data-check="iq.triggers"]').getAttribute('data-status')).toBe('fail');
    expect(await page.getByTestId('approve-form').count()).toBe(0);
    await page.screenshot({ path: '/tmp/lotbridge-validation-admin-en.png', fullPage: true });

    await postsForm(page, '/lang', () => page.getByRole('combobox', { name: 'Language' }).selectOption({ label: '简体中文' }));
    await page.getByRole('heading', { name: '夜间自检' }).waitFor();
    expect(await page.getByTestId('self-check-verdict').textContent()).toContain('1 项检查未通过');
    expect(await page.getByTestId('summary').textContent()).toContain('未通过的检查：1 / 3');
    await page.screenshot({ path: '/tmp/lotbridge-validation-admin-zh.png', fullPage: true });
    await page.goto('/home');
    expect(await page.locator('[data-kind="validationDrift"]').textContent()).toContain('数据库中缺少保护性触发器 signatures_no_delete。');
    await page.screenshot({ path: '/tmp/lotbridge-validation-home-zh.png', fullPage: true });
  });
});
