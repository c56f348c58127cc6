// Onward distribution in real Chromium, with real SMTP: the demo distributor passes its recall
// notice on to a hospital from its reply page; the hospital's mail arrives with its own link;
// a visitor without an account opens it, replies (a declaration by name), and QA sees level 2
// reached on the recall's dashboard.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { newVisitor, postsForm, signInAsDemo, stepsInOrder, type Visitor } from '../support/browser.ts';
import { demo } from '../support/demo.ts';
import { releasedRecallForRhein, startMailingPortal, type MailingPortal } from '../support/mailing-portal.ts';
import { waitFor } from '../support/wait.ts';

const qa = demo('manufacturer_qa');
const distributor = demo('distributor_user');
const infusionSet = '09506000134352';

let world: MailingPortal;
let recallId: string;

beforeAll(async () => {
  world = await startMailingPortal();
  recallId = await releasedRecallForRhein(world, { recallNumber: 'FSCA-E2E-ONW', gtin: infusionSet, lot: 'L-ON-A', recall: { depth: 'user' } });
});

afterAll(async () => {
  await world?.stop();
});

describe('a distributor passes its notice on to a hospital, which replies by its link', () => {
  const step = stepsInOrder();
  let visits: Visitor[] = [];
  let link: string;
  const visitor = async () => {
    const v = await newVisitor(world.browser, world.server.url);
    visits.push(v);
    return v;
  };

  afterAll(async () => {
    for (const v of visits) {
      expect(v.pageErrors.map(String)).toEqual([]);
      await v.context.close();
    }
    visits = [];
  });

  step('the distributor passes the notice on from its reply page', async () => {
    const { page } = await visitor();
    await signInAsDemo(page, distributor.email);
    await page.goto(`/recalls/${recallId}/reply`);
    await page.getByRole('link', { name: 'Pass this notice on to your customers' }).click();
    await page.getByRole('heading', { level: 1, name: 'Recall FSCA-E2E-ONW: pass the notice on' }).waitFor();
    await page.getByLabel('Customer name').fill('Klinikum Nord');
    await page.getByLabel('Type of customer').selectOption('hospital');
    await page.getByLabel('E-mail address for the notice').fill('devices@klinikum-nord.example');
    await page.getByLabel('Contact person (optional)').fill('Dr. Anna Weber');
    await page.getByLabel(`${infusionSet} · L-ON-A (≤ 24)`).fill('10');
    await postsForm(page, `/recalls/${recallId}/pass-on`, () => page.getByRole('button', { name: 'Send the notice to this customer' }).click());
    await page.getByText('The notice was sent to Klinikum Nord (devices@klinikum-nord.example).').waitFor();
    expect(await page.getByTestId('customer').count()).toBe(1);
    await page.screenshot({ path: '/tmp/onward-pass-on.png', fullPage: true });
  });

  step("the hospital's mail arrives over SMTP with its own link", async () => {
    const mail = await waitFor('the onward mail', () => world.mails.find((m) => m.to.includes('devices@klinikum-nord.example')));
    const text = mail.raw.replace(/=\r\n/g, '');
    expect(text).toContain('Dear Dr. Anna Weber,');
    link = /(http:\/\/[^\s]+\/onward\/ron_[a-z2-7]+\.\d+\.[A-Za-z0-9_-]{43})/.exec(text)![1]!;
  });

  step('the hospital opens the link without an account and replies', async () => {
    const { page } = await visitor();
    await page.goto(link);
    // Typed before the page's scripts ran, a value could be lost on hydration: wait for them.
    await page.waitForLoadState('networkidle');
    await page.getByText('Passed on to you by Rhein Medical Distribution GmbH').waitFor();
    const reply = page.getByTestId('onward-reply');
    await reply.getByLabel('We have read and understood this notice').check();
    for (const [label, value] of [['On hand', '10'], ['Quarantined', '10'], ['Returned', '0'], ['Destroyed', '0']] as const) await reply.getByLabel(label, { exact: true }).fill(value);
    await reply.getByLabel('Your name').fill('Dr. Anna Weber');
    await reply.getByLabel('Your function').fill('Head of medical devices');
    await reply.getByLabel('Phone').fill('+49 40 1234');
    await reply.getByLabel('E-mail', { exact: true }).fill('a.weber@klinikum-nord.example');
    await postsForm(page, new URL(link).pathname, () => reply.getByRole('button', { name: 'Record our reply' }).click());
    await page.getByText('Thank you. Your reply was recorded as version 1.').waitFor();
    await page.screenshot({ path: '/tmp/onward-reply.png', fullPage: true });
    expect(await world.db.get('SELECT version, declarant_name FROM recall_onward_replies')).toEqual({ version: 1, declarant_name: 'Dr. Anna Weber' });
  });

  step("QA sees level 2 reached on the recall's dashboard", async () => {
    const { page } = await visitor();
    await signInAsDemo(page, qa.email);
    await page.goto(`/recalls/${recallId}`);
    const depth = page.getByTestId('recall-depth');
    await depth.waitFor();
    expect(await depth.getByTestId('depth-reached').textContent()).toBe('User level (hospitals, clinics, users)');
    const level2 = depth.getByTestId('depth-level-2');
    expect([await level2.getByTestId('notified').textContent(), await level2.getByTestId('replied').textContent()]).toEqual(['1', '1']);
    await depth.screenshot({ path: '/tmp/onward-depth.png' });
  });
});
