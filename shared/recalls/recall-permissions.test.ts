import { describe, expect, it } from 'vitest';
import { roles } from '../auth/actor.ts';
import { actOnRecalls, checkEffectiveness, closeRecalls, followUpConsignees, createRecalls, effectivenessPermissions, recallListPermissions, recallPermissions } from './recall-permissions.ts';

describe('recall permissions', () => {
  it('offers recording a recall to manufacturer QA only, as createRecall requires', () => {
    for (const role of roles) expect(recallListPermissions({ role }), role).toEqual({ create: role === 'manufacturer_qa' });
    expect(createRecalls.roles).toEqual(['manufacturer_qa']);
  });

  it('offers QA acting on a recall under review, closing and following up an open one, adding consignees to either; on altered records only the follow-up', () => {
    for (const role of roles) {
      const qa = role === 'manufacturer_qa';
      expect(recallPermissions({ role }, 'received', false), role).toEqual({ act: qa, add: qa, close: false, followUp: false });
      expect(recallPermissions({ role }, 'open', false), role).toEqual({ act: false, add: qa, close: qa, followUp: qa });
      expect(recallPermissions({ role }, 'closed', false), role).toEqual({ act: false, add: false, close: false, followUp: false });
    }
    expect(recallPermissions({ role: 'manufacturer_qa' }, 'received', true)).toEqual({ act: false, add: false, close: false, followUp: false });
    expect(recallPermissions({ role: 'manufacturer_qa' }, 'open', true)).toEqual({ act: false, add: false, close: false, followUp: true });
    expect(actOnRecalls.roles).toEqual(['manufacturer_qa']);
    expect(closeRecalls.roles).toEqual(['manufacturer_qa']);
    expect(followUpConsignees.roles).toEqual(['manufacturer_qa']);
  });

  it('offers drawing and recording effectiveness checks to manufacturer QA only, as the use cases require', () => {
    for (const role of roles) expect(effectivenessPermissions({ role }), role).toEqual({ record: role === 'manufacturer_qa' });
    expect(checkEffectiveness.roles).toEqual(['manufacturer_qa']);
  });
});
