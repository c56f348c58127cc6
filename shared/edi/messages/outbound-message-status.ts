/** Where one outbound AS2 message stands, for the CLI and tests. */
import type { Db } from '../../db/index.ts';

export interface OutboundStatus {
  id: string;
  messageId: string;
  state: 'queued' | 'sending' | 'sent' | 'delivered' | 'failed' | 'exhausted';
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  mdnMode: 'sync' | 'async' | 'none' | null;
  mdnDisposition: string | null;
  mdnSignature: 'valid' | 'unsigned' | 'invalid' | null;
  mdnSigner: string | null;
  mdnMicMatched: boolean | null;
  failureReason: string | null;
  deliveredAt: string | null;
}

/** Final: nothing more will happen to the message by itself. */
export function isSettled(s: OutboundStatus): boolean {
  return s.state === 'delivered' || s.state === 'failed' || s.state === 'exhausted' || (s.state === 'sent' && s.mdnMode === 'none');
}

export async function outboundMessageStatus(db: Pick<Db, 'get'>, id: string): Promise<OutboundStatus | undefined> {
  const r = await db.get<Record<string, string | number | null>>(
    `SELECT id, message_id, state, attempts, next_attempt_at, last_error, mdn_mode, mdn_disposition, mdn_signature, mdn_signer, mdn_mic_matched, failure_reason, delivered_at
       FROM as2_outbound_messages WHERE id = ?`,
    [id],
  );
  if (!r) return undefined;
  return {
    id: r.id as string,
    messageId: r.message_id as string,
    state: r.state as OutboundStatus['state'],
    attempts: r.attempts as number,
    nextAttemptAt: r.next_attempt_at as string | null,
    lastError: r.last_error as string | null,
    mdnMode: r.mdn_mode as OutboundStatus['mdnMode'],
    mdnDisposition: r.mdn_disposition as string | null,
    mdnSignature: r.mdn_signature as OutboundStatus['mdnSignature'],
    mdnSigner: r.mdn_signer as string | null,
    mdnMicMatched: r.mdn_mic_matched === null ? null : r.mdn_mic_matched === 1,
    failureReason: r.failure_reason as string | null,
    deliveredAt: r.delivered_at as string | null,
  };
}
