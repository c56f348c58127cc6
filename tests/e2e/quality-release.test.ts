// Supplier quality in real Chromium against the real server (issue 18): QA's header groups lots,
// approved suppliers, SCARs and scorecards in a menu that works by keyboard; QA enrols a passkey
// in the virtual authenticator, decides a lot with a photo attached and signs with the passkey,
// and signs a new approved supplier list entry the same way; the supplier downloads the photo.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Db } from '../../shared/db/index.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { submitLots } from '../../shared/lots/submit-lots.ts';
import { applyItemUpserted } from '../../shared/erp/apply-item-upserted.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { ensurePortalBuilt, openServerDb } from '../support/portal.ts';
import { rootDir, startServer, tempDir, type RunningServer } from '../support/server.ts';
import { addVirtualAuthenticator, enrolPasskeyInBrowser, launchChromium, newVisitor, signInAsDemo, stepsInOrder, type VirtualAuthenticator, type Visitor } from '../support/browser.ts';
import { actorFor } from '../support/actors.ts';
import { demo } from '../support/demo.ts';

const qa = demo('manufacturer_qa');
const supplier = demo('supplier_user');
const gtin = '09506000134390';
const shots = join(rootDir, 'test-results', 'quality-release');
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPj/HwAEAQH/2Q6kqQAAAABJRU5ErkJggg==', 'base64');

let server: RunningServer;
let browser: Browser;
let db: Db;
let uploads: { dir: string; remove(): void };
let lotId: string;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  await ensurePortalBuilt();
  uploads = tempDir('lotbridge-e2e-uploads-');
  [server, browser] = await Promise.all([startServer({ UPLOAD_DIR: uploads.dir }), launchChromium()]);
  db = openServerDb(server);
  // WebAuthn only accepts a secure context; over plain HTTP that means the host name localhost.
  expect(new URL(server.url).hostname).toBe('localhost');
  await db.transaction((tx) => applyItemUpserted(tx, systemClock, { gtin, description: 'Luer lock cap', unitOfMeasure: 'EA' }));
  const ctx = { db, clock: systemClock, policy: defaultPolicy };
  lotId = (await submitLots(ctx, await actorFor(db, supplier.email), { source: 'form', lots: [{ gtin, lot: 'LC-2612A', quantity: 400, expiryDate: '2030-06-30' }] })).stored[0]!.id;
});

afterAll(async () => {
  db?.close();
  await browser?.close();
  await server?.stop();
  uploads?.remove();
});

