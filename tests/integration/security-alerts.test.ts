import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedDemo } from '../../shared/demo/seed-demo.ts';
import { signInWithPassword } from '../../shared/auth/sign-in-with-password.ts';
import { listSecurityAlerts } from '../../shared/audit/list-security-alerts.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { actorFor } from '../support/actors.ts';
import { demo } from '../support/demo.ts';

let t: TestDatabase;
beforeEach(async () => {
  t = await testDatabase({ inactivityMs: 15 * 60_000, sessionMaxMs: 12 * 3_600_000, lockoutThreshold: 2, lockoutMs: 15 * 60_000 });
  await seedDemo(t.ctx);
});
afterEach(() => t.close());

describe('security alerts', () => {
  it('show the manufacturer an account locked by repeated failed sign-ins, for a week [REQ-P11-PWD-02]', async () => {
    const supplier = demo('supplier_user');
    const admin = await actorFor(t.db, demo('manufacturer_admin').email);
    expect(await listSecurityAlerts(t.ctx, admin)).toEqual([]);

    for (let i = 0; i < 2; i++) await signInWithPassword(t.ctx, { email: supplier.email, password: 'wrong-password!' }).catch(() => undefined);
    const alerts = await listSecurityAlerts(t.ctx, admin);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ action: 'auth.account_locked', userEmail: supplier.email, reason: '2 consecutive failed sign-ins' });

    t.clock.advance(8 * 86_400_000);
    expect(await listSecurityAlerts(t.ctx, admin)).toEqual([]);
  });

  it('are refused to suppliers and distributors', async () => {
    const supplier = await actorFor(t.db, demo('supplier_user').email);
    await expect(listSecurityAlerts(t.ctx, supplier)).rejects.toMatchObject({ code: 'forbidden' });
  });
});
