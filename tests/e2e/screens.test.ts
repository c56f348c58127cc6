// A screenshot review of every main page, for every role, at 1366 px and 390 px, in every
// language the portal offers: each page is saved under test-results/screens/ (to look at) and
// checked for what a person would notice at once: a header that wraps onto a second row on a
// laptop, a number broken over two lines, a page that scrolls sideways on a phone, and text the
// catalogues did not word (a catalogue key, or English on a page in another language).
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import type { Db } from '../../shared/db/index.ts';
import { en } from '../../shared/i18n/en.ts';
import { locales, translate, type Locale, type MessageKey } from '../../shared/i18n/index.ts';
import { createSession, sessionCookieName } from '../../shared/auth/session.ts';
import { findSignInUser } from '../../shared/auth/find-sign-in-user.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { systemClock } from '../../shared/clock.ts';
import type { Role } from '../../shared/auth/actor.ts';
import { generateSecret } from '../../shared/webhooks/signature.ts';
import { ensurePortalBuilt, openServerDb } from '../support/portal.ts';
import { rootDir, startServer, type RunningServer } from '../support/server.ts';
import { launchChromium } from '../support/browser.ts';
import { demo } from '../support/demo.ts';
import { issueDemoRecall } from '../support/demo-recall.ts';
import { actorFor } from '../support/actors.ts';
import { drawEffectivenessChecks } from '../../shared/recalls/draw-effectiveness-checks.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.ts';
import { openTestScar } from '../support/scar-open.ts';