describe('QA decides supplier quality with a passkey', () => {
  const step = stepsInOrder();
  let qaVisit: Visitor;
  let supplierVisit: Visitor;
  let authenticator: VirtualAuthenticator;

  beforeAll(async () => {
    [qaVisit, supplierVisit] = await Promise.all([newVisitor(browser, server.url), newVisitor(browser, server.url)]);
    authenticator = await addVirtualAuthenticator(qaVisit.context, qaVisit.page);
  });

  afterAll(async () => {
    expect(qaVisit.pageErrors.map(String)).toEqual([]);
    expect(supplierVisit.pageErrors.map(String)).toEqual([]);
    await qaVisit.context.close();
    await supplierVisit.context.close();
  });

  step('QA’s header groups supplier quality in a menu opened, walked and closed by keyboard', async () => {
    const { page } = qaVisit;
    await signInAsDemo(page, qa.email);
    const nav = page.getByRole('navigation', { name: 'Main' });
    const group = nav.getByTestId('nav-quality');
    const summary = group.locator('summary');
    expect(await summary.textContent()).toBe('Supplier quality');
    expect(await nav.getByRole('link', { name: 'Lot data' }).isVisible()).toBe(false);
    await summary.focus();
    await page.keyboard.press('Enter');
    expect(await group.getAttribute('open')).toBe('');
    const links = await group.getByRole('link').evaluateAll((as) => as.map((a) => [a.textContent, new URL((a as HTMLAnchorElement).href).pathname]));
    expect(links).toEqual([
      ['Lot data', '/lots'],
      ['Approved suppliers', '/approved-suppliers'],
      ['Corrective actions (SCAR)', '/scars'],
      ['Scorecards', '/scorecards'],
      ['Validation', '/validation'],
    ]);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Lot data');
    await page.keyboard.press('Escape');
    expect(await group.getAttribute('open')).toBeNull();
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('SUMMARY');
  });

  step('the supplier’s header has its lots in the row and its approvals, SCARs and own scorecard in a group', async () => {
    const { page } = supplierVisit;
    await signInAsDemo(page, supplier.email);
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Lot data' }).isVisible()).toBe(true);
    const own = (await actorFor(db, supplier.email)).organisationId;
    const links = await nav.getByTestId('nav-quality').locator('a').evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
    expect(links).toEqual(['/approved-suppliers', '/scars', `/scorecards/${own}`]);
  });

  step('QA enrols a passkey', async () => {
    const { page } = qaVisit;
    await enrolPasskeyInBrowser(page, 'QA laptop', demoPassword);
    expect(await authenticator.credentials()).toHaveLength(1);
  });

  step('QA accepts the lot with a photo attached, signed with the passkey', async () => {
    const { page } = qaVisit;
    await page.goto(`/lots/${lotId}`);
    const form = page.getByTestId('inspect-form');
    await form.getByTestId('inspect-passkey').waitFor(); // hydrated
    await form.getByLabel('Accept', { exact: true }).check();
    await form.getByLabel('Sample size').fill('20');
    await form.locator('input[name="attachments"]').setInputFiles({ name: 'cap-thread.png', mimeType: 'image/png', buffer: png });
    await form.getByTestId('inspect-passkey').click();
    await page.getByTestId('inspected').or(page.getByRole('alert')).first().waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.getByTestId('lot-state').textContent()).toBe('Released');
    expect(await page.getByTestId('inspection-signature').textContent()).toContain('passkey');
    expect(await page.getByTestId('inspection-attachments').getByRole('link').textContent()).toBe('cap-thread.png');
    const signature = await db.get<{ method: string; credential_id: string }>("SELECT method, credential_id FROM signatures WHERE entity_type = 'lot' AND entity_id = ?", [lotId]);
    expect(signature).toEqual({ method: 'passkey', credential_id: Buffer.from((await authenticator.credentials())[0]!.credentialId, 'base64').toString('base64url') });
    await page.screenshot({ path: join(shots, 'qa-lot-released-en.png'), fullPage: true });
  });

  step('QA creates an approved supplier list entry signed with the passkey', async () => {
    const { page } = qaVisit;
    await page.goto('/approved-suppliers');
    const form = page.getByTestId('asl-create');
    await form.getByTestId('asl-passkey').waitFor(); // hydrated
    await form.getByLabel('Supplier').selectOption({ label: 'Suzhou Precision Components Co., Ltd.' });
    await form.getByLabel('Item (GTIN)').fill(gtin);
    await form.getByLabel('Status').selectOption({ label: 'Conditional' });
    await form.getByLabel('Reason').fill('First article inspection passed; audit due 2027-03.');
    await form.getByTestId('asl-passkey').click();
    await page.waitForURL((url) => /^\/approved-suppliers\/asl_/.test(url.pathname));
    await page.getByTestId('asl-saved').waitFor();
    const id = new URL(page.url()).pathname.split('/').pop()!;
    expect(await db.get("SELECT method, meaning FROM signatures WHERE entity_type = 'supplier_approval' AND entity_id = ?", [id])).toEqual({ method: 'passkey', meaning: 'approval' });
  });

  step('the supplier sees the decision and downloads the photo', async () => {
    const { page } = supplierVisit;
    await page.goto(`/lots/${lotId}`);
    const link = page.getByTestId('inspection-attachments').getByRole('link', { name: 'Download cap-thread.png' });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('cap-thread.png');
    const bytes = await (await download.createReadStream()).toArray();
    expect(Buffer.concat(bytes).equals(png)).toBe(true);
  });
});
