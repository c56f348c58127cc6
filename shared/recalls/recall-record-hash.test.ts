import { describe, expect, it } from 'vitest';
import { recordHash } from '../signatures/record-hash.ts';
import { acknowledgementRecordHash, recallRecordHash } from './recall-record-hash.ts';

const content = {
  recallNumber: 'FSCA-1',
  reason: 'Roller clamp may leak',
  products: [{ gtin: '09506000134352', lots: ['L-1'] }],
};

describe('recallRecordHash', () => {
  it('hashes what QA signed for a portal recall: the payload without the instant of recording and the manufacturer added with it', () => {
    const signed = recordHash(content);
    expect(recallRecordHash('portal', { ...content, issuedAt: '2026-03-02T09:00:00.000Z', manufacturer: 'Meridian Medical' })).toBe(signed);
    expect(recallRecordHash('portal', { ...content, issuedAt: '' })).toBe(signed);
  });

  it('hashes a recall from the ERP whole, as it came, in canonical key order', () => {
    const issued = { ...content, issuedAt: '2026-03-02T09:00:00Z' };
    expect(recallRecordHash('erp', issued)).toBe(recordHash(issued));
    expect(recallRecordHash('erp', { issuedAt: issued.issuedAt, products: content.products, reason: content.reason, recallNumber: content.recallNumber })).toBe(recordHash(issued));
    expect(recallRecordHash('erp', { ...issued, issuedAt: '2026-03-03T09:00:00Z' })).not.toBe(recordHash(issued));
    expect(recallRecordHash('erp', { ...issued, reason: 'Cosmetic only' })).not.toBe(recordHash(issued));
  });
});

describe('acknowledgementRecordHash', () => {
  const reply = {
    noticeId: 'ntc_1',
    recallNumber: 'FSCA-1',
    distributor: 'org_1',
    holdsStock: true,
    comment: null,
    lots: [{ gtin: '09506000134352', lot: 'L-1', received: 10, onHand: 10, quarantined: 10, returned: 0, destroyed: 0, distributed: 0, subRecipients: [{ name: 'Klinikum', quantity: 1, notifiedOn: '2026-03-02' }] }],
  };

  it('is the same whether a sub-recipient without contact reads undefined (as submitted) or null (as stored)', () => {
    const stored = { ...reply, lots: reply.lots.map((l) => ({ ...l, subRecipients: l.subRecipients.map((s) => ({ ...s, contact: null })) })) };
    expect(acknowledgementRecordHash(stored)).toBe(acknowledgementRecordHash(reply));
  });

  it('changes with any quantity', () => {
    expect(acknowledgementRecordHash({ ...reply, lots: [{ ...reply.lots[0]!, quarantined: 9 }] })).not.toBe(acknowledgementRecordHash(reply));
  });
});

describe('acknowledgementRecordHash with the MDCG 2023-3 answers', () => {
  const lot = { gtin: '09506000134352', lot: null, received: 4, onHand: 2, quarantined: 2, returned: 1, destroyed: 0, distributed: 0, subRecipients: [] };
  const before = { noticeId: 'ntc_1', recallNumber: 'FSCA-1', distributor: 'org_1', holdsStock: true, comment: null, lots: [lot] };
  const form = { actionsCompleted: false, customersInformed: 'not_applicable' as const, contactRequested: true, question: 'Who collects?', signerFunction: 'Head of quality', signerPhone: '+49 221 555 0100' };

  it('hashes a reply signed before they were asked exactly as it was signed, read back with the new columns NULL', () => {
    // What acknowledgementRecordHash hashed before migration 0033: no form, corrected or serials.
    const asSigned = recordHash({ ...before, lots: [{ ...lot, subRecipients: [] }] });
    expect(acknowledgementRecordHash({ ...before, form: null, lots: [{ ...lot, corrected: null, serials: null }] })).toBe(asSigned);
    expect(acknowledgementRecordHash(before)).toBe(asSigned);
  });

  it('binds every new answer: the form, corrected units and the serials per outcome', () => {
    const serials = { onHand: ['S-1', 'S-2'], quarantined: ['S-1', 'S-2'], returned: ['S-3'], destroyed: [], corrected: ['S-4'] };
    const signed = acknowledgementRecordHash({ ...before, form, lots: [{ ...lot, corrected: 1, serials }] });
    expect(acknowledgementRecordHash({ ...before, lots: [{ ...lot, corrected: 1, serials }] })).not.toBe(signed);
    expect(acknowledgementRecordHash({ ...before, form, lots: [{ ...lot, corrected: 0, serials }] })).not.toBe(signed);
    expect(acknowledgementRecordHash({ ...before, form, lots: [{ ...lot, corrected: 1, serials: { ...serials, returned: ['S-4'], corrected: ['S-3'] } }] })).not.toBe(signed);
    for (const change of [{ signerPhone: '+49 221 555 0101' }, { signerFunction: 'Buyer' }, { question: 'Who pays?' }, { contactRequested: false }, { actionsCompleted: true }, { customersInformed: 'no' as const }]) {
      expect(acknowledgementRecordHash({ ...before, form: { ...form, ...change }, lots: [{ ...lot, corrected: 1, serials }] }), JSON.stringify(change)).not.toBe(signed);
    }
  });
});
