// Phone first: a distributor's refused recall reply moves the focus to an error summary at the
// top of the page, which names every field in error and whose links put the focus in that field.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Db } from '../../shared/db/index.ts';
import { generateSecret } from '../../shared/webhooks/signature.ts';
import { ensurePortalBuilt, openServerDb } from '../support/portal.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { launchChromium, newVisitor, phone, signInAsDemo, stepsInOrder, type Visitor } from '../support/browser.ts';
import { demo } from '../support/demo.ts';
import { issueDemoRecall } from '../support/demo-recall.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';

const inboundSecret = generateSecret();
let server: RunningServer;
let browser: Browser;
let db: Db;
let recallId: string;

beforeAll(async () => {
  await ensurePortalBuilt();
  [server, browser] = await Promise.all([startServer({ ERP_INBOUND_SECRET: inboundSecret }), launchChromium()]);
  db = openServerDb(server);
  recallId = await issueDemoRecall(server, db, inboundSecret, 'FSCA-SUMMARY-1');
});

afterAll(async () => {
  db?.close();
  await browser?.close();
  await server?.stop();
});

/** The focused element: its id, and the id of the summary it sits in if any. */
const focused = (visit: Visitor) =>
  visit.page.evaluate(() => ({ id: document.activeElement?.id ?? '', tag: document.activeElement?.tagName.toLowerCase() ?? '', summary: document.activeElement?.getAttribute('data-testid') ?? '' }));

describe('a refused reply on a phone', () => {
  const step = stepsInOrder();
  let visit: Visitor;

  beforeAll(async () => {
    visit = await newVisitor(browser, server.url, phone);
    await signInAsDemo(visit.page, demo('distributor_user').email);
  });

  afterAll(async () => {
    expect(visit.pageErrors.map(String)).toEqual([]);
    await visit.context.close();
  });

  step('moves the focus to the error summary at the top, which names each field in error', async () => {
    const { page } = visit;
    await page.goto(`/recalls/${recallId}/reply`);
    await page.getByRole('heading', { level: 1, name: 'Recall FSCA-SUMMARY-1: your reply' }).waitFor();
    // Nothing refused yet: no summary, the focus is where a fresh page leaves it.
    expect(await page.getByTestId('error-summary').count()).toBe(0);
    await page.getByLabel('Yes: we report our stock per lot').check();
    const a = page.getByTestId('lot-DEMO-2601A');
    for (const [label, value] of [['Received', '120'], ['On hand now', '60'], ['Quarantined', '70'], ['Returned', '0'], ['Destroyed', '0'], ['Corrected on site', '0']] as const) await a.getByLabel(label).fill(value);
    // Lot B left blank and the notice not confirmed as understood.
    await page.getByLabel('Your password').fill(demoPassword);
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/recalls/${recallId}/reply`),
      page.getByRole('button', { name: 'Sign and send the reply' }).click(),
    ]);
    const summary = page.getByTestId('error-summary');
    await summary.waitFor();
    await expect.poll(async () => (await focused(visit)).summary).toBe('error-summary');
    // It is the first thing on the page after the heading, above the notice and the form.
    const order = await page.evaluate(() => {
      const s = document.querySelector('[data-testid="error-summary"]')!;
      const form = document.querySelector('form[aria-labelledby="your-reply"]')!;
      return s.compareDocumentPosition(form) & Node.DOCUMENT_POSITION_FOLLOWING;
    });
    expect(order).toBeTruthy();
    const text = await summary.innerText();
    expect(text).toContain('There is a problem');
    expect(text).toContain('Lot DEMO-2601A · Quarantined: 70 quarantined is more than the 60 on hand.');
    expect(text).toContain('Confirm that you have read and understood the notice.');
    expect(await db.get('SELECT COUNT(*) AS n FROM recall_acknowledgements')).toEqual({ n: 0 });
  });

  step('each of its links puts the focus in the field it names', async () => {
    const { page } = visit;
    const links = page.getByTestId('error-summary').getByRole('link');
    const count = await links.count();
    expect(count).toBeGreaterThan(1);
    for (let i = 0; i < count; i++) {
      const link = links.nth(i);
      const field = (await link.getAttribute('data-field'))!;
      const target = (await link.getAttribute('href'))!.slice(1);
      await link.click();
      const now = await focused(visit);
      // The named control itself, or the first control of the named group (a lot's fieldset).
      const inTarget = await page.evaluate(([id]) => {
        const el = document.getElementById(id!);
        return !!el && (el === document.activeElement || el.contains(document.activeElement));
      }, [target]);
      expect({ field, inTarget, tag: now.tag }).toEqual({ field, inTarget: true, tag: 'input' });
    }
    // The quarantined count of lot A is among them, and its link lands in that very input.
    await page.getByTestId('error-summary').getByRole('link', { name: /Lot DEMO-2601A · Quarantined/ }).click();
    expect((await focused(visit)).id).toBe('lot-0-quarantined');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('70');
  });
});
