// German notices in real Chromium against the real server and a real SMTP server: the ERP
// ships a lot to the demo's German distributor and issues a recall with its reason and hazard
// also in German; QA releases the notices; the mail arrives German first with the German PDF;
// a browser asking for German opens the link and sees the notice page in German with the German
// texts, signs in, and answers on the reply page in German; the receipt mail comes in German.
// QA then issues a recall through the form with German texts, which its page shows as signed.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { elementsWiderThanViewport, htmlLang, newVisitor, postsForm, signInAsDemo, stepsInOrder, type Visitor } from '../support/browser.ts';
import { demo } from '../support/demo.ts';
import { mailText } from '../support/mail.ts';
import { releasedRecallForRhein, startMailingPortal, type MailingPortal } from '../support/mailing-portal.ts';
import { waitFor } from '../support/wait.ts';

const qa = demo('manufacturer_qa');
const distributor = demo('distributor_user');
const infusionSet = '09506000134352';

let world: MailingPortal;
let recallId: string;

beforeAll(async () => {
  world = await startMailingPortal();
  recallId = await releasedRecallForRhein(world, {
    recallNumber: 'FSCA-E2E-DE',
    gtin: infusionSet,
    lot: 'L-DE-A',
    recall: {
      classifications: [{ jurisdiction: 'EU-MDR', type: 'fsca', class: 'other' }],
      instructions: [{ action: 'quarantine' }, 'Use the enclosed return form.'],
      translations: { de: { reason: 'Die Rollenklemme kann undicht sein', hazard: 'Unterinfusion möglich', instructionText: 'Verwenden Sie das beiliegende Rücksendeformular.' } },
    },
  });
});

afterAll(async () => {
  await world?.stop();
});

describe('a German distributor reads its notice and replies in German', () => {
  const step = stepsInOrder();
  let visit: Visitor;
  let link: string;

  beforeAll(async () => {
    // A desktop screen: on a phone the German labels of the notice's fact list are too wide for
    // its two columns (portal/app.css dl.facts), which the phone layout work stacks.
    visit = await newVisitor(world.browser, world.server.url, { locale: 'de-DE' });
  });

  afterAll(async () => {
    expect(visit.pageErrors.map(String)).toEqual([]);
    await visit.context.close();
  });

  step('the notice mail arrives German first, with the German notice PDF and a link', async () => {
    const mail = await waitFor('the notice mail', () => world.mails.find((m) => m.to.includes(distributor.email)));
    const text = mail.raw.replace(/=\r\n/g, '');
    expect(text).toContain('field-safety-notice-FSCA-E2E-DE-de.pdf');
    link = /(http:\/\/[^\s]+\/notices\/rnt_[a-z2-7]+\.\d+\.[A-Za-z0-9_-]{43})/.exec(text)![1]!;
    const stored = (await world.db.get<{ id: string; text_body: string; locale: string }>("SELECT id, text_body, locale FROM mail_messages WHERE purpose = 'recall.notice' AND to_address = ?", [distributor.email]))!;
    expect(stored.locale).toBe('de');
    expect(mailText(world.db, stored)).toMatch(/^An Rhein Medical Distribution GmbH,\n\nDer Hersteller hat den Rückruf FSCA-E2E-DE .*\n\nGrund: Die Rollenklemme kann undicht sein/);
  });

  step('the notice page is in German, with the German reason and hazard', async () => {
    const { page } = visit;
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: 'Sicherheitskorrekturmaßnahme im Feld — Rückruf FSCA-E2E-DE' }).waitFor();
    expect(await htmlLang(page)).toBe('de');
    const main = await page.locator('main').innerText();
    for (const text of ['Dringende Sicherheitsinformation', 'Grund für diese Maßnahme', 'Die Rollenklemme kann undicht sein', 'Gefährdung für Patienten und Anwender', 'Unterinfusion möglich', 'An Sie gelieferte Chargen und Seriennummern', 'Rückmeldung bis', 'Deutsch (PDF)']) {
      expect(main).toContain(text);
    }
    expect(main).not.toContain('Roller clamp');
    expect(await page.getByRole('cell', { name: 'L-DE-A' }).count()).toBe(1);
    expect(await elementsWiderThanViewport(page)).toEqual([]);
  });

  step('it signs in in German and lands on the reply page in German', async () => {
    const { page } = visit;
    await page.getByRole('link', { name: 'Zum Zurückmelden anmelden' }).click();
    await page.getByRole('button', { name: 'Mit einem Passkey anmelden' }).waitFor();
    await page.getByLabel('E-Mail-Adresse').fill(distributor.email);
    await page.getByLabel('Passwort').fill(demoPassword);
    await postsForm(page, '/login', () => page.getByRole('button', { name: 'Anmelden', exact: true }).click());
    await page.waitForURL((url) => url.pathname === `/recalls/${recallId}/reply`);
    await page.getByRole('heading', { level: 1, name: 'Rückruf FSCA-E2E-DE: Ihre Rückmeldung' }).waitFor();
    const main = await page.locator('main').innerText();
    for (const text of ['Was geschehen ist und was zu tun ist', 'Die Rollenklemme kann undicht sein', 'Unterinfusion möglich', 'Maßnahmen, die Sie ergreifen müssen', 'Quarantäne: Verwenden und vertreiben Sie', 'Verwenden Sie das beiliegende Rücksendeformular.', 'Ihre Rückmeldung signieren']) {
      expect(main).toContain(text);
    }
    expect(main).not.toContain('Use the enclosed return form.');
    expect(await elementsWiderThanViewport(page)).toEqual([]);
  });

  step('a refused reply is worded in German; the signed reply is recorded and its receipt mailed in German', async () => {
    const { page } = visit;
    await page.getByLabel('Ja: Wir melden unseren Bestand je Charge').check();
    const lot = page.getByTestId('lot-L-DE-A');
    for (const [label, value] of [['Erhalten', '24'], ['Jetzt vorhanden', '10'], ['In Quarantäne', '12'], ['Zurückgesandt', '0'], ['Vernichtet', '0'], ['Vor Ort korrigiert', '0']] as const) await lot.getByLabel(label).fill(value);
    await page.getByTestId('actions-completed').getByLabel('Nein: noch nicht').check();
    await page.getByTestId('customers-informed').getByLabel('Nicht zutreffend: wir haben keine betroffenen Einheiten weitergegeben').check();
    await page.getByLabel('Ihre Funktion (Stellenbezeichnung)').fill('Lagerleiterin');
    await page.getByLabel('Ihre Telefonnummer').fill('+49 89 555 0100');
    await page.getByLabel('Wir haben die Sicherheitsanweisung im Feld gelesen und verstanden.').check();
    await page.getByLabel('Ihr Passwort').fill(demoPassword);
    await postsForm(page, `/recalls/${recallId}/reply`, () => page.getByRole('button', { name: 'Rückmeldung signieren und senden' }).click()).catch((e: Error) => {
      if (!/HTTP 400/.test(e.message)) throw e;
    });
    await lot.getByText('12 in Quarantäne ist mehr als die 10 vorhandenen.').waitFor();

    await lot.getByLabel('In Quarantäne').fill('10');
    await lot.getByLabel('Jetzt vorhanden').fill('10');
    await lot.getByLabel('Vernichtet').fill('14');
    await page.getByLabel('Ihr Passwort').fill(demoPassword);
    await postsForm(page, `/recalls/${recallId}/reply`, () => page.getByRole('button', { name: 'Rückmeldung signieren und senden' }).click());
    await page.getByTestId('replied').waitFor();
    expect(await page.getByTestId('replied').innerText()).toContain('Ihre signierte Rückmeldung wurde als Version 1 erfasst');
    const receipt = await waitFor('the receipt mail', () =>
      world.db.get<{ subject: string; locale: string }>("SELECT subject, locale FROM mail_messages WHERE purpose = 'recall.receipt' AND to_address = ?", [distributor.email]),
    );
    expect(receipt).toEqual({ subject: 'Empfangsbestätigung: Ihre signierte Rückmeldung zum Rückruf FSCA-E2E-DE (Version 1)', locale: 'de' });
  });
});

