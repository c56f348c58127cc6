// A newcomer's first visit, in real Chromium against the real server (`lotbridge serve` on a
// fresh SQLite file with the demo seeded): sign in, change the language, add a passkey, sign out,
// sign in again with the passkey; plus the sign-in page on a phone and a mistyped password.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { sessionCookieName } from '../../shared/auth/session.ts';
import { ensurePortalBuilt } from '../support/portal.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import {
  addVirtualAuthenticator,
  elementsWiderThanViewport,
  horizontalOverflow,
  htmlLang,
  launchChromium,
  newVisitor,
  phone,
  postsForm,
  waitForLoginPageReady,
  waitForPasskeysPageReady,
  type VirtualAuthenticator,
  type Visitor,
  stepsInOrder,
  mainNav,
} from '../support/browser.ts';
import { demo } from '../support/demo.ts';

const supplier = demo('supplier_user');
const distributor = demo('distributor_user');
const supplierOrganisation = 'Suzhou Precision Components Co., Ltd.';
const homeScreenshot = '/tmp/lotbridge-home-zh.png';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  // Builds the portal if its sources changed, under the lock the integration tier uses, so that
  // two test processes never run `vite build` into build/ at the same time.
  await ensurePortalBuilt();
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  // WebAuthn only accepts a secure context; over plain HTTP that means the host name localhost.
  expect(new URL(server.url).hostname).toBe('localhost');
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('a newcomer on a desktop browser', () => {
  const step = stepsInOrder();

  let visitor: Visitor;
  let authenticator: VirtualAuthenticator;

  beforeAll(async () => {
    visitor = await newVisitor(browser, server.url);
    authenticator = await addVirtualAuthenticator(visitor.context, visitor.page);
  });

  afterAll(async () => {
    expect(visitor.pageErrors.map(String)).toEqual([]);
    await visitor.context.close();
  });

  step('opens the site, is sent to the sign-in page, signs in and sees who they are', async () => {
    const { page } = visitor;
    await page.goto('/');
    await page.waitForURL((url) => url.pathname === '/login');
    expect(await htmlLang(page)).toBe('en');
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await waitForLoginPageReady(page);

    await page.getByLabel('E-mail address').fill(supplier.email);
    await page.getByLabel('Password').fill(demoPassword);
    await postsForm(page, '/login', () => page.getByRole('button', { name: 'Sign in', exact: true }).click());

    await page.waitForURL((url) => url.pathname === '/home');
    await page.getByRole('heading', { level: 1, name: `Welcome, ${supplier.displayName}` }).waitFor();
    expect(await page.getByTestId('organisation-name').textContent()).toBe(supplierOrganisation);
    expect(await page.getByTestId('role').textContent()).toBe('Supplier user');
    expect(await page.getByTestId('auth-method').textContent()).toBe('password');
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' }).isVisible()).toBe(true);
  });

  step('switches the language to 简体中文 and back with the header selector', async () => {
    const { page, context } = visitor;
    await postsForm(page, '/lang', () => page.getByRole('combobox', { name: 'Language' }).selectOption({ label: '简体中文' }));

    const nav = page.getByRole('navigation', { name: '主导航' });
    await nav.getByRole('link', { name: '首页' }).waitFor();
    expect(await htmlLang(page)).toBe('zh-CN');
    expect(new URL(page.url()).pathname).toBe('/home');
    await page.getByRole('heading', { level: 1, name: `欢迎，${supplier.displayName}` }).waitFor();
    expect(await page.getByTestId('role').textContent()).toBe('供应商用户');
    // The account menu (and the sign-out in it) is worded in Chinese too.
    await nav.getByText('账户', { exact: true }).click();
    expect(await nav.getByRole('button', { name: '退出登录' }).isVisible()).toBe(true);
    expect((await context.cookies()).find((c) => c.name === 'lang')?.value).toBe('zh-CN');

    // Another page stays in Chinese: the choice is remembered (cookie), not only on /home.
    await nav.getByRole('link', { name: '通行密钥' }).click();
    await page.waitForURL((url) => url.pathname === '/account/passkeys');
    await page.getByRole('heading', { level: 1, name: '通行密钥' }).waitFor();
    await waitForPasskeysPageReady(page);
    expect(await page.getByTestId('no-passkeys').textContent()).toBe('您还没有通行密钥。');
    expect(await page.getByLabel('通行密钥名称').isVisible()).toBe(true);

    await postsForm(page, '/lang', () => page.getByRole('combobox', { name: '语言' }).selectOption({ label: 'English' }));
    await page.getByRole('heading', { level: 1, name: 'Passkeys' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/account/passkeys');
    expect(await htmlLang(page)).toBe('en');
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' }).isVisible()).toBe(true);
    expect((await context.cookies()).find((c) => c.name === 'lang')?.value).toBe('en');
  });

  step('adds a passkey with the platform authenticator', async () => {
    const { page } = visitor;
    await waitForPasskeysPageReady(page);
    expect(await authenticator.credentials()).toEqual([]);

    await page.getByLabel('Name for this passkey').fill('Work laptop');
    // A session alone adds no passkey: the current password confirms it is the user.
    await page.getByLabel('Your current password').fill(demoPassword);
    await page.getByRole('button', { name: 'Add a passkey' }).click();

    // The outcome is announced either way: a status on success, an alert with the reason if not.
    const outcome = page.getByRole('status').or(page.getByRole('alert'));
    await outcome.waitFor();
    expect(await outcome.textContent()).toBe('Passkey “Work laptop” added.');
    expect(await outcome.getAttribute('role')).toBe('status');
    const table = page.getByRole('table');
    await table.getByRole('cell', { name: 'Work laptop', exact: true }).waitFor();
    expect(await table.getByRole('row').count()).toBe(2); // the header row and the new passkey
    expect(await table.getByRole('button', { name: 'Remove passkey Work laptop' }).isVisible()).toBe(true);
    expect(await page.getByLabel('Name for this passkey').inputValue()).toBe('');

    const credentials = await authenticator.credentials();
    expect(credentials).toHaveLength(1);
    expect(credentials[0]).toMatchObject({ isResidentCredential: true, rpId: 'localhost' });
  });

  step('signs out with the header button', async () => {
    const { page, context } = visitor;
    await postsForm(page, '/logout', async () => (await mainNav(page, 'button', 'Sign out')).click());
    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByRole('status').filter({ hasText: 'You are signed out.' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    expect((await context.cookies()).map((c) => c.name)).not.toContain(sessionCookieName);
  });

  step('signs in again with the passkey', async () => {
    const { page } = visitor;
    const signCountBefore = (await authenticator.credentials())[0]!.signCount;
    await waitForLoginPageReady(page);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();

    // Either the home page comes, or the sign-in page says why not.
    const welcome = page.getByRole('heading', { level: 1, name: `Welcome, ${supplier.displayName}` });
    await welcome.or(page.getByRole('alert')).waitFor();
    expect(await page.getByRole('alert').allTextContents()).toEqual([]);
    expect(new URL(page.url()).pathname).toBe('/home');
    expect(await page.getByTestId('auth-method').textContent()).toBe('passkey');
    expect(await page.getByTestId('organisation-name').textContent()).toBe(supplierOrganisation);
    expect((await authenticator.credentials())[0]!.signCount).toBeGreaterThan(signCountBefore);

    // The passkey list now shows it as used.
    await (await mainNav(page, 'link', 'Passkeys')).click();
    const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'Work laptop', exact: true }) });
    await row.waitFor();
    expect(await row.getByRole('cell', { name: 'never' }).count()).toBe(0);
  });

  step('removes the passkey, confirming with the passkey itself instead of the password', async () => {
    const { page } = visitor;
    await waitForPasskeysPageReady(page);
    const signCountBefore = (await authenticator.credentials())[0]!.signCount;
    await page.getByRole('radio', { name: 'one of my passkeys' }).check();
    expect(await page.getByLabel('Your current password').count()).toBe(0);
    await page.getByRole('button', { name: 'Remove passkey Work laptop' }).click();

    const outcome = page.getByRole('status').filter({ hasText: 'Passkey removed.' });
    await outcome.or(page.getByRole('alert')).first().waitFor();
    expect(await page.getByRole('alert').allTextContents()).toEqual([]);
    await page.getByTestId('no-passkeys').waitFor();
    expect((await authenticator.credentials())[0]!.signCount).toBeGreaterThan(signCountBefore);
  });
});

