// Stores an ORDRSP, RECADV or ORDERS as an edi_documents record with its audit entry and its
// event for the ERP, in one transaction (the caller's, when run within-transaction). A document
// number the partner sent before (same kind) is refused: that is a business problem for the
// APERAK, not a repeat of the interchange (the register recognises those).
import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { newId } from '../ids.ts';
import type { Segment } from '../edifact/interchange.ts';
import type { EdifactProblem } from '../edifact/problems.ts';
import { value } from '../edifact/element-values.ts';
import type { EdifactMessage } from '../edifact/envelope.ts';
import { find, problemAt } from './message-segments.ts';
import { fill } from '../fill.ts';

export type EdiDocumentKind = 'purchase_order_response' | 'receiving_advice' | 'sales_order';

export interface EdiDocument {
  kind: EdiDocumentKind;
  documentNumber: string;
  documentDate: string | null;
  refersTo: { type: 'purchase_order' | 'shipment'; id: string } | null;
  status: string;
  lines: unknown[];
  interchangeId: string;
  messageReference: string;
}

/** DTM 2380 in format 102 (CCYYMMDD) or 203 (CCYYMMDDHHMM) → YYYY-MM-DD; null otherwise. */
export function dtmDate(s: Segment): string | null {
  const raw = value(s, 1, 2);
  const format = value(s, 1, 3) || '102';
  if (!/^(102|203|204)$/.test(format) || !/^\d{8}/.test(raw)) return null;
  const date = `${raw.slice(0, 4)}-${raw.slice(4, 6)}-${raw.slice(6, 8)}`;
  const d = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === date ? date : null;
}

export const documentProblemTexts = {
  missingNumber: 'BGM names no document number (1004)',
  duplicateDocument: 'document {number} was received before ({receivedAt}); a changed document needs a new number',
} as const;

/** Problems of the BGM itself, segment-precise (a message without one is named by its UNH). */
export function bgmProblems(m: EdifactMessage, bgm: Segment | undefined): EdifactProblem[] {
  if (bgm && value(bgm, 2, 1)) return [];
  return [problemAt(m, bgm ?? m.segments[0]!, 'missingNumber', documentProblemTexts.missingNumber, {}, bgm ? { element: 2, component: 1 } : {})];
}

export async function storeEdiDocument(
  ctx: UseCaseContext,
  actor: Actor,
  doc: EdiDocument,
  event: { type: string; data: Record<string, unknown> },
  message: EdifactMessage,
): Promise<{ id: string } | { problems: EdifactProblem[] }> {
  return ctx.db.transaction(async (tx) => {
    const before = await tx.get<{ received_at: string }>('SELECT received_at FROM edi_documents WHERE kind = ? AND organisation_id = ? AND document_number = ?', [doc.kind, actor.organisationId, doc.documentNumber]);
    if (before) {
      const text = fill(documentProblemTexts.duplicateDocument, { number: doc.documentNumber, receivedAt: before.received_at });
      return { problems: [problemAt(message, find(message.segments, 'BGM') ?? null, 'duplicateDocument', text, { number: doc.documentNumber }, { element: 2, component: 1 })] };
    }
    const id = newId('edoc');
    const receivedAt = ctx.clock.now().toISOString();
    await tx.run(
      `INSERT INTO edi_documents (id, kind, organisation_id, document_number, document_date, refers_to_type, refers_to_id, status, lines, interchange_id, message_reference, received_by, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [id, doc.kind, actor.organisationId, doc.documentNumber, doc.documentDate, doc.refersTo?.type ?? null, doc.refersTo?.id ?? null, doc.status, JSON.stringify(doc.lines), doc.interchangeId, doc.messageReference, actor.userId, receivedAt],
    );
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: actor.organisationId,
      action: `edi.${doc.kind}_received`,
      entityType: 'edi_document',
      entityId: id,
      newValues: { kind: doc.kind, documentNumber: doc.documentNumber, status: doc.status, refersTo: doc.refersTo, lines: doc.lines.length, interchangeId: doc.interchangeId, messageReference: doc.messageReference },
      requestId: ctx.requestId,
    });
    await enqueueEvent(tx, ctx.clock, { type: event.type, aggregateType: 'edi_document', aggregateId: id, organisationId: actor.organisationId, data: { documentId: id, ...event.data, receivedAt } });
    return { id };
  });
}
