// Shared pieces of the browser tier: Debian's Chromium driven by playwright-core, browser
// contexts that behave like a fresh visitor, and a few waits that a real user does implicitly
// ("the page has finished loading and reacts to my clicks").
import { test } from 'vitest';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type CDPSession, type Locator, type Page, type Response } from 'playwright-core';

/** The Chromium binary: Debian's package (ARCHITECTURE.md, "Browser tests"), or CHROMIUM_PATH. */
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
}

/** A phone: the size of an iPhone 12–15, with touch and a mobile viewport meta tag honoured. */
export const phone: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
};

export interface Visitor {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions thrown in the page (hydration or handler crashes), and anything the Content-Security-Policy refused. */
  pageErrors: Error[];
}

/**
 * A fresh visitor (no cookies) whose browser asks for English, so the language negotiation
 * starts from a known point. Relative `page.goto('/login')` resolves against `baseURL`.
 */
export async function newVisitor(browser: Browser, baseURL: string, options: BrowserContextOptions = {}): Promise<Visitor> {
  const context = await browser.newContext({ baseURL, locale: 'en-GB', timezoneId: 'UTC', ...options });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const pageErrors: Error[] = [];
  page.on('pageerror', (e) => pageErrors.push(e));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) pageErrors.push(new Error(m.text()));
  });
  return { context, page, pageErrors };
}

/**
 * Waits until the sign-in page is hydrated. The passkey button is rendered only from the
 * page's onMount (after a WebAuthn feature check), so once it is visible the page's scripts
 * run and the header's language selector reacts too. Before hydration a user's change of the
 * language <select> would be lost (it submits from an onchange handler).
 */
export async function waitForLoginPageReady(page: Page): Promise<void> {
  await page.getByRole('button', { name: /passkey|通行密钥/ }).waitFor();
}

/** Same for /account/passkeys: its "add a passkey" form appears from onMount. */
export async function waitForPasskeysPageReady(page: Page): Promise<void> {
  await page.locator('#passkey-name').waitFor();
}

/** The signed-in user adds a passkey named `name` on /account/passkeys, confirmed with its password (the context needs a virtual authenticator). */
export async function enrolPasskeyInBrowser(page: Page, name: string, password: string): Promise<void> {
  await page.goto('/account/passkeys');
  await waitForPasskeysPageReady(page);
  await page.getByLabel('Name for this passkey').fill(name);
  await page.getByLabel('Your current password').fill(password);
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await page.getByRole('status').filter({ hasText: `Passkey “${name}” added.` }).waitFor();
}

/**
 * Does `act` (a click or a choice that posts a form to `path`) and returns the server's answer
 * to that POST, failing with the answer's body when the server refused it (4xx/5xx), e.g.
 * SvelteKit's CSRF check ("Cross-site POST form submissions are forbidden"). Without this a
 * refused form only shows up later as "the next page never came".
 */
export async function postsForm(page: Page, path: string, act: () => Promise<unknown>): Promise<Response> {
  const [response] = await Promise.all([
    // A signed form's answer is real server work (argon2, records, PDFs): on a loaded CI machine it can
    // take longer than a click's 15 s. This waits for the answer; it asserts nothing about speed.
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === path, { timeout: 60_000 }),
    act(),
  ]);
  if (response.status() >= 400) {
    const body = await response.text().catch(() => '');
    throw new Error(`POST ${path} was refused: HTTP ${response.status()} ${body.slice(0, 300)}`);
  }
  return response;
}

/**
 * Marks the steps of a long journey on standard output with the seconds since it began, so a
 * journey that runs out of time shows in the test's output how far it got.
 */
export function stepLog(journey: string): (step: string) => void {
  const started = performance.now();
  return (step) => console.log(`[${journey}] ${((performance.now() - started) / 1000).toFixed(1)} s: ${step}`);
}

/** Signs in through the login page with the demo password (shared/demo/seed-demo.ts) and waits for /home. */
export async function signInAsDemo(page: Page, email: string): Promise<void> {
  await page.goto('/login');
  await waitForLoginPageReady(page);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(demoPassword);
  await postsForm(page, '/login', () => page.getByRole('button', { name: 'Sign in', exact: true }).click());
  await page.waitForURL((url) => url.pathname === '/home');
}

/**
 * A link or button of the header's main navigation (English), ready to click: when it sits in
 * one of the header's menus (administration, account), that menu is opened first, as a person
 * would.
 */
export async function mainNav(page: Page, role: 'link' | 'button', name: string): Promise<Locator> {
  const nav = page.getByRole('navigation', { name: 'Main' });
  const target = nav.getByRole(role, { name, exact: true });
  if (!(await target.isVisible())) {
    await nav.locator('details.menu').filter({ hasText: name }).locator('summary').click();
    await target.waitFor();
  }
  return target;
}

/** `<html lang>` of the document currently shown. */
export function htmlLang(page: Page): Promise<string | null> {
  return page.locator('html').getAttribute('lang');
}

/** Whether the page can be scrolled sideways (content wider than the viewport). */
export function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
}

/** Elements sticking out past the right edge of the viewport, for a readable failure message. */
export function elementsWiderThanViewport(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.body.querySelectorAll('*')]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className ? '.' + String(el.className).split(' ').join('.') : ''} right=${Math.round(el.getBoundingClientRect().right)}`),
  );
}

export interface VirtualAuthenticator {
  cdp: CDPSession;
  authenticatorId: string;
  credentials(): Promise<Array<{ credentialId: string; isResidentCredential: boolean; rpId?: string; userHandle?: string; signCount: number }>>;
}

/**
 * A platform authenticator with user verification (like Touch ID or Windows Hello) through the
 * Chrome DevTools virtual authenticator; it approves every request without a prompt.
 */
export async function addVirtualAuthenticator(context: BrowserContext, page: Page): Promise<VirtualAuthenticator> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    cdp,
    authenticatorId,
    credentials: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials,
  };
}

/**
 * Tests that are the steps of one visit, in order: each continues where the previous left
 * off, so once a step fails the later ones fail at once naming it, instead of timing out.
 */
export function stepsInOrder(): (name: string, body: () => Promise<void>) => void {
  let failedStep: string | undefined;
  return (name, body) =>
    test(name, async ({ onTestFailed }) => {
      if (failedStep) throw new Error(`not attempted: the earlier step "${failedStep}" failed`);
      onTestFailed(() => {
        failedStep ??= name;
      });
      await body();
    });
}
