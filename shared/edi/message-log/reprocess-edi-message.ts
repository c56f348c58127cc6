/**
 * Runs an inbound AS2 message's EDIFACT payload through the engine again, for a manufacturer
 * administrator who fixed what stopped it (e.g. the partner's EDI id in its profile, or the
 * purchase order a DESADV refers to has arrived) and says why. The message goes back to
 * 'waiting' in one audited transaction that keeps the previous result in the audit entry and
 * leaves the reprocess request (reason, who) on the message, so whoever runs it (this call, or
 * the EDIFACT worker first) runs it as a reprocess: processAs2Payload reruns the interchanges it
 * brought into the register through the register's explicit reprocess path (only the messages
 * refused before; accepted ones are not submitted twice), queues CONTRL/APERAK again and audits
 * as any run. Which messages may be run again: see reprocess-eligibility.ts.
 */
import { asAuditActor, type Actor } from '../../auth/actor.ts';
import { recordAudit } from '../../audit/record-audit.ts';
import type { FilesContext } from '../../context.ts';
import { markPayloadFailed, processAs2Payload, reprocessRequestJson, type ProcessAs2PayloadResult } from '../inbound/process-as2-payload.ts';
import { AppError, isAppError, problem, refusal } from '../../errors.ts';
import { operateEdiLog } from './edi-log-access.ts';
import { getEdiMessage } from './get-edi-message.ts';

export const maxReprocessReasonLength = 500;

export async function reprocessEdiMessage(
  ctx: FilesContext,
  actor: Actor,
  input: { id: string; reason: string },
): Promise<ProcessAs2PayloadResult> {
  operateEdiLog.require(actor);
  const reason = input.reason.trim();
  if (!reason) throw refusal('invalid_input', 'say why the message is reprocessed (what was fixed): the reason goes into the audit trail', { reason: problem('common.required') });
  if (reason.length > maxReprocessReasonLength) {
    throw refusal('invalid_input', `the reason is ${reason.length} characters; at most ${maxReprocessReasonLength}`, { reason: problem('common.tooLong', { max: maxReprocessReasonLength }) });
  }
  const message = await getEdiMessage(ctx, actor, { id: input.id });
  if (message.direction !== 'in') throw new AppError('conflict', `message ${input.id} is one we sent: only received messages are reprocessed (an outbound one is retried by the AS2 sender)`);
  const refused = message.reprocessRefusal;
  if (refused) throw new AppError('conflict', `message <${message.messageId}> cannot be reprocessed: ${refused.text}`);

  const request = { reason, by: asAuditActor(actor) };
  await ctx.db.transaction(async (tx) => {
    const previous = await tx.get<{ edifact_state: string | null; edifact_result: string | null }>('SELECT edifact_state, edifact_result FROM as2_messages WHERE id = ?', [message.id]);
    // Guarded by the state read above: a concurrent reprocess finds it changed and is refused.
    const changed = await tx.run("UPDATE as2_messages SET edifact_state = 'waiting', edifact_result = ?, edifact_attempts = 0 WHERE id = ? AND edifact_state = ?", [reprocessRequestJson(request), message.id, message.edifact.state]);
    if (changed.changes === 0) throw new AppError('conflict', `message <${message.messageId}> changed meanwhile (its EDIFACT is ${previous?.edifact_state ?? 'gone'} now): reload the page`);
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: message.partner?.organisationId ?? null,
      action: 'edi.message_reprocessed',
      entityType: 'as2_message',
      entityId: message.id,
      oldValues: { edifactState: previous?.edifact_state ?? null, edifactResult: previous?.edifact_result ?? null },
      newValues: { edifactState: 'waiting' },
      reason,
      requestId: ctx.requestId,
    });
  });
  try {
    return await processAs2Payload(ctx, { as2MessageId: message.id, reprocess: request });
  } catch (e) {
    // As any run that breaks: the message says why, and may be reprocessed again.
    const why = isAppError(e) ? e.message : `unexpected error: ${(e as Error)?.message ?? String(e)}`;
    await markPayloadFailed(ctx, message.id, why);
    throw isAppError(e) ? e : new AppError('unavailable', `the reprocess of <${message.messageId}> failed: ${why}`);
  }
}