describe('QA issues a recall with German texts through the form', () => {
  const step = stepsInOrder();
  step('the form takes reason, hazard and instructions in German; the signed recall shows them', async () => {
    const visitor = await newVisitor(world.browser, world.server.url);
    const { page } = visitor;
    await signInAsDemo(page, qa.email);
    await page.goto('/recalls/new');
    await page.getByLabel('Recall number').fill('FSCA-E2E-DE-2');
    await page.locator('#class-EU-MDR').selectOption('other');
    await page.locator('#reason').fill('Roller clamp may leak');
    await page.locator('#hazard').fill('Under-infusion');
    await page.getByText('Reason, hazard and instructions per language').click();
    const german = page.getByTestId('translation-de');
    expect(await german.locator('legend').innerText()).toBe('In German (Deutsch)');
    await german.getByLabel('Reason for the recall').fill('Die Rollenklemme kann undicht sein');
    await german.getByLabel('Hazard to patients and users').fill('Unterinfusion möglich');
    await page.locator('[name="products.0.gtin"]').fill(infusionSet);
    await page.locator('[name="products.0.lots"]').fill('L-DE-A');
    await page.locator('#responseDeadline').fill(new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10));
    await page.locator('input[name="effectivenessLevel"][value="C"]').check();
    await page.getByLabel('German (Deutsch)', { exact: true }).check();
    await page.locator('#password').fill(demoPassword);
    await postsForm(page, '/recalls/new', () => page.getByRole('button', { name: 'Sign and issue' }).click());
    await page.waitForURL((url) => /^\/recalls\/rcl_/.test(url.pathname));
    expect(await page.getByTestId('translation-de').innerText()).toContain('Die Rollenklemme kann undicht sein');
    const row = (await world.db.get<{ notice_locales: string; translations: string; record_hash: string; signed: string }>(
      "SELECT notice_locales, payload -> '$.translations' AS translations, record_hash, (SELECT record_hash FROM signatures WHERE entity_id = recalls.id) AS signed FROM recalls WHERE recall_number = 'FSCA-E2E-DE-2'",
    ))!;
    expect(JSON.parse(row.notice_locales)).toEqual(['en', 'zh-CN', 'de']);
    expect(JSON.parse(row.translations)).toEqual({ de: { reason: 'Die Rollenklemme kann undicht sein', hazard: 'Unterinfusion möglich' } });
    expect(row.signed).toBe(row.record_hash);
    expect(visitor.pageErrors.map(String)).toEqual([]);
    await visitor.context.close();
  });
});
