// The supplier corrective action loop in real Chromium against the real server: QA rejects a lot
// at incoming inspection and opens a SCAR from the lot page (supplier, problem and lot prefilled;
// every due date and the verification date set to today, so effectiveness can be verified at the
// end of the journey); the supplier finds the steps on its home page and answers the 8D step by
// step with structured forms and a PDF of evidence; QA accepts each answer, returns D2 once with a
// comment (the supplier answers it again), verifies effectiveness and closes, each signed with its
// password. Both QA and the supplier see the supplier's scorecard move: lot acceptance when the
// lot is rejected, SCAR responsiveness once the 8D is answered and the SCAR closed. Screenshots of
// the SCAR page in English, Chinese and German go to /tmp/lotbridge-scar-*.png.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { actorTimeZone } from '../../shared/auth/actor.ts';
import { todayIn } from '../../shared/time-zone.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { applyItemUpserted } from '../../shared/erp/apply-item-upserted.ts';
import { submitLots } from '../../shared/lots/submit-lots.ts';
import { scarSteps, type ScarStep } from '../../shared/scars/scar.ts';
import { ensurePortalBuilt, openServerDb } from '../support/portal.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { launchChromium, newVisitor, postsForm, stepsInOrder, type Visitor, signInAsDemo } from '../support/browser.ts';
import { actorFor } from '../support/actors.ts';
import { demo } from '../support/demo.ts';
import { pdfBytes } from '../support/uploads.ts';

const supplier = demo('supplier_user');
const qa = demo('manufacturer_qa');
const gtin = '09506000134369';
const lotNumber = 'L-E2E-SCAR';

let server: RunningServer;
let browser: Browser;
let db: Db;
let lotPath: string;
let scarPath: string;
let today: string;
let supplierId: string;
/** The scorecard period the journey's records fall in (measures count by UTC month). */
const month = new Date().toISOString().slice(0, 7);

beforeAll(async () => {
  await ensurePortalBuilt();
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  db = openServerDb(server);
  await db.transaction((tx) => applyItemUpserted(tx, systemClock, { gtin, description: 'Luer lock connector', unitOfMeasure: 'EA' }));
  const ctx = { db, clock: systemClock, policy: defaultPolicy };
  const { stored } = await submitLots(ctx, await actorFor(db, supplier.email), { source: 'form', lots: [{ gtin, lot: lotNumber, quantity: 200, expiryDate: '2031-06-30' }] });
  lotPath = `/lots/${stored[0]!.id}`;
  // QA's "today", by which due dates and the verification date are judged.
  today = todayIn(actorTimeZone(await actorFor(db, qa.email)), new Date());
  supplierId = (await actorFor(db, supplier.email)).organisationId;
});

afterAll(async () => {
  db?.close();
  await browser?.close();
  await server?.stop();
});

/** The card of one 8D step on the SCAR page. */
const stepCard = (page: Page, step: ScarStep) => page.locator(`[data-testid="scar-step"][data-step="${step}"]`);

/** Fills a field of a step's answer form by its path (`team.0.name` → #D1-answer-team-0-name). */
const fill = (page: Page, step: ScarStep, path: string, value: string) => page.locator(`#${step}-answer-${path.replace(/\./g, '-')}`).fill(value);

