import { describe, expect, it } from 'vitest';
import type { Actor } from '../../auth/actor.ts';
import { reprocessRefusal } from './reprocess-eligibility.ts';
import type { InboundDetail } from './get-edi-message.ts';

const actor = (role: Actor['role']): Actor => ({
  userId: 'usr_1',
  email: 'a@example.test',
  displayName: 'A',
  organisationId: 'org_1',
  organisationName: 'Maker',
  organisationKind: 'manufacturer',
  role,
});
const admin = actor('manufacturer_admin');

type Facts = Parameters<typeof reprocessRefusal>[1];
const processed = (over: Partial<Facts> = {}): Facts => ({
  state: 'processed',
  failure: null,
  payload: { filename: 'x.edi', contentType: 'application/edifact', sha256: 'ab', sizeBytes: 10 },
  edifact: { state: 'processed', run: { outcomes: [{ reference: 'R1', status: 'refused', duplicate: false, problems: ['no EDI id'] }], queued: [], error: null } },
  interchanges: [],
  ...over,
});
const inRegister = [{ controlReference: 'R1', status: 'rejected' }] as unknown as InboundDetail['interchanges'];

describe('reprocessRefusal', () => {
  it('allows a run whose interchanges were all refused before the register, and a failed run', () => {
    expect(reprocessRefusal(admin, processed())).toBeNull();
    expect(reprocessRefusal(admin, processed({ edifact: { state: 'failed', run: { outcomes: [], queued: [], error: 'ENOENT' } } }))).toBeNull();
  });

  it('refuses anyone but an administrator', () => {
    expect(reprocessRefusal(actor('manufacturer_qa'), processed())).toMatchObject({ code: 'notAdmin', text: expect.stringContaining('you are manufacturer_qa') });
  });

  it('refuses a message the AS2 layer refused, naming its disposition and reason', () => {
    const r = reprocessRefusal(admin, processed({ state: 'failed', failure: { disposition: 'authentication-failed', reason: 'not signed' }, payload: null }));
    expect(r).toMatchObject({ code: 'as2Failed', text: expect.stringContaining('(authentication-failed: not signed)') });
  });

  it('refuses a payload that is not EDIFACT, one still waiting, and one still being received', () => {
    expect(reprocessRefusal(admin, processed({ edifact: { state: null, run: null } }))?.code).toBe('notEdifact');
    expect(reprocessRefusal(admin, processed({ edifact: { state: 'waiting', run: null } }))?.code).toBe('waiting');
    expect(reprocessRefusal(admin, processed({ state: 'received' }))?.code).toBe('stillReceiving');
  });

  it('allows a run that brought an interchange into the register that was not wholly accepted (the register reruns it)', () => {
    expect(reprocessRefusal(admin, processed({ interchanges: inRegister }))).toBeNull();
    const partly = [{ controlReference: 'R1', status: 'partially_accepted' }] as unknown as InboundDetail['interchanges'];
    expect(reprocessRefusal(admin, processed({ interchanges: partly }))).toBeNull();
  });

  it('refuses a run whose every interchange was accepted, naming them', () => {
    const accepted = [{ controlReference: 'R1', status: 'accepted' }] as unknown as InboundDetail['interchanges'];
    const run = { outcomes: [{ reference: 'R1', status: 'accepted', duplicate: false, problems: [] }], queued: [], error: null };
    expect(reprocessRefusal(admin, processed({ interchanges: accepted, edifact: { state: 'processed', run } }))).toMatchObject({ code: 'answered', params: { references: 'R1 (accepted)' } });
  });

  it('refuses a run that answered a repeat of an interchange that came in another message', () => {
    const run = { outcomes: [{ reference: 'R9', status: 'accepted', duplicate: true, problems: [] }], queued: [], error: null };
    expect(reprocessRefusal(admin, processed({ edifact: { state: 'processed', run } }))).toMatchObject({ code: 'answered', params: { references: 'R9 (accepted, repeat)' } });
  });
});
