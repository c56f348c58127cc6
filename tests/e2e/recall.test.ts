// A recall in real Chromium against the real server and a real SMTP server: the ERP ships two
// lots to the demo distributor and issues a recall; QA releases the notices; the notice mail
// arrives with its link; on a phone-sized screen the distributor's recall contact (no account
// yet) opens the link, creates an account with the code mailed to them, reports stock for both lots with a sub-recipient,
// answers the MDCG 2023-3 questions (corrected units, actions completed, customers informed, a
// question for QA, function and phone), gets a quantity and the phone refused next to their
// fields, corrects them, signs, and downloads the receipt; QA's recall page shows the reply and
// the question.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Db } from '../../shared/db/index.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import type { RunningServer } from '../support/server.ts';
import { waitFor } from '../support/wait.ts';
import { elementsWiderThanViewport, newVisitor, phone, postsForm, stepsInOrder, type Visitor, signInAsDemo } from '../support/browser.ts';
import { actorFor } from '../support/actors.ts';
import type { ReceivedMail } from '../support/smtp.ts';
import { demo } from '../support/demo.ts';
import { startMailingPortal, type MailingPortal } from '../support/mailing-portal.ts';
import { pdfText } from '../support/pdf-text.ts';

const qa = demo('manufacturer_qa');
const infusionSet = '09506000134352';
const contact = 'recall@rhein-medical.example';

let world: MailingPortal;
let server: RunningServer;
let browser: Browser;
let db: Db;
let mails: ReceivedMail[];
let recallId: string;

beforeAll(async () => {
  world = await startMailingPortal();
  ({ server, browser, db, mails } = world);
  const { erp } = world;
  await erp('shipment.dispatched', {
    shipmentNumber: 'SH-E2E-1',
    distributor: { erpId: 'C-20001' },
    dispatchedAt: '2026-02-10T08:00:00Z',
    lines: [
      { gtin: infusionSet, lot: 'L-E2E-A', quantity: 100 },
      { gtin: infusionSet, lot: 'L-E2E-B', quantity: 30 },
    ],
  });
  const deadline = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
  await erp('recall.issued', {
    recallNumber: 'FSCA-E2E-1',
    issuedAt: new Date().toISOString(),
    reason: 'Roller clamp may leak',
    hazard: 'Under-infusion',
    classifications: [{ jurisdiction: 'EU-MDR', type: 'fsca', class: 'other' }],
    instructions: [{ action: 'quarantine' }, { action: 'return' }],
    products: [{ gtin: infusionSet, lots: ['L-E2E-A', 'L-E2E-B'] }],
    responseDeadline: deadline,
  });
  recallId = (await db.get<{ id: string }>("SELECT id FROM recalls WHERE recall_number = 'FSCA-E2E-1'"))!.id;
  // The distributor's recall contact has no account yet: the notice link has to lead to one.
  await db.run("UPDATE organisations SET recall_contact_email = ? WHERE erp_id = 'C-20001'", [contact]);
  await sendRecallNotices(world.ctx, await actorFor(db, qa.email), { recallId, portalUrl: server.url });
});

afterAll(async () => {
  await world?.stop();
});

