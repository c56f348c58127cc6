// A user joins through an invitation, in real Chromium against the real server: the
// manufacturer administrator invites a distributor's administrator from /users, sees the
// invitation in /admin/mail with its link masked, the invitee opens the link (read from the
// kept mail's row, as only the mailbox has it), sets the password and signs in.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { openDb, type Db } from '../../shared/db/index.ts';
import { ensurePortalBuilt } from '../support/portal.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { launchChromium, newVisitor, postsForm, waitForLoginPageReady, signInAsDemo, mainNav } from '../support/browser.ts';
import { mailText } from '../support/mail.ts';
import { demo } from '../support/demo.ts';

const admin = demo('manufacturer_admin');
const invitee = { email: 'it@rhein-medical.example', displayName: 'Petra Lang', password: 'petra-lang-2026!' };

let server: RunningServer;
let browser: Browser;
let db: Db;

beforeAll(async () => {
  await ensurePortalBuilt();
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  db = openDb(server.databaseUrl);
});

afterAll(async () => {
  db?.close();
  await browser?.close();
  await server?.stop();
});

describe('invitation journey', () => {
  test('admin invites, the invitee sets a password from the link and signs in', async () => {
    const { page, pageErrors } = await newVisitor(browser, server.url);
    await signInAsDemo(page, admin.email);

    await (await mainNav(page, 'link', 'Users')).click();
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    const form = page.getByTestId('invite-form');
    await form.getByLabel('E-mail address').fill(invitee.email);
    await form.getByLabel('Printed name').fill(invitee.displayName);
    await form.getByLabel('Organisation', { exact: true }).selectOption({ label: 'Rhein Medical Distribution GmbH (Distributor)' });
    await form.getByLabel('Role', { exact: true }).selectOption({ label: 'Distributor user' });
    await form.getByLabel('Also administers the organisation’s users').check();
    await postsForm(page, '/users', () => form.getByRole('button', { name: 'Send the invitation' }).click());
    await page.getByTestId('done').filter({ hasText: `Invitation sent to ${invitee.email}.` }).waitFor();
    await page.locator(`[data-testid="user"][data-email="${invitee.email}"][data-state="invited"]`).waitFor();

    // The mail log shows the invitation, its link masked.
    await (await mainNav(page, 'link', 'Mail log')).click();
    const mail = page.getByTestId('mail').filter({ hasText: invitee.email });
    await mail.getByText('Invitation to Lotbridge').waitFor();
    expect(await mail.getByTestId('mail-text').textContent()).toContain('/invite/[hidden]');

    // The invitee's mailbox has the live link: here, the kept message's row.
    const row = (await db.get<{ id: string; text_body: string }>("SELECT id, text_body FROM mail_messages WHERE purpose = 'user.invitation' AND to_address = ?", [invitee.email]))!;
    const link = /(\/invite\/inv_[a-z2-7]+)/.exec(mailText(db, row))![1]!;
    const visitor = await newVisitor(browser, server.url);
    await visitor.page.goto(link);
    await visitor.page.getByRole('heading', { level: 1, name: 'Set your password' }).waitFor();
    await visitor.page.getByLabel('New password (at least 12 characters)').fill(invitee.password);
    await visitor.page.getByLabel('Repeat the new password').fill(invitee.password);
    await postsForm(visitor.page, link, () => visitor.page.getByRole('button', { name: 'Set the password' }).click());
    await visitor.page.waitForURL((url) => url.pathname === '/login');
    await waitForLoginPageReady(visitor.page);
    await visitor.page.getByLabel('E-mail address').fill(invitee.email);
    await visitor.page.getByLabel('Password').fill(invitee.password);
    await postsForm(visitor.page, '/login', () => visitor.page.getByRole('button', { name: 'Sign in', exact: true }).click());
    await visitor.page.waitForURL((url) => url.pathname === '/home');
    await visitor.page.getByRole('heading', { level: 1, name: `Welcome, ${invitee.displayName}` }).waitFor();
    // An organisation administrator finds the users page in the navigation.
    await visitor.page.getByRole('navigation').getByRole('link', { name: 'Users', exact: true }).waitFor();

    // The link was single use.
    const again = await visitor.page.goto(link);
    expect(again?.status()).toBe(404);
    expect(pageErrors).toEqual([]);
    expect(visitor.pageErrors).toEqual([]);
  });
});
