/**
 * Queues an outbound AS2 message inside the caller's transaction: the row exists exactly when
 * what caused it does (a CONTRL with its interchange, a notice with its recall). Nothing goes
 * on the wire here; the AS2 sender wraps and POSTs it after commit, woken by afterCommit.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import type { Tx } from '../../db/index.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { wakeAs2Sender } from './as2-sender-wake-up.ts';

/** Payloads are BLOBs in the row (see migrations/0013); EDIFACT we send is far below this. */
export const maxOutboundPayloadBytes = 32 * 1024 * 1024;

export interface QueueAs2MessageInput {
  partnerId: string;
  payload: Uint8Array;
  filename: string;
  contentType: string;
  subject: string;
  purpose: string;
  relatesTo?: { type: string; id: string };
  /** Our /as2 URL for an async MDN, when the queuer decides it; else the sending instance's own. */
  receiptUrl?: string;
}

/** Our Message-IDs (stored without angle brackets): unique by the random id alone. */
export function newOutboundMessageId(): string {
  return `${newId('as2')}@lotbridge`;
}

export async function queueAs2Message(tx: Tx, clock: Clock, input: QueueAs2MessageInput): Promise<{ id: string; messageId: string }> {
  // A disabled partner's messages are queued all the same (the caller's transaction stands);
  // the sender holds them back, naming why, until the partner is enabled.
  const partner = await tx.get<{ id: string }>('SELECT id FROM edi_partners WHERE id = ?', [input.partnerId]);
  if (!partner) throw new AppError('not_found', `No EDI partner ${input.partnerId}: an AS2 message can only be queued for a known partner`);
  if (input.payload.byteLength > maxOutboundPayloadBytes) {
    throw new AppError('invalid_input', `The AS2 payload "${input.filename}" is ${input.payload.byteLength} bytes; at most ${maxOutboundPayloadBytes} bytes are sent in one message`);
  }
  for (const [name, value] of [['filename', input.filename], ['contentType', input.contentType], ['subject', input.subject], ['purpose', input.purpose]] as const) {
    // These end up in MIME/HTTP headers: a line break would forge headers.
    if (/[\r\n\0]/.test(value)) throw new AppError('invalid_input', `The AS2 message's ${name} holds a line break or NUL, which a MIME header cannot carry`);
  }
  if (!input.purpose.trim()) throw new AppError('invalid_input', 'An AS2 message needs a purpose (e.g. contrl, aperak, recall_notice, orders, manual)');
  if (!/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/.test(input.contentType)) {
    throw new AppError('invalid_input', `The AS2 content type "${input.contentType}" is not a media type such as application/edifact`);
  }
  const id = newId('as2out');
  const messageId = newOutboundMessageId();
  const now = clock.now().toISOString();
  await tx.run(
    `INSERT INTO as2_outbound_messages (id, partner_id, message_id, subject, filename, content_type, payload, payload_sha256, payload_size_bytes,
       purpose, relates_to_type, relates_to_id, receipt_url, created_at, state, attempts, next_attempt_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?)`,
    [
      id,
      partner.id,
      messageId,
      input.subject,
      input.filename,
      input.contentType,
      input.payload,
      createHash('sha256').update(input.payload).digest('hex'),
      input.payload.byteLength,
      input.purpose,
      input.relatesTo?.type ?? null,
      input.relatesTo?.id ?? null,
      input.receiptUrl ?? null,
      now,
      now,
    ],
  );
  tx.afterCommit(wakeAs2Sender);
  return { id, messageId };
}
