import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedDemo } from '../../shared/demo/seed-demo.ts';
import { finishPasskeySignIn, startPasskeySignIn } from '../../shared/auth/sign-in-with-passkey.ts';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { demoIds, insertPasskey } from '../support/portal.ts';
import { demo } from '../support/demo.ts';

const rp = { id: 'localhost', name: 'Lotbridge', origin: 'http://localhost:3000' };
const policy = { inactivityMs: 15 * 60_000, sessionMaxMs: 12 * 3_600_000, lockoutThreshold: 3, lockoutMs: 15 * 60_000 };
let t: TestDatabase;

beforeEach(async () => {
  t = await testDatabase(policy);
  await seedDemo(t.ctx);
});
afterEach(() => t.close());

/** An assertion for a registered credential that no authenticator made: it cannot verify. */
function forged(credentialId: string): AuthenticationResponseJSON {
  const b64 = (s: string) => Buffer.from(s).toString('base64url');
  return {
    id: credentialId,
    rawId: credentialId,
    type: 'public-key',
    clientExtensionResults: {},
    response: { clientDataJSON: b64('{}'), authenticatorData: b64('x'.repeat(37)), signature: b64('sig') },
  };
}

describe('failed passkey sign-ins', () => {
  it('count towards the lockout like wrong passwords, and are audited with the reason [REQ-P11-PWD-02]', async () => {
    const supplier = demo('supplier_user');
    const userId = (await demoIds(t.db)).user[supplier.email]!.id;
    const credentialId = await insertPasskey(t.db, userId, 'stolen key');

    const codes: string[] = [];
    for (let i = 0; i < policy.lockoutThreshold + 1; i++) {
      const { challengeId } = await startPasskeySignIn(t.ctx, rp);
      codes.push(await finishPasskeySignIn(t.ctx, rp, { challengeId, response: forged(credentialId) }).then(() => 'signed_in', (e) => e.code));
    }
    expect(codes).toEqual(['passkey_rejected', 'passkey_rejected', 'account_locked', 'account_locked']);
    const audit = await t.db.all<{ action: string; reason: string | null; new_values: string }>(
      "SELECT action, reason, new_values FROM audit_log WHERE entity_id = ? AND action LIKE 'auth.%' ORDER BY seq",
      [userId],
    );
    expect(audit.map((a) => a.action)).toEqual(['auth.sign_in_failed', 'auth.sign_in_failed', 'auth.sign_in_failed', 'auth.account_locked', 'auth.sign_in_refused']);
    expect(JSON.parse(audit[0]!.new_values)).toMatchObject({ method: 'passkey', credentialId, consecutiveFailures: 1 });
    expect(audit[0]!.reason).toBeTruthy();
  });
});