/** The supplier's answer to each step, typed into its structured form. */
const answers: Record<ScarStep, (page: Page) => Promise<void>> = {
  D1: async (p) => {
    await fill(p, 'D1', 'team.0.name', '王芳 (Wang Fang)');
    await fill(p, 'D1', 'team.0.role', 'Quality manager, team lead');
    await fill(p, 'D1', 'team.0.email', 'supplier@suzhou-precision.example');
    await fill(p, 'D1', 'team.1.name', 'Zhang Wei');
    await fill(p, 'D1', 'team.1.role', 'Moulding process engineer');
  },
  D2: async (p) => {
    await fill(p, 'D2', 'description', 'Luer lock connectors of lot L-E2E-SCAR crack at the thread root under torque.');
  },
  D3: async (p) => {
    await fill(p, 'D3', 'containment.0.location', 'Finished goods stock, Suzhou');
    await fill(p, 'D3', 'containment.0.quantityChecked', '1200');
    await fill(p, 'D3', 'containment.0.quantitySuspect', '35');
    await fill(p, 'D3', 'containment.0.action', '100 % torque test, suspect parts quarantined');
    await fill(p, 'D3', 'effectiveFrom', today);
  },
  D4: async (p) => {
    await p.locator('#D4-answer-method').selectOption('five_whys');
    await fill(p, 'D4', 'occurrenceCause', 'Mould cavity 3 ran 12 °C cold after a heater band failed.');
    await fill(p, 'D4', 'escapeCause', 'The torque test sampled cavity 1 and 2 only.');
    await fill(p, 'D4', 'analysis', 'Why cracked? Brittle thread root. Why brittle? Cold cavity. Why cold? Failed heater band, no alarm.');
  },
  D5: async (p) => {
    await fill(p, 'D5', 'actions.0.action', 'Replace heater band, add a cavity temperature alarm');
    await fill(p, 'D5', 'actions.0.owner', 'Zhang Wei');
    await fill(p, 'D5', 'actions.0.dueDate', today);
  },
  D6: async (p) => {
    await fill(p, 'D6', 'actions.0.action', 'Alarm installed and tested on all four cavities');
    await fill(p, 'D6', 'actions.0.owner', 'Zhang Wei');
    await fill(p, 'D6', 'actions.0.dueDate', today);
    await fill(p, 'D6', 'actions.0.doneDate', today);
    await fill(p, 'D6', 'validation', 'Three production runs with 0 cracks in 600 torque-tested parts.');
  },
  D7: async (p) => {
    await fill(p, 'D7', 'actions.0.action', 'Torque test samples every cavity');
    await fill(p, 'D7', 'actions.0.owner', '王芳 (Wang Fang)');
    await fill(p, 'D7', 'actions.0.dueDate', today);
    await fill(p, 'D7', 'documentsUpdated', 'Control plan CP-118 rev. D, work instruction WI-44');
  },
  D8: async (p) => {
    await fill(p, 'D8', 'summary', 'Root cause removed and detection improved on every cavity.');
  },
};

