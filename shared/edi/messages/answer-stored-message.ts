/**
 * The answer to a stored inbound message: its MDN, built once from what the row records (so a
 * repeat, or a retry after a crash between storing and answering, gets the very same receipt),
 * kept with the row, and then either returned (sync) or queued for delivery (async).
 */
import { dispositionText, type DigestName, type HeaderList, type MdnOutcome } from '../../as2/index.ts';
import { as2Crypto } from '#runtime/as2-crypto';
import type { StoredKeyPair } from '../identity/load-as2-keys.ts';
import { recordAudit } from '../../audit/record-audit.ts';
import type { UseCaseContext } from '../../context.ts';
import { newId } from '../../ids.ts';
import { getMessageRow, type As2MessageRow } from './as2-message-rows.ts';

export type As2Reply =
  /** The MDN on the same connection (HTTP 200, its headers and body). */
  | { kind: 'mdn'; headers: HeaderList; body: Uint8Array }
  /** No MDN on this connection: an async one is queued, or none was asked for. */
  | { kind: 'ack'; status: 200 | 422; text: string };

export interface AnswerOptions {
  ourAs2Id: string;
  /** Our newest active signing key pair; undefined only before our identity exists. */
  signingKey: StoredKeyPair | undefined;
  reportingUa: string;
}

const signingDigests: readonly DigestName[] = ['sha1', 'sha224', 'sha256', 'sha384', 'sha512'];

function outcomeOf(row: As2MessageRow): MdnOutcome {
  return row.failure_disposition ? { status: 'error', error: row.failure_disposition } : { status: 'processed' };
}

function humanText(row: As2MessageRow): string {
  return row.failure_reason
    ? `The AS2 message <${row.message_id}> was received but could not be processed (${row.failure_disposition}): ${row.failure_reason}`
    : `The AS2 message <${row.message_id}> was received, stored and processed.`;
}

/** A Message-ID domain part from our AS2 id (only characters a dot-atom allows). */
function mdnMessageId(ourAs2Id: string): string {
  const domain = ourAs2Id.replace(/[^A-Za-z0-9.-]/g, '-').replace(/^[.-]+|[.-]+$/g, '') || 'lotbridge';
  return `${newId('mdn')}@${domain}`;
}

/** Builds the MDN for a row that has none (and asked for one). */
async function buildRowMdn(ctx: UseCaseContext, row: As2MessageRow, options: AnswerOptions): Promise<{ id: string; signed: boolean; headers: HeaderList; body: Uint8Array }> {
  const micAlgorithm = row.mic_algorithm as DigestName | null;
  const sign =
    row.mdn_signed_requested === 1 && options.signingKey
      ? { keyPair: options.signingKey, digest: micAlgorithm && signingDigests.includes(micAlgorithm) ? micAlgorithm : ('sha256' as const) }
      : undefined;
  const id = mdnMessageId(options.ourAs2Id);
  // Built (and signed) on a worker thread where there are threads (#runtime/as2-crypto).
  const mdn = await as2Crypto.buildMdn({
    as2From: options.ourAs2Id,
    as2To: row.as2_from,
    messageId: id,
    originalMessageId: row.message_id,
    originalRecipient: row.as2_to,
    finalRecipient: options.ourAs2Id,
    reportingUa: options.reportingUa,
    outcome: outcomeOf(row),
    mic: row.mic && micAlgorithm ? { value: row.mic, algorithm: micAlgorithm } : undefined,
    humanText: humanText(row),
    sign,
    date: ctx.clock.now(),
  });
  return { id, signed: sign !== undefined, headers: mdn.headers, body: mdn.body };
}

/**
 * The reply for a stored message. A row still `received` gets its MDN (unless it asked for
 * none) and its final state in one transaction with the audit entry; a row that has them (a
 * repeat, or a twin that won the race) is answered with what is stored.
 */
export async function answerStoredMessage(ctx: UseCaseContext, rowId: string, organisationId: string | null, options: AnswerOptions): Promise<As2Reply> {
  const row = await getMessageRow(ctx.db, rowId);
  if (row.state !== 'received') return replyFor(row);
  const mdn = row.mdn_body === null && row.mdn_mode !== 'none' ? await buildRowMdn(ctx, row, options) : undefined;
  const disposition = dispositionText(outcomeOf(row));
  const state = row.failure_disposition ? 'failed' : 'processed';
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction(async (tx) => {
    if (mdn) {
      await tx.run(
        'UPDATE as2_messages SET mdn_message_id = ?, mdn_signed = ?, mdn_headers = ?, mdn_body = ?, mdn_created_at = ? WHERE id = ? AND mdn_body IS NULL',
        [mdn.id, mdn.signed ? 1 : 0, JSON.stringify(mdn.headers), mdn.body, now, row.id],
      );
    }
    const changed = await tx.run(
      `UPDATE as2_messages SET state = ?, disposition = ?,
         mdn_delivery_state = CASE WHEN mdn_mode = 'async' THEN 'pending' END,
         mdn_next_attempt_at = CASE WHEN mdn_mode = 'async' THEN ? END
       WHERE id = ? AND state = 'received'`,
      [state, disposition, now, row.id],
    );
    if (changed.changes === 0) return;
    await recordAudit(tx, ctx.clock, {
      actor: { type: 'system', name: 'AS2 gateway' },
      organisationId,
      action: 'as2.message_answered',
      entityType: 'as2_message',
      entityId: row.id,
      oldValues: { state: 'received' },
      newValues: { state, disposition, mdnMode: row.mdn_mode, mdnMessageId: mdn?.id ?? row.mdn_message_id, mdnSigned: mdn?.signed ?? row.mdn_signed === 1 },
      requestId: ctx.requestId,
    });
  });
  return replyFor(await getMessageRow(ctx.db, row.id));
}

export function replyFor(row: As2MessageRow): As2Reply {
  if (row.mdn_mode === 'sync') {
    return { kind: 'mdn', headers: JSON.parse(row.mdn_headers!) as HeaderList, body: new Uint8Array(row.mdn_body as ArrayBuffer) };
  }
  if (row.mdn_mode === 'async') return { kind: 'ack', status: 200, text: `received <${row.message_id}>; the MDN is sent to ${row.receipt_delivery_url}\r\n` };
  return row.failure_reason
    ? { kind: 'ack', status: 422, text: `<${row.message_id}> was not processed (${row.failure_disposition}): ${row.failure_reason}\r\n` }
    : { kind: 'ack', status: 200, text: `received <${row.message_id}>\r\n` };
}
