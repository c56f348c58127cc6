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
