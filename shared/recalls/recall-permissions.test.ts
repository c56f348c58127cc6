import { describe, expect, it } from 'vitest';
import { roles } from '../auth/actor.ts';
import { actOnRecalls, checkEffectiveness, closeRecalls, createRecalls, effectivenessPermissions, recallListPermissions, recallPermissions } from './recall-permissions.ts';

describe('recall permissions', () => {
  it('offers recording a recall to manufacturer QA only, as createRecall requires', () => {
    for (const role of roles) expect(recallListPermissions({ role }), role).toEqual({ create: role === 'manufacturer_qa' });
    expect(createRecalls.roles).toEqual(['manufacturer_qa']);
  });

  it('offers QA acting on a recall under review and closing an open one, neither on altered records', () => {
    for (const role of roles) {
      const qa = role === 'manufacturer_qa';
      expect(recallPermissions({ role }, 'received', false), role).toEqual({ act: qa, close: false });
      expect(recallPermissions({ role }, 'open', false), role).toEqual({ act: false, close: qa });
      expect(recallPermissions({ role }, 'closed', false), role).toEqual({ act: false, close: false });
    }
    expect(recallPermissions({ role: 'manufacturer_qa' }, 'received', true)).toEqual({ act: false, close: false });
    expect(recallPermissions({ role: 'manufacturer_qa' }, 'open', true)).toEqual({ act: false, close: false });
    expect(actOnRecalls.roles).toEqual(['manufacturer_qa']);
    expect(closeRecalls.roles).toEqual(['manufacturer_qa']);
  });

  it('offers drawing and recording effectiveness checks to manufacturer QA only, as the use cases require', () => {
    for (const role of roles) expect(effectivenessPermissions({ role }), role).toEqual({ record: role === 'manufacturer_qa' });
    expect(checkEffectiveness.roles).toEqual(['manufacturer_qa']);
  });
});
