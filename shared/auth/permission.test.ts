import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors.ts';
import { roles, type Actor, type Role } from './actor.ts';
import { permission } from './permission.ts';

const actor = (role: Role): Actor => ({ userId: 'u', email: 'u@example.test', displayName: 'U', organisationId: 'o', organisationName: 'O', organisationKind: role.startsWith('manufacturer') ? 'manufacturer' : role === 'supplier_user' ? 'supplier' : 'distributor', role });

function refused(run: () => void): string | null {
  try {
    run();
    return null;
  } catch (e) {
    return isAppError(e) ? e.code : String(e);
  }
}

describe('permission', () => {
  it('allows exactly the roles it names, and the use case refuses exactly the others as forbidden', () => {
    const p = permission('manufacturer_qa', 'supplier_user');
    for (const role of roles) {
      const allowed = role === 'manufacturer_qa' || role === 'supplier_user';
      expect(p.allows(actor(role)), role).toBe(allowed);
      expect(refused(() => p.require(actor(role))), role).toBe(allowed ? null : 'forbidden');
    }
  });
});
