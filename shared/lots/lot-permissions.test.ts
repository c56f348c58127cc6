import { describe, expect, it } from 'vitest';
import { roles } from '../auth/actor.ts';
import { lotListPermissions, submitLotRecords } from './lot-permissions.ts';

describe('lot permissions', () => {
  it('offers submitting lots to a supplier user only, as submitLots and submitDesadvFile require', () => {
    for (const role of roles) {
      expect(lotListPermissions({ role }), role).toEqual({ submit: role === 'supplier_user' });
    }
    expect(submitLotRecords.roles).toEqual(['supplier_user']);
  });
});
