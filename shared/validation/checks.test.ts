import { describe, expect, it } from 'vitest';
import { expectedTriggers } from './check-triggers.ts';
import { satisfiesRange, checkRuntime } from './check-runtime.ts';
import { checkClock } from './check-clock.ts';
import { checkSecuritySettings } from './check-security-settings.ts';
import { parseSha256Sums } from './check-migrations.ts';
import { defaultPolicy } from '../auth/policy.ts';

describe('expectedTriggers', () => {
  it('keeps what the migrations leave in place: a trigger dropped later is gone unless created again; comments and strings do not count', () => {
    const files = [
      { name: '0001_a.sql', sql: "CREATE TRIGGER a_fixed BEFORE UPDATE ON a BEGIN SELECT RAISE(ABORT, 'DROP TRIGGER b_kept is not allowed'); END;\nCREATE TRIGGER b_kept BEFORE DELETE ON b BEGIN SELECT 1; END;\n-- CREATE TRIGGER only_in_a_comment\nCREATE TRIGGER IF NOT EXISTS c_old BEFORE DELETE ON c BEGIN SELECT 1; END;" },
      { name: '0002_b.sql', sql: 'DROP TRIGGER a_fixed;\nCREATE TRIGGER a_fixed BEFORE UPDATE ON a BEGIN SELECT 2; END;\n/* CREATE TRIGGER in_block */ DROP TRIGGER IF EXISTS c_old;' },
      { name: 'README.md', sql: 'CREATE TRIGGER not_a_migration' },
    ];
    expect(expectedTriggers(files)).toEqual(['a_fixed', 'b_kept']);
  });
});

describe('satisfiesRange', () => {
  it.each([
    ['v20.20.2', '^20.19 || >=22.12', true],
    ['v20.18.0', '^20.19 || >=22.12', false],
    ['v22.11.0', '^20.19 || >=22.12', false],
    ['v24.1.0', '^20.19 || >=22.12', true],
    ['v21.0.0', '^20.19 || >=22.12', false],
    ['v18.20.0', '>=18 <19', true],
    ['v20.1.0', '20.x', true],
  ])('%s against %s: %s', (version, range, ok) => {
    expect(satisfiesRange(version, range)).toBe(ok);
  });
});

describe('checkRuntime', () => {
  it('names a package installed at another version than locked and a missing one; an optional one for another platform may be absent', () => {
    const c = checkRuntime({
      nodeVersion: 'v20.20.2',
      enginesNode: '^20.19',
      direct: ['hono', 'pdfkit'],
      locked: { 'node_modules/hono': { version: '4.1.0' }, 'node_modules/pdfkit': { version: '0.17.0' }, 'node_modules/@esbuild/win32-x64': { version: '0.25.0', optional: true }, 'node_modules/a/node_modules/b': { version: '1.0.0' } },
      installed: { 'node_modules/hono': '4.2.0', 'node_modules/pdfkit': undefined, 'node_modules/@esbuild/win32-x64': undefined, 'node_modules/a/node_modules/b': '1.0.0' },
    });
    expect(c.status).toBe('fail');
    expect(c.findings).toEqual([
      { code: 'validation.dependency_version', params: { package: 'hono', locked: '4.1.0', installed: '4.2.0' } },
      { code: 'validation.dependency_missing', params: { package: 'pdfkit', locked: '0.17.0' } },
    ]);
    expect(c.facts).toMatchObject({ lockedPackages: 4, matching: 1, optionalAbsent: 1 });
  });

  it('names a Node version outside the engines range', () => {
    expect(checkRuntime({ nodeVersion: 'v18.0.0', enginesNode: '^20.19', direct: [], locked: {}, installed: {} }).findings).toEqual([{ code: 'validation.node_version', params: { version: 'v18.0.0', required: '^20.19' } }]);
  });
});