const screensDir = join(rootDir, 'test-results', 'screens');
const inboundSecret = generateSecret();
const widths = {
  laptop: { viewport: { width: 1366, height: 768 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
} satisfies Record<string, BrowserContextOptions>;
const roles: Role[] = ['supplier_user', 'manufacturer_qa', 'distributor_user', 'manufacturer_admin'];

let server: RunningServer;
let smtp: TestSmtpServer;
let browser: Browser;
let db: Db;
let recallId: string;
let noticeLink: string;
let scarId: string;

beforeAll(async () => {
  rmSync(screensDir, { recursive: true, force: true });
  mkdirSync(screensDir, { recursive: true });
  smtp = await startSmtpServer();
  await ensurePortalBuilt();
  [server, browser] = await Promise.all([
    startServer({ SMTP_URL: smtp.url, MAIL_FROM: 'Lotbridge <no-reply@lotbridge.test>', ERP_INBOUND_SECRET: inboundSecret }),
    launchChromium(),
  ]);
  db = openServerDb(server);
  recallId = await issueDemoRecall(server, db, inboundSecret, 'FSCA-SCREENS-1');
  // A drawn check, so the effectiveness page shows its record form (method, note, signature) too.
  await drawEffectivenessChecks({ db, clock: systemClock, policy: defaultPolicy }, await actorFor(db, demo('manufacturer_qa').email), recallId);
  // A SCAR with the demo supplier (about a lot it submits for it), so the SCAR pages (list, record, the new form) are looked at too.
  scarId = (await openTestScar({ db, clock: systemClock, policy: defaultPolicy }, await actorFor(db, demo('manufacturer_qa').email), await actorFor(db, demo('supplier_user').email))).id;
  for (let i = 0; !noticeLink; i++) {
    const mail = smtp.received.find((m) => m.raw.includes('/notices/'));
    if (mail) noticeLink = /(http:\/\/[^\s]+\/notices\/rnt_[a-z2-7]+\.\d+\.[A-Za-z0-9_-]{43})/.exec(mail.raw.replace(/=\r\n/g, ''))![1]!;
    else if (i > 200) throw new Error('the recall notice mail never came');
    else await new Promise((r) => setTimeout(r, 100));
  }
});

afterAll(async () => {
  db?.close();
  await browser?.close();
  await server?.stop();
  await smtp?.close();
});

/** A session opened straight in the database (how one signs in is not this test's concern). */
async function sessionToken(email: string): Promise<string> {
  const user = (await findSignInUser(db, { email }))!;
  const { token } = await db.transaction((tx) => createSession(tx, systemClock, defaultPolicy, { userId: user.id, organisationId: user.organisation_id, authMethod: 'password' }));
  return token;
}

/** The pages a role reaches: its header's links, one record of each list it shows, and the recall pages of its role. */
async function pagesOf(page: Page, role: Role | 'visitor'): Promise<string[]> {
  if (role === 'visitor') return ['/login', new URL(noticeLink).pathname];
  await page.goto('/home');
  const nav = await page.locator('header nav a').evaluateAll((links) => links.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
  const pages = [...new Set(nav)];
  for (const list of [...pages]) {
    await page.goto(list);
    // The first record the list links to (a lot, an invoice, a certificate, a partner…).
    const record = await page.locator('main tbody a:not([download])').evaluateAll(
      (links, prefix) => links.map((a) => new URL((a as HTMLAnchorElement).href).pathname).find((p) => p.startsWith(`${prefix}/`) && !p.endsWith('.csv') && !p.endsWith('.pdf')),
      list,
    );
    if (record) pages.push(record);
  }
  // Pages reached from a page rather than the header: certificate expiry (from the certificates list) and search results.
  if (pages.includes('/certificates')) pages.push('/certificates/expiry');
  pages.push('/search?q=DEMO');
  if (role === 'manufacturer_qa') pages.push(`/recalls/${recallId}`, '/recalls/new', `/recalls/${recallId}/effectiveness`);
  if (role === 'distributor_user') pages.push(`/recalls/${recallId}/reply`);
  // The validation page (issue 19): in the header for QA and administrators, and behind the home page's self-check alert.
  if (role === 'manufacturer_qa' || role === 'manufacturer_admin') pages.push('/validation');
  if (role === 'manufacturer_qa') pages.push('/scars', '/scars/new', `/scars/${scarId}`);
  if (role === 'supplier_user') pages.push('/scars', `/scars/${scarId}`);
  return [...new Set(pages)];
}

/** English catalogue texts (their fixed parts, of two words or more) that read differently in `locale` (and appear nowhere in its catalogue). */
function englishOnly(locale: Locale): string[] {
  if (locale === 'en') return [];
  const own = (Object.keys(en) as MessageKey[]).map((key) => translate(locale, key)).join('\n');
  const fragments = new Set<string>();
  for (const key of Object.keys(en) as MessageKey[]) {
    if (translate(locale, key) === translate('en', key)) continue;
    for (const part of translate('en', key).split(/\{\w+\}/)) {
      const p = part.trim().replace(/[.:;,]$/, '');
      if (p.split(/\s+/).length >= 2 && p.length >= 10 && !own.includes(p)) fragments.add(p);
    }
  }
  return [...fragments];
}

/** The first segments of the catalogue's keys (`lots`, `audit`, `recalls`…): a text like `lots.problem.x` is a key shown raw. */
const keyPrefixes = [...new Set(Object.keys(en).map((k) => k.split('.')[0]!))];
const keyLike = new RegExp(`(?<![\\w@/.-])(?:${keyPrefixes.map((p) => p.replace(/[-]/g, '\\-')).join('|')})\\.[a-zA-Z][\\w-]*(?:\\.[\\w-]+)*(?![\\w@/-])`, 'g');
const fileName = /\.(pdf|csv|png|json|xml|edi|txt|p12|pem|cer)$/i;

/** What this page shows that a person would notice at once. */
async function problemsOn(page: Page, width: keyof typeof widths, english: string[]): Promise<string[]> {
  const found: string[] = [];
  const view = await page.evaluate(() => {
    const header = document.querySelector('header.top');
    // The header's controls (not those of an open menu's panel): on one row when their vertical centres agree.
    const centres = header
      ? [...header.querySelectorAll('a, button, select')].filter((e) => e.checkVisibility() && !e.classList.contains('skip') && !e.closest('details.menu > ul')).map((e) => {
          const r = e.getBoundingClientRect();
          return { what: (e.textContent ?? '').trim().slice(0, 30), y: Math.round(r.top + r.height / 2) };
        })
      : [];
    // Numbers (dates, times, amounts, GTINs, counts: digits with their separators, not part of a word) laid over two lines.
    const broken: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest('pre, textarea, script, style, .skip, [hidden]') || !parent.checkVisibility()) continue;
      const text = node.textContent ?? '';
      for (const m of text.matchAll(/(?<![\p{L}\p{N}_])\d[\d.,:/–-]*\d(?![\p{L}\p{N}_])/gu)) {
        // Not a number but part of a long code: a hash, a key, a certificate fingerprint (AB:12:…), which may break anywhere.
        const word = /\S*$/.exec(text.slice(0, m.index))![0] + m[0] + /^\S*/.exec(text.slice(m.index! + m[0].length))![0];
        if (word.length > 32 || /^([0-9A-F]{2}:){3,}/i.test(word)) continue;
        const range = document.createRange();
        range.setStart(node, m.index!);
        range.setEnd(node, m.index! + m[0].length);
        const tops = [...range.getClientRects()].filter((r) => r.width > 0).map((r) => r.top);
        if (tops.length > 1 && Math.max(...tops) - Math.min(...tops) > 4) broken.push(`${m[0]} in <${parent.tagName.toLowerCase()}${parent.className ? ` class="${parent.className}"` : ''}>`);
      }
    }
    const options = [...document.querySelectorAll(`option:not([lang]:not([lang="${document.documentElement.lang}"]))`)].map((o) => o.textContent ?? '');
    const labels = [...document.querySelectorAll('[aria-label], [title], input[placeholder]')].map((e) => `${e.getAttribute('aria-label') ?? ''} ${e.getAttribute('title') ?? ''} ${e.getAttribute('placeholder') ?? ''}`);
    // A list laid out as cards on a phone (ListFrame `stack`) shows every column: none past the viewport or its scroll box.
    const hidden = [...document.querySelectorAll('table.stack tbody td, table.stack tbody th')]
      .filter((c) => c.checkVisibility() && c.getBoundingClientRect().right > Math.min(window.innerWidth, c.closest('.table-wrap')?.getBoundingClientRect().right ?? Infinity) + 0.5)
      .map((c) => (c.textContent ?? '').trim().slice(0, 30));
    return {
      hidden,
      centres,
      broken,
      // What the page says in its own language: content in another (marked with its lang) and records shown as they are
      // (a mail as it was sent, in its recipient's languages: translate="no") are left out.
      text: (() => {
        const body = document.body.cloneNode(true) as HTMLElement;
        body.querySelectorAll(`script, style, noscript, template, [translate="no"], [lang]:not([lang="${document.documentElement.lang}"])`).forEach((e) => e.remove());
        // Cells and blocks end where their words end: textContent would run "… the lots." of one cell into the
        // "required" of the next into "lots.required", which reads as a catalogue key.
        body.querySelectorAll('td, th, li, dt, dd, p, h1, h2, h3, h4').forEach((e) => e.append(' '));
        return [document.title, body.textContent ?? '', ...options, ...labels].join('\n').replace(/\s+/g, ' ');
      })(),
      // Against the screen: a phone browser widens its layout viewport (innerWidth) to fit what overflows.
      sideways: document.documentElement.scrollWidth - Math.min(window.innerWidth, window.screen.width),
      widest: [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > Math.min(window.innerWidth, window.screen.width) + 1 && !e.closest('.table-wrap, .skip'))
        .slice(-3)
        .map((e) => `<${e.tagName.toLowerCase()}${e.className ? ` class="${e.className}"` : ''}>`),
    };
  });
  if (width === 'laptop' && view.centres.length) {
    const ys = view.centres.map((c) => c.y);
    if (Math.max(...ys) - Math.min(...ys) > 8) found.push(`the header wraps: ${view.centres.map((c) => `${c.what}@${c.y}`).join(', ')}`);
  }
  for (const b of view.broken) found.push(`a number wraps: ${b}`);
  for (const h of view.hidden) found.push(`a column is out of sight: ${h}`);
  if (view.sideways > 1) found.push(`the page scrolls sideways by ${view.sideways}px: ${view.widest.join(', ')}`);
  for (const m of view.text.matchAll(keyLike)) if (!fileName.test(m[0])) found.push(`a catalogue key shown: ${m[0]}`);
  for (const fragment of english) if (view.text.includes(fragment)) found.push(`English left untranslated: "${fragment}"`);
  return found;
}

describe.each([...roles, 'visitor' as const])('the pages of %s', (role) => {
  let pages: string[] = [];

  beforeAll(async () => {
    const context = await browser.newContext({ baseURL: server.url, ...widths.laptop });
    if (role !== 'visitor') await context.addCookies([{ name: sessionCookieName, value: await sessionToken(demo(role).email), url: server.url }]);
    pages = await pagesOf(await context.newPage(), role);
    await context.close();
  });

  test('are found', () => {
    expect(pages.length).toBeGreaterThanOrEqual(role === 'visitor' ? 2 : 5);
  });

  test.each(locales.flatMap((locale) => (Object.keys(widths) as (keyof typeof widths)[]).map((width) => ({ locale, width }))))(
    'read well in $locale at the $width width',
    async ({ locale, width }) => {
      const context = await browser.newContext({ baseURL: server.url, locale: 'en-GB', timezoneId: 'UTC', ...widths[width] });
      await context.addCookies([
        { name: 'lang', value: locale, url: server.url },
        ...(role === 'visitor' ? [] : [{ name: sessionCookieName, value: await sessionToken(demo(role).email), url: server.url }]),
      ]);
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      const english = englishOnly(locale);
      const found: string[] = [];
      for (const path of pages) {
        const answer = await page.goto(path);
        await page.evaluate(() => document.fonts.ready);
        const name = `${role}${path.replace(/\/([a-z]{3})_[^/]+/g, '/$1').replace(/[^\w-]+/g, '_')}-${locale}-${widths[width].viewport.width}`;
        await page.screenshot({ path: join(screensDir, `${name}.png`), fullPage: true });
        if (!answer || answer.status() >= 400) found.push(`${path}: HTTP ${answer?.status()}`);
        for (const p of await problemsOn(page, width, english)) found.push(`${path}: ${p}`);
      }
      // The header's menus open within the screen, their links readable.
      const menus = page.locator('header details.menu');
      for (let i = 0; i < (await menus.count()); i++) {
        await menus.nth(i).locator('summary').click();
        const panel = await menus.nth(i).locator('ul').boundingBox();
        await page.screenshot({ path: join(screensDir, `${role}-menu-${i + 1}-${locale}-${widths[width].viewport.width}.png`) });
        const inside = !!panel && panel.x >= 0 && panel.x + panel.width <= widths[width].viewport.width;
        if (!inside) found.push(`header menu ${i + 1} opens outside the screen: ${JSON.stringify(panel)}`);
        for (const p of await problemsOn(page, width, english)) found.push(`header menu ${i + 1}: ${p}`);
        await page.keyboard.press('Escape');
        expect(await menus.nth(i).getAttribute('open')).toBeNull();
      }
      await context.close();
      expect(pageErrors).toEqual([]);
      expect(found).toEqual([]);
    },
  );
});
