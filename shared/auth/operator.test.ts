import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors.ts';
import type { Actor, Role } from './actor.ts';
import { authoriseOperator } from './operator.ts';

const user = (role: Role): Actor => ({
  userId: 'usr_1',
  email: 'someone@example.com',
  displayName: 'Some One',
  organisationId: 'org_1',
  organisationName: 'Meridian',
  organisationKind: role.startsWith('manufacturer') ? 'manufacturer' : role === 'supplier_user' ? 'supplier' : 'distributor',
  role,
});

describe('authoriseOperator', () => {
  it('lets a manufacturer administrator act, audited as that user in their organisation', () => {
    expect(authoriseOperator(user('manufacturer_admin'))).toEqual({ actor: { type: 'user', id: 'usr_1', name: 'Some One' }, organisationId: 'org_1' });
  });

  it('lets the system act, audited as itself in no organisation', () => {
    const system = { type: 'system' as const, id: 'cli', name: 'lotbridge CLI' };
    expect(authoriseOperator(system)).toEqual({ actor: system, organisationId: null });
  });

  it.each(['manufacturer_qa', 'supplier_user', 'distributor_user'] as const)('refuses a %s as forbidden', (role) => {
    let refused: unknown;
    try {
      authoriseOperator(user(role));
    } catch (e) {
      refused = e;
    }
    expect(isAppError(refused) && refused.code).toBe('forbidden');
  });
});
