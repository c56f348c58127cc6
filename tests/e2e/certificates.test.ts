// Certificates in real Chromium against the real server: the demo supplier uploads a real PDF,
// QA approves it with an electronic signature (password re-authentication), the supplier sees
// it approved with QA's printed name and the meaning; and QA signs with a passkey from the
// virtual authenticator after enrolling one.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Browser } from 'playwright-core';
import { PDFDocument } from 'pdf-lib';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import type { Db } from '../../shared/db/index.ts';
import { BrowserClient, ensurePortalBuilt, openServerDb } from '../support/portal.ts';
import { startServer, tempDir, type RunningServer } from '../support/server.ts';
import { addVirtualAuthenticator, enrolPasskeyInBrowser, launchChromium, newVisitor, postsForm, stepsInOrder, type VirtualAuthenticator, signInAsDemo, type Visitor } from '../support/browser.ts';
import { demo } from '../support/demo.ts';

const supplier = demo('supplier_user');
const qa = demo('manufacturer_qa');

let server: RunningServer;
let browser: Browser;
let db: Db;
let uploads: { dir: string; remove(): void };

async function certificatePdf(title: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.setTitle(title);
  const page = doc.addPage([595, 842]);
  page.drawText(title, { x: 50, y: 780, size: 18 });
  page.drawText('Certificate No. SX 60123456 0001 - valid 2026-03-01 to 2029-02-28', { x: 50, y: 740, size: 11 });
  return Buffer.from(await doc.save());
}

beforeAll(async () => {
  await ensurePortalBuilt();
  uploads = tempDir('lotbridge-e2e-uploads-');
  [server, browser] = await Promise.all([startServer({ UPLOAD_DIR: uploads.dir }), launchChromium()]);
  db = openServerDb(server);
  // WebAuthn only accepts a secure context; over plain HTTP that means the host name localhost.
  expect(new URL(server.url).hostname).toBe('localhost');
});

afterAll(async () => {
  db?.close();
  await browser?.close();
  await server?.stop();
  uploads?.remove();
});

