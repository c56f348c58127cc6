// Supplier quality in real Chromium against the real server (issue 18): QA's header groups lots,
// approved suppliers, SCARs and scorecards in a menu that works by keyboard; QA enrols a passkey
// in the virtual authenticator, decides a lot with a photo attached and signs with the passkey,
// and signs a new approved supplier list entry the same way, then accepts a SCAR step and returns
// another with a new due date, each signed with the passkey; the supplier downloads the photo.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';
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
import { scarSteps, type ScarStep } from '../../shared/scars/scar.ts';
import { openScar } from '../../shared/scars/open-scar.ts';
import { submitScarAnswer } from '../../shared/scars/submit-scar-answer.ts';
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
let scarId: string;
/** A day `days` after today (UTC), as YYYY-MM-DD. */
const later = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

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
  const supplierActor = await actorFor(db, supplier.email);
  lotId = (await submitLots(ctx, supplierActor, { source: 'form', lots: [{ gtin, lot: 'LC-2612A', quantity: 400, expiryDate: '2030-06-30' }] })).stored[0]!.id;
  // A SCAR whose D1 and D2 the supplier has answered, for QA to decide with the passkey.
  const otherLot = (await submitLots(ctx, supplierActor, { source: 'form', lots: [{ gtin, lot: 'LC-2612B', quantity: 100, expiryDate: '2030-06-30' }] })).stored[0]!.id;
  const rp = { id: 'localhost', name: 'Lotbridge', origin: server.url };
  ({
    scar: { id: scarId },
  } = await openScar(ctx, await actorFor(db, qa.email), rp, {
    supplierId: supplierActor.organisationId,
    title: 'Cap thread out of tolerance',
    problem: 'Thread gauge fails on 3 of 20 caps.',
    severity: 'minor',
    links: [{ kind: 'lot', refId: otherLot }],
    dueDates: Object.fromEntries(scarSteps.map((st, i) => [st, later(10 + i)])) as Record<ScarStep, string>,
    verifyAfter: later(40),
    credential: { password: demoPassword },
  }));
  await submitScarAnswer(ctx, supplierActor, { scarId, step: 'D1', answer: { team: [{ name: 'Wang Fang', role: 'Quality manager' }] } });
  await submitScarAnswer(ctx, supplierActor, { scarId, step: 'D2', answer: { description: 'Thread gauge fails on caps of lot LC-2612B.' } });
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

  step('QA accepts a SCAR step signed with the passkey, and returns another with a new due date [REQ-SQ-PASSKEY-01]', async () => {
    const { page } = qaVisit;
    const card = (st: ScarStep) => page.locator(`[data-testid="scar-step"][data-step="${st}"]`);
    const signWithPasskey = async (st: ScarStep, fill: (form: ReturnType<Page['getByTestId']>) => Promise<void>) => {
      await page.goto(`/scars/${scarId}`);
      const form = card(st).getByTestId('decide-form');
      await form.getByTestId(`${st}-passkey`).waitFor(); // hydrated
      await fill(form);
      await form.getByTestId(`${st}-passkey`).click();
      await page.getByTestId('scar-done').or(page.getByRole('alert')).first().waitFor();
      expect(await page.getByRole('alert').count()).toBe(0);
    };
    await signWithPasskey('D1', (form) => form.getByRole('radio', { name: 'Accept' }).check());
    expect(await card('D1').getAttribute('data-status')).toBe('accepted');

    const due = later(25);
    await signWithPasskey('D2', async (form) => {
      await form.getByRole('radio', { name: 'Return to the supplier' }).check();
      await form.getByLabel('Comment').fill('Name the gauge and its calibration date.');
      await form.getByLabel('New due date (optional, when returning)').fill(due);
      await card('D2').screenshot({ path: join(shots, 'qa-scar-return-passkey-en.png') });
    });
    expect(await card('D2').getAttribute('data-status')).toBe('returned');
    expect(await card('D2').textContent()).toContain(due);
    const signatures = await db.all<{ method: string; meaning: string }>("SELECT method, meaning FROM signatures WHERE entity_type = 'scar' AND entity_id = ? ORDER BY signed_at, rowid", [scarId]);
    expect(signatures).toEqual([
      { method: 'password', meaning: 'authorship' },
      { method: 'passkey', meaning: 'approval' },
      { method: 'passkey', meaning: 'rejection' },
    ]);
    expect(await db.get("SELECT due_date FROM scar_steps WHERE scar_id = ? AND step = 'D2'", [scarId])).toEqual({ due_date: due });
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