describe('checkClock', () => {
  const now = new Date('2026-03-02T09:00:00.000Z');
  it('fails on an offset beyond the limit and the reference resolution, and on a host that says it is not synchronised', () => {
    const c = checkClock(now, [{ source: 'server', at: new Date(now.getTime() + 7_000), localAt: now, resolutionMs: 1_000 }, { source: 'database', at: null, localAt: now, resolutionMs: 0 }], false);
    expect(c.findings).toEqual([{ code: 'validation.clock_offset', params: { source: 'server', offsetMs: 7_000, limitMs: 5_000 } }, { code: 'validation.clock_not_synchronized', params: {} }]);
    expect(c.facts).toMatchObject({ 'offset.database': 'unavailable', ntpSynchronized: false });
  });

  it('passes within the limit and says when synchronisation cannot be told', () => {
    const c = checkClock(now, [{ source: 'server', at: new Date(now.getTime() - 5_500), localAt: now, resolutionMs: 1_000 }], null);
    expect(c).toMatchObject({ status: 'pass', facts: { ntpSynchronized: 'unknown', 'offset.server': -5_500 } });
  });
});

describe('checkSecuritySettings', () => {
  it('passes the defaults and names each setting beyond its limit, cookies without Secure and keys not installed', () => {
    const keys = { keysInstalled: true, currentKeyId: 'k1' };
    expect(checkSecuritySettings({ policy: defaultPolicy, publicUrl: new URL('https://portal.example.com'), trustProxy: false }, keys)).toMatchObject({ status: 'pass', facts: { secureCookies: 'always' } });
    const weak = checkSecuritySettings({ policy: { ...defaultPolicy, inactivityMs: 60 * 60_000, lockoutThreshold: 50 }, publicUrl: new URL('http://portal.example.com'), trustProxy: false }, { keysInstalled: false, currentKeyId: null });
    expect(weak.findings).toEqual([
      { code: 'validation.setting_too_weak', params: { setting: 'SESSION_INACTIVITY_MINUTES', value: 60, limit: 30 } },
      { code: 'validation.setting_too_weak', params: { setting: 'LOCKOUT_THRESHOLD', value: 50, limit: 10 } },
      { code: 'validation.cookies_not_secure', params: { publicUrl: 'http://portal.example.com' } },
      { code: 'validation.keys_not_installed', params: {} },
    ]);
    expect(checkSecuritySettings({ policy: defaultPolicy, publicUrl: new URL('http://localhost:3000'), trustProxy: false }, keys).status).toBe('pass');
  });
});

describe('parseSha256Sums', () => {
  it('reads sha256sum lines', () => {
    expect([...parseSha256Sums(`${'a'.repeat(64)}  0001_init.sql\n${'b'.repeat(64)} *0002_x.sql\nnot a line\n`)]).toEqual([
      ['0001_init.sql', 'a'.repeat(64)],
      ['0002_x.sql', 'b'.repeat(64)],
    ]);
  });
});

describe('readHttpClock', () => {
  it("reads a running server's HTTP Date against ours; an unreachable one is unavailable, not a failure", async () => {
    const { createServer } = await import('node:http');
    const { readHttpClock } = await import('./read-installation.ts');
    const ahead = createServer((_req, res) => {
      res.setHeader('Date', new Date(Date.now() + 60_000).toUTCString());
      res.end('ok');
    });
    await new Promise<void>((resolve) => ahead.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(ahead.address() as { port: number }).port}`;
    try {
      const read = await readHttpClock(origin);
      const c = checkClock(new Date(), [read], true);
      expect(c.findings).toEqual([{ code: 'validation.clock_offset', params: { source: origin, offsetMs: expect.any(Number), limitMs: 5_000 } }]);
      expect(Math.abs(Number(c.facts[`offset.${origin}`]) - 60_000)).toBeLessThan(2_000);
    } finally {
      await new Promise((resolve) => ahead.close(resolve));
    }
    const gone = await readHttpClock(origin);
    expect(gone.at).toBeNull();
    expect(checkClock(new Date(), [gone], true)).toMatchObject({ status: 'pass', facts: { [`offset.${origin}`]: 'unavailable' } });
  });
});