describe('QA rejects a lot and opens a SCAR; the supplier answers the 8D; QA accepts, verifies and closes', () => {
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

  /** The SCAR page in each language, for a person to look at; back in English after. */
  async function screenshots(visit: Visitor, name: string) {
    for (const lang of ['en', 'zh-CN', 'de']) {
      await visit.context.addCookies([{ name: 'lang', value: lang, url: server.url }]);
      await visit.page.goto(scarPath);
      await visit.page.screenshot({ path: `/tmp/lotbridge-scar-${name}-${lang}.png`, fullPage: true });
    }
    await visit.context.addCookies([{ name: 'lang', value: 'en', url: server.url }]);
  }

  /** The supplier answers `s` (its form on the SCAR page) and sees it submitted. */
  async function answer(s: ScarStep) {
    const { page } = supplierVisit;
    await page.goto(scarPath);
    const card = stepCard(page, s);
    await answers[s](page);
    await postsForm(page, new URL(scarPath, server.url).pathname, () => card.getByRole('button', { name: 'Submit the answer' }).click());
    await page.getByTestId('scar-done').waitFor();
    expect(await stepCard(page, s).getAttribute('data-status')).toBe('submitted');
  }

  /** QA accepts or returns `s` with its password signature. */
  async function decide(s: ScarStep, decision: 'Accept' | 'Return to the supplier', comment = '') {
    const { page } = qaVisit;
    await page.goto(scarPath);
    const form = stepCard(page, s).getByTestId('decide-form');
    await form.getByRole('radio', { name: decision }).check();
    if (comment) await form.getByLabel('Comment').fill(comment);
    await form.getByLabel('Your password (electronic signature)').fill(demoPassword);
    await postsForm(page, new URL(scarPath, server.url).pathname, () => form.getByRole('button', { name: 'Sign and record the decision' }).click());
    await page.getByTestId('scar-done').waitFor();
    expect(await stepCard(page, s).getAttribute('data-status')).toBe(decision === 'Accept' ? 'accepted' : 'returned');
  }

  /** A measure's row on the supplier's scorecard for this month, as `visit` sees it: percentage, counted, of. */
  async function scorecard(visit: Visitor, measure: 'acceptance' | 'scar' | 'overall'): Promise<string[]> {
    const { page } = visit;
    await page.goto(`/scorecards/${supplierId}?period=${month}`);
    const row = measure === 'overall' ? page.getByTestId('scorecard-card-score') : page.getByTestId(`scorecard-current-${measure}`).locator('td');
    return (await row.allTextContents()).slice(0, 3);
  }

  step('QA rejects the lot at incoming inspection; the supplier’s lot acceptance drops on QA’s scorecard', async () => {
    const { page } = qaVisit;
    await signInAsDemo(page, qa.email);
    expect(await scorecard(qaVisit, 'acceptance')).toEqual(['nothing counted', '0', '0']);
    await page.goto(lotPath);
    const form = page.getByTestId('inspect-form');
    await form.getByRole('radio', { name: 'Reject', exact: true }).check();
    await form.getByLabel('Sample size').fill('20');
    await form.getByLabel('Defects found').fill('3');
    await form.getByLabel('Reason for the rejection').fill('Three of twenty connectors cracked at the thread root under torque.');
    await form.getByLabel('Your password').fill(demoPassword);
    await postsForm(page, lotPath, () => form.getByRole('button', { name: 'Sign and record the decision' }).click());
    await page.getByTestId('inspected').waitFor();
    expect(await scorecard(qaVisit, 'acceptance')).toEqual(['0.0 %', '0', '1']);
    await page.goto(lotPath);
  });

  step('QA opens a SCAR from the rejected lot: supplier, problem and lot prefilled; signed [REQ-SCAR-01]', async () => {
    const { page } = qaVisit;
    await page.getByTestId('open-scar').click();
    await page.waitForURL((url) => url.pathname === '/scars/new' && url.searchParams.has('lot'));
    const form = page.getByTestId('scar-open-form');
    expect(await form.getByLabel('Supplier', { exact: true }).locator('option:checked').textContent()).toBe('Suzhou Precision Components Co., Ltd.');
    expect(await form.getByRole('checkbox', { name: new RegExp(lotNumber) }).isChecked()).toBe(true);
    expect(await form.getByLabel('Problem description', { exact: true }).inputValue()).toContain('thread root');
    await form.getByLabel('Subject').fill('Cracked luer lock threads');
    await form.getByRole('radio', { name: 'Major' }).check();
    // Every step due today and effectiveness verifiable from today: the journey ends today.
    for (const s of scarSteps) await page.locator(`#dueDates-${s}`).fill(today);
    await form.getByLabel('Verify effectiveness from').fill(today);
    await form.getByLabel('Your password (electronic signature)').fill(demoPassword);
    await postsForm(page, '/scars/new', () => form.getByRole('button', { name: 'Sign and open the request' }).click());
    await page.waitForURL((url) => /^\/scars\/[^/]+$/.test(url.pathname) && url.searchParams.has('opened'));
    scarPath = new URL(page.url()).pathname;
    await page.getByTestId('scar-opened').waitFor();
    expect(await page.getByTestId('scar-state').textContent()).toBe('Open');
    expect(await page.getByTestId('scar-facts').textContent()).toContain(lotNumber);
    await page.screenshot({ path: '/tmp/lotbridge-scar-opened-qa-en.png', fullPage: true });
  });

  step('the supplier finds the SCAR on its home page and answers D1', async () => {
    const { page } = supplierVisit;
    await signInAsDemo(page, supplier.email);
    // Its own scorecard shows the rejection; no step is answered or overdue yet.
    expect(await scorecard(supplierVisit, 'acceptance')).toEqual(['0.0 %', '0', '1']);
    expect(await scorecard(supplierVisit, 'scar')).toEqual(['nothing counted', '0', '0']);
    expect(await scorecard(supplierVisit, 'overall')).toEqual(['0.0 %']);
    await page.goto('/home');
    const entry = page.locator('[data-testid="work-entry"][data-kind="scarStepsToAnswer"], [data-testid="work-entry"][data-kind="scarStepsOverdue"]');
    expect(await entry.count()).toBeGreaterThan(0);
    await entry.first().getByRole('link', { name: /D1/ }).click();
    await page.waitForURL((url) => url.pathname === scarPath);
    await screenshots(supplierVisit, 'supplier-open');
    await answer('D1');
  });

  step('QA accepts D1; the supplier answers D2 and QA returns it with a comment [REQ-SCAR-01] [REQ-SCAR-02]', async () => {
    await decide('D1', 'Accept');
    await answer('D2');
    await decide('D2', 'Return to the supplier', 'State how many connectors and which cavity: the is / is not is missing.');
  });

  step('the supplier sees D2 returned with the comment and answers it again; QA accepts [REQ-SCAR-02]', async () => {
    const { page } = supplierVisit;
    await page.goto('/home');
    await page.locator('[data-testid="work-entry"][data-kind="scarStepsReturned"], [data-testid="work-entry"][data-kind="scarStepsOverdue"]').first().waitFor();
    await page.goto(scarPath);
    const card = stepCard(page, 'D2');
    expect(await card.getAttribute('data-status')).toBe('returned');
    expect(await card.getByTestId('step-decision').textContent()).toContain('the is / is not is missing');
    // The returned answer is in the form to be corrected.
    expect(await page.locator('#D2-answer-description').inputValue()).toContain('thread root');
    await fill(page, 'D2', 'isNot', 'Is: cavity 3, 35 of 1200 parts. Is not: cavities 1, 2 and 4.');
    await postsForm(page, scarPath, () => card.getByRole('button', { name: 'Submit the answer' }).click());
    await page.getByTestId('scar-done').waitFor();
    await decide('D2', 'Accept');
  });

  step('the supplier uploads a PDF of evidence to D3 and answers it; QA sees the evidence and accepts', async () => {
    const { page } = supplierVisit;
    await page.goto(scarPath);
    const card = stepCard(page, 'D3');
    await card.getByLabel('Evidence (PDF, photo or CSV)').setInputFiles({ name: 'containment-report.pdf', mimeType: 'application/pdf', buffer: Buffer.from(await pdfBytes('Containment report')) });
    await postsForm(page, scarPath, () => card.getByRole('button', { name: 'Upload evidence' }).click());
    await stepCard(page, 'D3').getByTestId('step-evidence').getByRole('link', { name: 'containment-report.pdf' }).waitFor();
    await answer('D3');
    await qaVisit.page.goto(scarPath);
    const download = await qaVisit.page.request.get(await stepCard(qaVisit.page, 'D3').getByRole('link', { name: 'containment-report.pdf' }).getAttribute('href') ?? '');
    expect(download.status()).toBe(200);
    expect((await download.body()).subarray(0, 5).toString()).toBe('%PDF-');
    await decide('D3', 'Accept');
  });

  step('the supplier answers D4 to D8, QA accepts each', async () => {
    for (const s of ['D4', 'D5', 'D6', 'D7', 'D8'] as const) {
      await answer(s);
      await decide(s, 'Accept');
    }
    expect(await qaVisit.page.getByTestId('scar-state').textContent()).toBe('Awaiting verification');
  });

  step('QA verifies effectiveness and closes the SCAR, each signed; both see it closed [REQ-SCAR-01]', async () => {
    const { page } = qaVisit;
    await page.goto(scarPath);
    const verify = page.getByTestId('verify-form');
    await verify.getByRole('radio', { name: 'Effective', exact: true }).check();
    await verify.getByLabel('Evidence of effectiveness').fill('No cracked connectors in the next five lots (1,000 parts).');
    await verify.getByLabel('Your password (electronic signature)').fill(demoPassword);
    await postsForm(page, scarPath, () => verify.getByRole('button', { name: 'Sign and record the verification' }).click());
    await page.getByTestId('scar-verification').waitFor();
    const close = page.getByTestId('close-form');
    await close.getByLabel('Your password (electronic signature)').fill(demoPassword);
    await postsForm(page, scarPath, () => close.getByRole('button', { name: 'Sign and close' }).click());
    await page.getByTestId('scar-done').waitFor();
    expect(await page.getByTestId('scar-state').textContent()).toBe('Closed');
    // Opening, nine step decisions (D2 twice), verification, closing: twelve signatures.
    expect(await page.getByTestId('scar-signatures').getByRole('listitem').count()).toBe(12);
    await screenshots(qaVisit, 'qa-closed');
    const { page: theirs } = supplierVisit;
    await theirs.goto('/scars?state=closed');
    expect(await theirs.getByTestId('scars').getByRole('row').filter({ hasText: 'Cracked luer lock threads' }).getByTestId('scar-state').textContent()).toBe('Closed');
  });

  step('both see the scorecard move: every 8D step answered on time, the overall score up from 0 [REQ-SCORE-01]', async () => {
    for (const visit of [qaVisit, supplierVisit]) {
      expect(await scorecard(visit, 'scar')).toEqual(['100.0 %', '8', '8']);
      expect(await scorecard(visit, 'acceptance')).toEqual(['0.0 %', '0', '1']);
      // Equal default weights over the two measures that counted something: (0 + 100) / 2.
      expect(await scorecard(visit, 'overall')).toEqual(['50.0 %']);
    }
    await supplierVisit.page.screenshot({ path: '/tmp/lotbridge-scar-scorecard-supplier-en.png', fullPage: true });
  });
});
