// An organisation's administrator gives a system an API key, in real Chromium against the real
// server: the key is created with re-authentication (the password, in the same step), its token
// shown once and copied with the button, and the API answers GET /api/v1/me with it over HTTP;
// after the administrator revokes the key, the same call answers 401. The REST API reference
// page renders the operations of the OpenAPI document. Screenshots: /tmp/lotbridge-api-keys-*.png.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { openDb, type Db } from '../../shared/db/index.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { systemClock } from '../../shared/clock.ts';
import { ensurePortalBuilt } from '../support/portal.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { addVirtualAuthenticator, launchChromium, mainNav, newVisitor, postsForm, signInAsDemo, stepLog, waitForPasskeysPageReady } from '../support/browser.ts';
import { actorFor } from '../support/actors.ts';
import { demo } from '../support/demo.ts';

const admin = { email: 'it@suzhou-precision.example', displayName: '李明 (Li Ming)' };

let server: RunningServer;
let browser: Browser;
let db: Db;

beforeAll(async () => {
  await ensurePortalBuilt();
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  db = openDb(server.databaseUrl);
  const supplier = await actorFor(db, demo('supplier_user').email);
  await addUser({ db, clock: systemClock, policy: defaultPolicy }, { type: 'system', name: 'test' }, {
    ...admin,
    password: demoPassword,
    organisationId: supplier.organisationId,
    role: 'supplier_user',
    administers: true,
  });
});

afterAll(async () => {
  db?.close();
  await browser?.close();
  await server?.stop();
});

// Bounded, so a server that does not answer fails here and says so.
const me = (token: string) => fetch(new URL('/api/v1/me', server.url), { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(30_000) });