describe('a supplier uploads a certificate, QA approves it with a password signature', () => {
  const step = stepsInOrder();
  let supplierVisit: Visitor;
  let qaVisit: Visitor;
  let certificatePath: string;

  beforeAll(async () => {
    [supplierVisit, qaVisit] = await Promise.all([newVisitor(browser, server.url), newVisitor(browser, server.url)]);
  });

  afterAll(async () => {
    expect(supplierVisit.pageErrors.map(String)).toEqual([]);
    expect(qaVisit.pageErrors.map(String)).toEqual([]);
    await supplierVisit.context.close();
    await qaVisit.context.close();
  });

  step('the supplier uploads a PDF with the certificate’s details', async () => {
    const { page } = supplierVisit;
    await signInAsDemo(page, supplier.email);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Certificates' }).click();
    await page.getByRole('heading', { level: 1, name: 'Certificates' }).waitFor();
    await page.getByTestId('no-certificates').waitFor();

    const form = page.getByRole('region', { name: 'Upload a certificate' });
    await form.getByLabel('Type').selectOption({ label: 'ISO 13485' });
    await form.getByLabel('Certificate number').fill('SX 60123456 0001');
    await form.getByLabel('Issuer / notified body').fill('TÜV SÜD Product Service GmbH (0123)');
    await form.getByLabel('Scope').fill('Design and manufacture of precision-moulded components for infusion sets');
    await form.getByLabel('Products covered (GTINs, optional)').fill('09506000134352');
    await form.getByLabel('Lots covered (optional)').fill('L2403A, L2403B');
    await form.getByLabel('Valid from').fill('2026-03-01');
    await form.getByLabel('Valid to').fill('2029-02-28');
    await form.getByLabel('Certificate (PDF)').setInputFiles({ name: 'ISO 13485 certificate.pdf', mimeType: 'application/pdf', buffer: await certificatePdf('ISO 13485:2016 certificate') });
    await postsForm(page, '/certificates', () => form.getByRole('button', { name: 'Submit for review' }).click());

    await page.waitForURL((url) => /^\/certificates\/cer_[a-z2-7]+$/.test(url.pathname));
    certificatePath = new URL(page.url()).pathname;
    await page.getByRole('status').filter({ hasText: 'Submitted for review.' }).waitFor();
    expect(await page.getByTestId('state').textContent()).toBe('submitted: awaiting review');
    expect(await page.getByTestId('no-signatures').textContent()).toBe('Not signed yet.');
    expect(await page.getByRole('link', { name: 'Download ISO 13485 certificate.pdf' }).isVisible()).toBe(true);
    // Suppliers do not sign their own certificates.
    expect(await page.getByRole('heading', { name: 'Review and sign' }).count()).toBe(0);
  });

  step('QA finds it in the review queue and approves it with a password signature', async () => {
    const { page } = qaVisit;
    await signInAsDemo(page, qa.email);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Certificates' }).click();
    await page.getByTestId('to-review').click();
    await page.waitForURL((url) => url.searchParams.get('state') === 'submitted');
    const row = page.getByTestId('certificate').filter({ hasText: 'SX 60123456 0001' });
    expect(await row.getByRole('cell', { name: 'Suzhou Precision Components Co., Ltd.' }).isVisible()).toBe(true);
    await row.getByRole('link', { name: 'SX 60123456 0001' }).click();
    await page.waitForURL((url) => url.pathname === certificatePath);

    // The PDF is there to review, and the page says what signing means for which version.
    const download = await page.context().request.get(`${certificatePath}/file`);
    expect(download.status()).toBe(200);
    expect(download.headers()['content-type']).toBe('application/pdf');
    expect((await download.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const hash = (await page.getByTestId('record-hash').textContent())!;
    expect(await page.getByTestId('approve-statement').textContent()).toBe(`By signing you approve this certificate version ${hash.slice(0, 12)}… (meaning: approval).`);

    await page.getByRole('button', { name: 'Sign with passkey and approve' }).waitFor(); // hydrated
    await page.locator('#approve-password').fill(demoPassword);
    await postsForm(page, certificatePath, () => page.getByRole('button', { name: 'Sign with password and approve' }).click());
    await page.getByRole('status').filter({ hasText: 'Approved and signed.' }).waitFor();
    expect(await page.getByTestId('state').textContent()).toBe('approved');
    expect(await page.getByTestId('signer-name').textContent()).toBe(qa.displayName);
    expect(await page.getByRole('heading', { name: 'Review and sign' }).count()).toBe(0);
  });

  step('the supplier sees it approved, with QA’s printed name, the time and the meaning', async () => {
    const { page } = supplierVisit;
    await page.reload();
    expect(await page.getByTestId('state').textContent()).toBe('approved');
    const signature = page.getByTestId('signature');
    expect(await signature.getByTestId('signer-name').textContent()).toBe('Dr. Lena Fischer');
    expect(await signature.getByTestId('meaning').textContent()).toBe('Approval');
    expect(await signature.getByTestId('method').textContent()).toBe('password');
    const signedAt = (await db.get<{ signed_at: string }>("SELECT signed_at FROM signatures WHERE entity_type = 'certificate' AND entity_id = ?", [certificatePath.split('/').pop()!]))!
      .signed_at;
    expect(await signature.getByTestId('signed-at').textContent()).toBe(`${signedAt.slice(0, 19).replace('T', ' ')} UTC`);
    const history = page.getByTestId('history');
    for (const action of ['PDF stored', 'Submitted', 'Electronic signature applied', 'Approved']) {
      expect(await history.getByRole('cell', { name: action, exact: true }).count(), action).toBe(1);
    }

    await page.getByRole('link', { name: 'Back to the certificates' }).click();
    const row = page.getByTestId('certificate').filter({ hasText: 'SX 60123456 0001' });
    expect(await row.getAttribute('data-state')).toBe('approved');
  });
});

describe('QA signs with a passkey', () => {
  const step = stepsInOrder();
  let qaVisit: Visitor;
  let authenticator: VirtualAuthenticator;
  let certificateId: string;

  beforeAll(async () => {
    qaVisit = await newVisitor(browser, server.url);
    authenticator = await addVirtualAuthenticator(qaVisit.context, qaVisit.page);
    // The certificate to decide comes in through the same form, posted without a browser.
    const asSupplier = new BrowserClient(server.url);
    await asSupplier.signInOrThrow(supplier.email, demoPassword);
    const form = new FormData();
    for (const [k, v] of Object.entries({
      type: 'ce_mdr',
      number: 'CE 2797-MDR-0042',
      issuer: 'BSI Group The Netherlands B.V. (2797)',
      scope: 'Sterile single-use infusion sets, class IIa',
      gtins: '09506000134352',
      lots: '',
      validFrom: '2026-04-01',
      validTo: '2031-03-31',
    }))
      form.set(k, v);
    form.set('file', new Blob([new Uint8Array(await certificatePdf('CE certificate (MDR)'))], { type: 'application/pdf' }), 'CE-MDR.pdf');
    const res = await asSupplier.request('/certificates?/submit', { method: 'POST', body: form, headers: { accept: 'text/html' } });
    expect(res.status).toBe(303);
    certificateId = /\/certificates\/(cer_[a-z2-7]+)/.exec(res.headers.get('location')!)![1]!;
  });

  afterAll(async () => {
    expect(qaVisit.pageErrors.map(String)).toEqual([]);
    await qaVisit.context.close();
  });

  step('QA enrols a passkey', async () => {
    const { page } = qaVisit;
    await signInAsDemo(page, qa.email);
    await enrolPasskeyInBrowser(page, 'QA laptop', demoPassword);
    expect(await authenticator.credentials()).toHaveLength(1);
  });

  step('QA approves the certificate with the passkey instead of the password', async () => {
    const { page } = qaVisit;
    const signCountBefore = (await authenticator.credentials())[0]!.signCount;
    await page.goto(`/certificates/${certificateId}`);
    const hash = (await page.getByTestId('record-hash').textContent())!;
    await page.getByRole('button', { name: 'Sign with passkey and approve' }).click();

    // Either the approval comes, or the page says why not.
    const outcome = page.getByRole('status').filter({ hasText: 'Approved and signed.' });
    await outcome.or(page.getByRole('alert')).first().waitFor();
    expect(await page.getByRole('alert').allTextContents()).toEqual([]);
    expect(await page.getByTestId('state').textContent()).toBe('approved');
    expect(await page.getByTestId('signer-name').textContent()).toBe(qa.displayName);
    expect(await page.getByTestId('meaning').textContent()).toBe('Approval');
    expect(await page.getByTestId('method').textContent()).toBe('passkey');
    expect((await authenticator.credentials())[0]!.signCount).toBeGreaterThan(signCountBefore);

    const signature = await db.get<{ method: string; credential_id: string | null; record_hash: string; meaning: string }>(
      "SELECT method, credential_id, record_hash, meaning FROM signatures WHERE entity_type = 'certificate' AND entity_id = ?",
      [certificateId],
    );
    expect(signature).toMatchObject({ method: 'passkey', record_hash: hash, meaning: 'approval' });
    expect(signature!.credential_id).toBeTruthy();
    // The passkey's challenge was bound to this version and used once.
    expect(await db.get("SELECT id FROM webauthn_challenges WHERE purpose = 'signature'")).toBeUndefined();
  });
});
