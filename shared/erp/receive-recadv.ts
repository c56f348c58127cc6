// RECADV (EANCOM D.96A): a distributor's receiving advice for a shipment of ours. The shipment
// number is RFF+AAK (despatch advice number) or RFF+DQ (delivery note), and must be a shipment
// to this distributor; each LIN names a GTIN (PIA+…:NB the lot) with the quantity received
// (QTY+48, else QTY+194) and accepted (QTY+194, else all received). Compared with what was
// shipped (per GTIN and lot): short, over, not shipped, refused and not received are the
// discrepancies. Becomes a receiving_advice record and a `shipment.received` event.
import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { isValidGtin, toGtin14 } from '../gs1/gtin.ts';
import { value } from '../edifact/element-values.ts';
import type { EdifactMessage } from '../edifact/envelope.ts';
import { refusedWith, type MessageResult } from '../edi/inbound/message-result.ts';
import { find, gtinOf, lotOf, problemAt, quantityOf, splitLines, wholeNumber } from './message-segments.ts';
import { bgmProblems, dtmDate, storeEdiDocument } from './store-edi-document.ts';
import { fill } from '../fill.ts';

export const recadvProblemTexts = {
  noShipment: 'the receiving advice names no shipment (RFF+AAK or RFF+DQ before the first LIN)',
  unknownShipment: 'shipment {shipment} is not a shipment to you',
  badGtin: 'GTIN {gtin} has a wrong check digit or length',
  noGtin: 'the line names no GTIN (LIN item number of type SRV, or PIA with SRV)',
  noQuantity: 'the line has no received quantity (QTY+48 or QTY+194)',
  badQuantity: 'quantity {value} is not a whole number from 0 to 999999999',
  noLines: 'the receiving advice has no LIN lines',
} as const;

type Discrepancy = 'short' | 'over' | 'not_shipped' | 'refused' | 'not_received';

export async function receiveRecadv(ctx: UseCaseContext, actor: Actor, m: EdifactMessage, origin: { interchangeId: string }): Promise<MessageResult> {
  const { header, lines } = splitLines(m);
  const bgm = find(header, 'BGM');
  const problems = bgmProblems(m, bgm);
  if (!bgm) return refusedWith(problems);
  const number = value(bgm, 2, 1);
  const rff = find(header, 'RFF', 'AAK') ?? find(header, 'RFF', 'DQ');
  const shipmentNumber = rff ? value(rff, 1, 2) : '';
  const refers = { documentNumber: number };
  if (!shipmentNumber) return refusedWith([...problems, problemAt(m, rff ?? bgm, 'noShipment', recadvProblemTexts.noShipment)], refers);
  const shipment = await ctx.db.get<{ id: string }>('SELECT id FROM shipments WHERE shipment_number = ? AND distributor_organisation_id = ?', [shipmentNumber, actor.organisationId]);
  if (!shipment) return refusedWith([...problems, problemAt(m, rff!, 'unknownShipment', fill(recadvProblemTexts.unknownShipment, { shipment: shipmentNumber }), { shipment: shipmentNumber }, { element: 1, component: 2 })], refers);
  if (lines.length === 0) problems.push(problemAt(m, bgm, 'noLines', recadvProblemTexts.noLines));

  const shipped = new Map<string, number>();
  for (const l of await ctx.db.all<{ gtin: string; lot: string | null; quantity: number }>('SELECT gtin, lot, quantity FROM shipment_lines WHERE shipment_id = ?', [shipment.id])) {
    const key = `${l.gtin}|${l.lot ?? ''}`;
    shipped.set(key, (shipped.get(key) ?? 0) + l.quantity);
  }
  const received = [];
  const seen = new Set<string>();
  for (const line of lines) {
    const gtin = gtinOf(line);
    if (!gtin) problems.push(problemAt(m, line.lin, 'noGtin', recadvProblemTexts.noGtin, {}, { element: 3, component: 1 }));
    else if (!isValidGtin(gtin)) problems.push(problemAt(m, line.lin, 'badGtin', fill(recadvProblemTexts.badGtin, { gtin }), { gtin }, { element: 3, component: 1 }));
    const got = quantityOf(line.segments, '48', '194');
    const accepted = quantityOf(line.segments, '194');
    if (!got) problems.push(problemAt(m, line.lin, 'noQuantity', recadvProblemTexts.noQuantity));
    const quantities = [got, accepted].map((q) => {
      if (!q) return null;
      const n = wholeNumber(q.value);
      if (n === null) problems.push(problemAt(m, q.segment, 'badNumber', fill(recadvProblemTexts.badQuantity, { value: q.value }), { value: q.value }, { element: 1, component: 2 }));
      return n;
    });
    const gtin14 = isValidGtin(gtin) ? toGtin14(gtin) : gtin;
    const lot = lotOf(line) || null;
    const key = `${gtin14}|${lot ?? ''}`;
    seen.add(key);
    const quantityReceived = quantities[0] ?? 0;
    const quantityAccepted = quantities[1] ?? quantityReceived;
    const quantityShipped = shipped.get(key) ?? 0;
    const discrepancies: Discrepancy[] = [];
    if (!shipped.has(key)) discrepancies.push('not_shipped');
    else if (quantityReceived < quantityShipped) discrepancies.push('short');
    else if (quantityReceived > quantityShipped) discrepancies.push('over');
    if (quantityAccepted < quantityReceived) discrepancies.push('refused');
    received.push({ lineNumber: Number(value(line.lin, 1)) || received.length + 1, gtin: gtin14, lot, quantityShipped, quantityReceived, quantityAccepted, discrepancies });
  }
  if (problems.length) return refusedWith(problems, refers);
  // What was shipped but not named at all.
  for (const [key, quantityShipped] of shipped) {
    if (seen.has(key)) continue;
    const [gtin, lot] = key.split('|') as [string, string];
    received.push({ lineNumber: 0, gtin, lot: lot || null, quantityShipped, quantityReceived: 0, quantityAccepted: 0, discrepancies: ['not_received' as const] });
  }
  const status = received.some((l) => l.discrepancies.length) ? 'discrepancies' : 'complete';
  const dtm = find(header, 'DTM', '137');
  const receipt = find(header, 'DTM', '50');
  const org = (await ctx.db.get<{ erp_id: string | null }>('SELECT erp_id FROM organisations WHERE id = ?', [actor.organisationId]))!;
  const stored = await storeEdiDocument(
    ctx,
    actor,
    { kind: 'receiving_advice', documentNumber: number, documentDate: dtm ? dtmDate(dtm) : null, refersTo: { type: 'shipment', id: shipment.id }, status, lines: received, interchangeId: origin.interchangeId, messageReference: m.reference },
    {
      type: 'shipment.received',
      data: {
        adviceNumber: number,
        receivedOn: receipt ? dtmDate(receipt) : dtm ? dtmDate(dtm) : null,
        distributor: { organisationId: actor.organisationId, erpId: org.erp_id, name: actor.organisationName },
        shipment: { id: shipment.id, shipmentNumber },
        status,
        lines: received,
      },
    },
    m,
  );
  if ('problems' in stored) return refusedWith(stored.problems, refers);
  return { status: 'accepted', records: [{ type: 'edi_document', id: stored.id }], problems: [], ...refers };
}
