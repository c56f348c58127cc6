/**
 * An operator sends a file to a partner by its AS2 id (`lotbridge as2 send`): the message is
 * queued with its audit entry in one transaction; the AS2 sender takes it from there.
 */
import type { SystemActor } from '../../auth/operator.ts';
import { recordAudit } from '../../audit/record-audit.ts';
import type { UseCaseContext } from '../../context.ts';
import { problem, refusal } from '../../errors.ts';
import { bytesToLatin1 } from '../../as2/index.ts';
import { queueAs2Message } from './queue-as2-message.ts';

export interface SendAs2FileInput {
  to: string;
  filename: string;
  payload: Uint8Array;
  subject?: string;
  contentType?: string;
  /** Where the partner sends an async MDN (our PUBLIC_URL's /as2), fixed now for whichever instance sends it. */
  receiptUrl?: string;
}

/** EDIFACT when it starts like an interchange, else opaque bytes. */
export function guessContentType(payload: Uint8Array): string {
  const head = bytesToLatin1(payload.subarray(0, 8)).replace(/^\u00EF\u00BB\u00BF/, '');
  return head.startsWith('UNA') || head.startsWith('UNB') ? 'application/edifact' : 'application/octet-stream';
}

export async function sendAs2File(ctx: UseCaseContext, by: SystemActor, input: SendAs2FileInput): Promise<{ id: string; messageId: string; partnerId: string }> {
  const partner = await ctx.db.get<{ id: string; organisation_id: string }>('SELECT id, organisation_id FROM edi_partners WHERE as2_id = ?', [input.to]);
  if (!partner) throw refusal('not_found', `No EDI partner has the AS2 id "${input.to}" (AS2 ids are case-sensitive; "lotbridge partner list" shows them)`, { to: problem('as2.unknownPartner', { value: input.to }) });
  const contentType = input.contentType ?? guessContentType(input.payload);
  const subject = input.subject ?? input.filename;
  return ctx.db.transaction(async (tx) => {
    const queued = await queueAs2Message(tx, ctx.clock, { partnerId: partner.id, payload: input.payload, filename: input.filename, contentType, subject, purpose: 'manual', receiptUrl: input.receiptUrl });
    await recordAudit(tx, ctx.clock, {
      actor: by,
      organisationId: partner.organisation_id,
      action: 'as2.outbound_queued',
      entityType: 'as2_outbound_message',
      entityId: queued.id,
      newValues: { messageId: queued.messageId, to: input.to, filename: input.filename, contentType, sizeBytes: input.payload.byteLength, purpose: 'manual' },
      requestId: ctx.requestId,
    });
    return { ...queued, partnerId: partner.id };
  });
}
