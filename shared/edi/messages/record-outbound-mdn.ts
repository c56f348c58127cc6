/**
 * Records the MDN of one of our outbound messages, sync or async, with its verdict: the message
 * becomes delivered or failed, once (a later copy of the MDN changes nothing), with its audit
 * entry in the same transaction.
 */
import type { HeaderList } from '../../as2/index.ts';
import { recordAudit } from '../../audit/record-audit.ts';
import type { Clock } from '../../clock.ts';
import type { Tx } from '../../db/index.ts';
import type { MdnVerdict } from './judge-outbound-mdn.ts';

export interface OutboundMdnTarget {
  id: string;
  messageId: string;
  organisationId: string | null;
  partnerAs2Id: string;
}

/** Returns the new state, or undefined when the message already had its MDN. */
export async function recordOutboundMdn(
  tx: Tx,
  clock: Clock,
  target: OutboundMdnTarget,
  mdn: { headers: HeaderList; body: Uint8Array; how: 'sync' | 'async'; requestId?: string },
  verdict: MdnVerdict,
): Promise<'delivered' | 'failed' | undefined> {
  const now = clock.now().toISOString();
  const state = verdict.delivered ? 'delivered' : 'failed';
  const updated = await tx.run(
    `UPDATE as2_outbound_messages SET state = ?, lease_until = NULL, next_attempt_at = NULL, mdn_received_at = ?, mdn_headers = ?, mdn_body = ?,
       mdn_message_id = ?, mdn_disposition = ?, mdn_positive = ?, mdn_signature = ?, mdn_signer = ?, mdn_mic = ?, mdn_mic_matched = ?,
       delivered_at = ?, failure_reason = ?
     WHERE id = ? AND mdn_body IS NULL AND state IN ('sending', 'sent')`,
    [
      state,
      now,
      JSON.stringify(mdn.headers),
      mdn.body,
      verdict.messageId,
      verdict.disposition,
      verdict.positive ? 1 : 0,
      verdict.signature,
      verdict.signer,
      verdict.mic,
      verdict.micMatched ? 1 : 0,
      verdict.delivered ? now : null,
      verdict.failure,
      target.id,
    ],
  );
  if (updated.changes === 0) return undefined;
  await recordAudit(tx, clock, {
    actor: { type: 'system', name: 'AS2 gateway' },
    organisationId: target.organisationId,
    action: verdict.delivered ? 'as2.outbound_delivered' : 'as2.outbound_failed',
    entityType: 'as2_outbound_message',
    entityId: target.id,
    newValues: {
      state,
      messageId: target.messageId,
      partner: target.partnerAs2Id,
      mdn: mdn.how,
      disposition: verdict.disposition,
      signature: verdict.signature,
      signer: verdict.signer,
      micMatched: verdict.micMatched,
    },
    reason: verdict.failure ?? undefined,
    requestId: mdn.requestId,
  });
  return state;
}
