import { recordHash } from '../signatures/record-hash.ts';

/**
 * The record hash of a recall as issued (21 CFR 11.70), over its stored payload. A recall QA
 * creates in the portal is signed before it is recorded: the hash covers what QA signed, that is
 * the payload without the instant of recording and the manufacturer's name added with it. A
 * recall from the ERP is hashed as it came, whole. Recomputed from recalls.payload by
 * lotbridge audit verify and whenever a recall is shown.
 */
export function recallRecordHash(source: 'erp' | 'portal', payload: Record<string, unknown>): string {
  if (source === 'portal') {
    const { issuedAt: _issuedAt, manufacturer: _manufacturer, ...signed } = payload;
    return recordHash(signed);
  }
  return recordHash(payload);
}

export interface AcknowledgementContent {
  noticeId: string;
  recallNumber: string;
  distributor: string;
  holdsStock: boolean;
  comment: string | null;
  lots: {
    gtin: string;
    lot: string | null;
    received: number;
    onHand: number;
    quarantined: number;
    returned: number;
    destroyed: number;
    distributed: number;
    subRecipients: { name: string; contact?: string | null; quantity: number; notifiedOn: string }[];
  }[];
}

/** A reply's lot as stored (recall_acknowledgement_lots) and its sub-recipients (recall_subrecipients). */
export interface StoredAcknowledgementLot {
  gtin: string;
  lot: string | null;
  received: number;
  on_hand: number;
  quarantined: number;
  returned: number;
  destroyed: number;
  distributed: number;
}
export interface StoredSubRecipient {
  gtin: string;
  lot: string | null;
  name: string;
  contact: string | null;
  quantity: number;
  notified_on: string;
}

/** A stored lot as the reply's content (and its hash) has it, with the sub-recipients of that lot. */
type Lot = AcknowledgementContent['lots'][number];
export type StoredLotContent = Omit<Lot, 'subRecipients'> & { subRecipients: { name: string; contact: string | null; quantity: number; notifiedOn: string }[] };

export function acknowledgementLotFromRows(l: StoredAcknowledgementLot, subs: StoredSubRecipient[]): StoredLotContent {
  return {
    gtin: l.gtin,
    lot: l.lot,
    received: l.received,
    onHand: l.on_hand,
    quarantined: l.quarantined,
    returned: l.returned,
    destroyed: l.destroyed,
    distributed: l.distributed,
    subRecipients: subs.filter((s) => s.gtin === l.gtin && s.lot === l.lot).map((s) => ({ name: s.name, contact: s.contact, quantity: s.quantity, notifiedOn: s.notified_on })),
  };
}

/** The record hash a distributor's signed reply binds to: the notice, the stock per lot in the order given, and the comment. */
export function acknowledgementRecordHash(a: AcknowledgementContent): string {
  return recordHash({
    noticeId: a.noticeId,
    recallNumber: a.recallNumber,
    distributor: a.distributor,
    holdsStock: a.holdsStock,
    lots: a.lots.map((l) => ({
      gtin: l.gtin,
      lot: l.lot,
      received: l.received,
      onHand: l.onHand,
      quarantined: l.quarantined,
      returned: l.returned,
      destroyed: l.destroyed,
      distributed: l.distributed,
      subRecipients: l.subRecipients.map((s) => ({ name: s.name, contact: s.contact ?? undefined, quantity: s.quantity, notifiedOn: s.notifiedOn })),
    })),
    comment: a.comment,
  });
}