describe('API key journey', () => {
  test('an administrator creates a key with re-authentication, the API takes its token until it is revoked', async () => {
    const { context, page, pageErrors } = await newVisitor(browser, server.url);
    await context.grantPermissions(['clipboard-write'], { origin: new URL(server.url).origin });
    // What the page hands the browser's clipboard, noted on its way through (the real write still
    // happens: only its success shows "Copied"). Reading the clipboard back (readText) hung CI's run.
    await page.addInitScript(() => {
      const write = navigator.clipboard.writeText.bind(navigator.clipboard);
      const noted: string[] = [];
      Object.assign(window, { clipboardWrites: noted });
      navigator.clipboard.writeText = (text: string) => {
        noted.push(text);
        return write(text);
      };
    });
    const step = stepLog('api-keys');
    await signInAsDemo(page, admin.email);
    step('signed in');

    await (await mainNav(page, 'link', 'API keys')).click();
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    await page.getByTestId('no-keys').waitFor();

    const form = page.getByTestId('create-form');
    await form.getByLabel('Name', { exact: true }).fill('ERP export');
    await form.getByRole('checkbox', { name: 'Lots: write' }).check();
    await form.getByRole('checkbox', { name: 'Certificates: read' }).check();

    // Without the password nothing is created.
    await postsForm(page, '/api-keys', () => form.getByRole('button', { name: 'Create key' }).click());
    await form.locator('[data-problem="common.required"]').waitFor();
    expect(await db.get('SELECT COUNT(*) AS n FROM api_keys')).toEqual({ n: 0 });
    step('refused without the password');

    await form.getByLabel('Your current password').fill(demoPassword);
    await postsForm(page, '/api-keys', () => form.getByRole('button', { name: 'Create key' }).click());
    const created = page.getByTestId('created');
    await created.getByText('It will not be shown again').waitFor();
    const token = await created.getByTestId('token').inputValue();
    expect(token).toMatch(/^lbk_/);
    step('created');
    await created.getByTestId('copy').click();
    await created.getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate(() => (window as unknown as { clipboardWrites: string[] }).clipboardWrites)).toEqual([token]);
    step('copied');
    await page.locator('[data-testid="api-key"][data-name="ERP export"][data-state="active"]').waitFor();
    await created.screenshot({ path: '/tmp/lotbridge-api-keys-created.png' });

    const answer = await me(token);
    expect(answer.status).toBe(200);
    expect((await answer.json()).user.displayName).toBe('ERP export (API key)');
    step('the API took the token');

    // Once the page is left, the token is gone for good.
    await page.reload();
    await page.locator('[data-testid="api-key"][data-name="ERP export"]').waitFor();
    expect(await page.getByTestId('created').count()).toBe(0);
    expect(await page.content()).not.toContain(token);
    await page.screenshot({ path: '/tmp/lotbridge-api-keys-en.png', fullPage: true });

    const row = page.locator('[data-testid="api-key"][data-name="ERP export"]');
    await row.getByLabel('Revoke the key ERP export').click();
    await row.getByText('Every system using it is refused from now on').waitFor();
    await postsForm(page, '/api-keys', () => row.getByTestId('confirm-revoke').click());
    await page.locator('[data-testid="api-key"][data-name="ERP export"][data-state="revoked"]').waitFor();
    expect((await me(token)).status).toBe(401);
    step('revoked');

    await postsForm(page, '/lang', () => page.getByRole('combobox', { name: 'Language' }).selectOption({ label: '简体中文' }));
    await page.getByRole('heading', { level: 1, name: 'API 密钥' }).waitFor();
    await page.screenshot({ path: '/tmp/lotbridge-api-keys-zh-CN.png', fullPage: true });
    await postsForm(page, '/lang', () => page.getByRole('combobox', { name: '语言' }).selectOption({ label: 'English' }));
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  test('when the browser refuses the clipboard, the page says so and selects the token for copying by hand', async () => {
    const { context, page, pageErrors } = await newVisitor(browser, server.url);
    // A browser policy that refuses clipboard writes, as a locked-down workstation's may.
    await page.addInitScript(() => {
      navigator.clipboard.writeText = () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'));
    });
    await signInAsDemo(page, admin.email);
    await (await mainNav(page, 'link', 'API keys')).click();
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    const form = page.getByTestId('create-form');
    await form.getByLabel('Name', { exact: true }).fill('Copied by hand');
    await form.getByRole('checkbox', { name: 'Lots: write' }).check();
    await form.getByLabel('Your current password').fill(demoPassword);
    await postsForm(page, '/api-keys', () => form.getByRole('button', { name: 'Create key' }).click());
    const created = page.getByTestId('created');
    const token = await created.getByTestId('token').inputValue();

    await created.getByTestId('copy').click();
    await created.getByTestId('copy-failed').getByText('The browser did not allow copying').waitFor();
    expect(await created.getByText('Copied to the clipboard.').count()).toBe(0);
    const selection = await page.evaluate(() => {
      const field = document.activeElement as HTMLInputElement;
      return { id: field.id, selected: field.value.slice(field.selectionStart ?? 0, field.selectionEnd ?? 0) };
    });
    expect(selection).toEqual({ id: 'token', selected: token });
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  test('a key may be confirmed with one of the administrator\'s passkeys instead of the password', async () => {
    const { context, page, pageErrors } = await newVisitor(browser, server.url);
    const authenticator = await addVirtualAuthenticator(context, page);
    await signInAsDemo(page, admin.email);
    await page.goto('/account/passkeys');
    await waitForPasskeysPageReady(page);
    await page.getByLabel('Name for this passkey').fill('Work laptop');
    await page.getByLabel('Your current password').fill(demoPassword);
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByRole('table').getByRole('cell', { name: 'Work laptop', exact: true }).waitFor();
    const signCount = (await authenticator.credentials())[0]!.signCount;

    await page.goto('/api-keys');
    const form = page.getByTestId('create-form');
    await form.getByRole('radio', { name: 'one of my passkeys' }).check();
    expect(await form.getByLabel('Your current password').count()).toBe(0);
    await form.getByLabel('Name', { exact: true }).fill('Warehouse');
    await form.getByRole('checkbox', { name: 'Purchase orders: read' }).check();
    await postsForm(page, '/api-keys', () => form.getByRole('button', { name: 'Create key' }).click());
    const token = await page.getByTestId('created').getByTestId('token').inputValue();
    expect((await me(token)).status).toBe(200);
    expect((await authenticator.credentials())[0]!.signCount).toBeGreaterThan(signCount);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  test('the reference page renders the operations of the OpenAPI document', async () => {
    const { context, page, pageErrors } = await newVisitor(browser, server.url);
    await signInAsDemo(page, admin.email);
    await (await mainNav(page, 'link', 'API reference')).click();
    await page.getByRole('heading', { level: 1, name: 'REST API reference' }).waitFor();
    const document = (await (await fetch(new URL('/api/v1/openapi.json', server.url))).json()) as { paths: Record<string, Record<string, { operationId: string }>> };
    const operationIds = Object.values(document.paths).flatMap((item) => Object.values(item).map((o) => o.operationId));
    expect(operationIds).toContain('getMe');
    for (const id of operationIds) await page.locator(`[data-testid="api-operation"][data-operation="${id}"]`).first().waitFor();
    const getMe = page.locator('[data-testid="api-operation"][data-operation="getMe"]');
    expect(await getMe.getByRole('heading', { level: 3 }).textContent()).toContain('GET /api/v1/me');
    await page.getByTestId('getting-started').getByText(`curl -H "Authorization: Bearer $LOTBRIDGE_KEY" ${server.url.replace(/\/$/, '')}/api/v1/me`).waitFor();
    expect(await page.getByTestId('openapi-link').getAttribute('href')).toBe('/api/v1/openapi.json');
    await page.screenshot({ path: '/tmp/lotbridge-api-keys-reference.png', fullPage: true });
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