describe('a distributor answers a recall notice on a phone', () => {
  const step = stepsInOrder();
  let visit: Visitor;
  let link: string;

  beforeAll(async () => {
    visit = await newVisitor(browser, server.url, phone);
  });

  afterAll(async () => {
    expect(visit.pageErrors.map(String)).toEqual([]);
    await visit.context.close();
  });

  step('the notice mail arrives with both PDFs and a link', async () => {
    const mail = await waitFor('the notice mail', () => mails.find((m) => m.to.includes(contact)));
    const text = mail.raw.replace(/=\r\n/g, '');
    expect(text).toContain('field-safety-notice-FSCA-E2E-1-en.pdf');
    expect(text).toContain('field-safety-notice-FSCA-E2E-1-zh-CN.pdf');
    link = /(http:\/\/[^\s]+\/notices\/rnt_[a-z2-7]+\.\d+\.[A-Za-z0-9_-]{43})/.exec(text)![1]!;
    expect(new URL(link).origin).toBe(server.url);
  });

  step('the link opens the notice without an account and leads to one through a mailed code', async () => {
    const { page } = visit;
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: /FSCA-E2E-1/ }).waitFor();
    expect(await page.getByRole('cell', { name: 'L-E2E-A' }).count()).toBe(1);
    expect(await elementsWiderThanViewport(page)).toEqual([]);
    await page.getByLabel('Your full name').fill('Jonas Weber');
    // The link alone makes no account: a one-time code goes to the notice's address.
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await page.getByRole('heading', { name: 'Enter the code from the e-mail' }).waitFor();
    const codeMail = await waitFor('the code mail', () => mails.find((m) => m.to.includes(contact) && /Your code for recall FSCA-E2E-1/.test(m.raw.replace(/=\r\n/g, ''))));
    const code = /\b(\d{6})\b/.exec(codeMail.raw.replace(/=\r\n/g, '').split(/\r?\n\r?\n/).slice(1).join('\n'))![1]!;
    await page.getByLabel('Code', { exact: true }).fill(code);
    await page.getByLabel('Choose a password (at least 12 characters)').fill('rhein-recall-2026');
    await page.getByLabel('Repeat the password').fill('rhein-recall-2026');
    await page.getByRole('button', { name: 'Create the account and continue' }).click();
    await page.waitForURL((url) => url.pathname === `/recalls/${recallId}/reply`);
    await page.getByRole('heading', { level: 1, name: 'Recall FSCA-E2E-1: your reply' }).waitFor();
    await page.goto('/home');
    // Home is the work list: the notice waits for a reply, and its entry leads to the reply page.
    const waiting = page.locator('[data-testid="work-entry"][data-kind="noticesAwaitingReply"]');
    expect(await waiting.getByTestId('work-count').innerText()).toBe('1');
    await waiting.getByTestId('work-item').getByRole('link', { name: /FSCA-E2E-1/ }).click();
    await page.waitForURL((url) => url.pathname === `/recalls/${recallId}/reply`);
    await page.getByRole('heading', { level: 1, name: 'Recall FSCA-E2E-1: your reply' }).waitFor();
  });

  step('reports stock for two lots; an impossible quantity is refused and named', async () => {
    const { page } = visit;
    await page.getByLabel('Yes: we report our stock per lot').check();
    const a = page.getByTestId('lot-L-E2E-A');
    await a.getByLabel('Received').fill('100');
    await a.getByLabel('On hand now').fill('60');
    await a.getByLabel('Quarantined').fill('70');
    await a.getByLabel('Returned').fill('0');
    await a.getByLabel('Destroyed').fill('0');
    await a.getByLabel('Corrected on site').fill('0');
    await a.getByText('We passed units of this lot on').click();
    await a.getByLabel('Recipient').first().fill('Klinikum Süd');
    await a.getByLabel('Quantity').first().fill('40');
    await a.getByLabel('Told on').first().fill(new Date().toISOString().slice(0, 10));
    const b = page.getByTestId('lot-L-E2E-B');
    for (const [label, value] of [['Received', '30'], ['On hand now', '30'], ['Quarantined', '30'], ['Returned', '0'], ['Destroyed', '0'], ['Corrected on site', '0']] as const) await b.getByLabel(label).fill(value);
    await page.getByTestId('actions-completed').getByLabel('No: not yet').check();
    await page.getByTestId('customers-informed').getByLabel('Yes: they are listed under the lots above').check();
    await page.getByLabel('I have a question: please contact me').check();
    await page.getByLabel('Your question (optional)').fill('Who collects the quarantined units?');
    await page.getByLabel('Your function (job title)').fill('Warehouse manager');
    await page.getByLabel('Your phone number').fill('ring me');
    await page.getByLabel('We have read and understood the field safety notice.').check();
    await page.getByLabel('Your password').fill('rhein-recall-2026');
    await postsForm(page, `/recalls/${recallId}/reply`, () => page.getByRole('button', { name: 'Sign and send the reply' }).click()).catch((e: Error) => {
      if (!/HTTP 400/.test(e.message)) throw e;
    });
    await a.getByText('70 quarantined is more than the 60 on hand.').waitFor();
    expect(await db.get('SELECT COUNT(*) AS n FROM recall_acknowledgements')).toEqual({ n: 0 });
    expect(await elementsWiderThanViewport(page)).toEqual([]);
    // At 390 px the phone's problem sits right under its field, as wide as the screen allows.
    const phoneField = page.getByLabel('Your phone number');
    const phoneProblem = page.locator('#signerPhone-problem');
    expect(await phoneProblem.innerText()).toBe('Enter a phone number: digits, spaces and + ( ) . / - only, 5 to 30 digits.');
    expect(await phoneField.getAttribute('aria-describedby')).toContain('signerPhone-problem');
    const field = (await phoneField.boundingBox())!;
    const said = (await phoneProblem.boundingBox())!;
    expect(said.y - (field.y + field.height)).toBeGreaterThanOrEqual(0);
    expect(said.y - (field.y + field.height)).toBeLessThan(24);
    expect(Math.abs(said.x - field.x)).toBeLessThan(4);
    expect(said.x + said.width).toBeLessThanOrEqual(390);
    // What was answered stays after the refusal.
    expect(await page.getByLabel('Your question (optional)').inputValue()).toBe('Who collects the quarantined units?');
    expect(await page.getByTestId('actions-completed').getByLabel('No: not yet').isChecked()).toBe(true);
  });

  step('corrects it, signs, and downloads the receipt', async () => {
    const { page } = visit;
    const a = page.getByTestId('lot-L-E2E-A');
    await a.getByLabel('Quarantined').fill('60');
    await page.getByLabel('Your phone number').fill('+49 221 555 0100');
    await page.getByLabel('Your password').fill('rhein-recall-2026');
    await postsForm(page, `/recalls/${recallId}/reply`, () => page.getByRole('button', { name: 'Sign and send the reply' }).click());
    await page.getByTestId('replied').waitFor();
    expect(await page.getByTestId('replied').textContent()).toContain('version 1');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('replied').getByRole('link', { name: 'Download the receipt (PDF)' }).click()]);
    const dir = mkdtempSync(join(tmpdir(), 'lotbridge-receipt-'));
    const file = join(dir, download.suggestedFilename());
    await download.saveAs(file);
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(readFileSync(file));
    expect(text).toContain('Reply to recall FSCA-E2E-1 — version 1');
    expect(text).toContain('Received 100 · on hand 60 · quarantined 60 · returned 0 · destroyed 0 · passed on 40');
    expect(text).toContain('Jonas Weber');
    for (const said of ['Function: Warehouse manager', 'Phone: +49 221 555 0100', 'Corrected on site: 0', 'All actions completed: no', 'Customers informed: yes', 'Question: Who collects the quarantined units?']) expect(text).toContain(said);
  });

  step("QA's recall page shows the reply", async () => {
    const qaVisit = await newVisitor(browser, server.url);
    const { page } = qaVisit;
    await signInAsDemo(page, qa.email);
    await page.goto(`/recalls/${recallId}`);
    await page.getByRole('heading', { level: 1, name: /FSCA-E2E-1/ }).waitFor();
    const body = await page.locator('main').innerText();
    expect(body).toContain('Rhein Medical Distribution GmbH');
    const figure = async (key: string) => (await page.getByTestId(`figure-${key}`).locator('.value').innerText()).trim();
    expect(await figure('acknowledged')).toBe('1');
    expect(await figure('quarantineConfirmed')).toBe('1');
    expect(await figure('opened')).toBe('1');
    const row = page.locator('[data-testid="consignee-row"]', { hasText: 'Rhein Medical Distribution GmbH' });
    expect(await row.getByTestId('reply-question').innerText()).toContain('Who collects the quarantined units?');
    expect(await row.getByTestId('reply-signer').innerText()).toBe('Signer: Warehouse manager · +49 221 555 0100');
    expect(qaVisit.pageErrors.map(String)).toEqual([]);
    await qaVisit.context.close();
  });
});