describe('on a phone', () => {
  let visitor: Visitor;

  beforeAll(async () => {
    visitor = await newVisitor(browser, server.url, phone);
  });

  afterAll(async () => {
    expect(visitor.pageErrors.map(String)).toEqual([]);
    await visitor.context.close();
  });

  async function expectNoHorizontalScroll(what: string) {
    const { scrollWidth, innerWidth } = await horizontalOverflow(visitor.page);
    const offenders = scrollWidth > innerWidth ? await elementsWiderThanViewport(visitor.page) : [];
    expect(innerWidth).toBe(phone.viewport!.width);
    expect(scrollWidth, `${what} scrolls sideways; too wide: ${offenders.join(', ')}`).toBeLessThanOrEqual(innerWidth);
  }

  test('signs in and reads the home page without scrolling sideways, in English and Chinese', async () => {
    const { page } = visitor;
    await page.goto('/login');
    await waitForLoginPageReady(page);
    await expectNoHorizontalScroll('/login');

    // The form fits the screen and its touch targets are large enough to hit with a finger.
    const innerWidth = await page.evaluate(() => window.innerWidth);
    const email = page.getByLabel('E-mail address');
    const password = page.getByLabel('Password');
    const submit = page.getByRole('button', { name: 'Sign in', exact: true });
    for (const control of [email, password, submit]) {
      const box = (await control.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(innerWidth);
      expect(box.height).toBeGreaterThanOrEqual(44);
    }

    await email.tap();
    await email.fill(supplier.email);
    await password.tap();
    await password.fill(demoPassword);
    await postsForm(page, '/login', () => submit.tap());

    await page.waitForURL((url) => url.pathname === '/home');
    await page.getByRole('heading', { level: 1, name: `Welcome, ${supplier.displayName}` }).waitFor();
    await expectNoHorizontalScroll('/home (en)');

    await postsForm(page, '/lang', () => page.getByRole('combobox', { name: 'Language' }).selectOption({ label: '简体中文' }));
    await page.getByRole('heading', { level: 1, name: `欢迎，${supplier.displayName}` }).waitFor();
    expect(await htmlLang(page)).toBe('zh-CN');
    await expectNoHorizontalScroll('/home (zh-CN)');
    await page.screenshot({ path: homeScreenshot, fullPage: true });

    // The sign-in page in Chinese fits too (a fresh visit after signing out).
    await page.getByText('账户', { exact: true }).tap();
    await postsForm(page, '/logout', () => page.getByRole('button', { name: '退出登录' }).tap());
    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByRole('heading', { level: 1, name: '登录' }).waitFor();
    await waitForLoginPageReady(page);
    await expectNoHorizontalScroll('/login (zh-CN)');
  });
});

describe('a mistyped password', () => {
  test('shows the error as an alert and keeps the e-mail address', async () => {
    const visitor = await newVisitor(browser, server.url);
    const { page } = visitor;
    try {
      await page.goto('/login');
      await waitForLoginPageReady(page);
      await page.getByLabel('E-mail address').fill(distributor.email);
      await page.getByLabel('Password').fill(`${demoPassword}-wrong`);
      await postsForm(page, '/login', () => page.getByRole('button', { name: 'Sign in', exact: true }).click());

      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toBe('The e-mail address or password is wrong.');
      expect(new URL(page.url()).pathname).toBe('/login');
      expect(await page.getByLabel('E-mail address').inputValue()).toBe(distributor.email);
      // Screen readers hear the error with the field it is about.
      expect(await page.getByLabel('E-mail address').getAttribute('aria-describedby')).toBe(await alert.getAttribute('id'));
      expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
      expect(visitor.pageErrors.map(String)).toEqual([]);
    } finally {
      await visitor.context.close();
    }
  });
});
