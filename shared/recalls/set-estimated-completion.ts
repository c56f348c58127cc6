import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { problem, refusal } from '../errors.ts';
import { closeRecalls } from './recall-permissions.ts';
import { recallForStaff } from './get-recall-dashboard.ts';

/**
 * Manufacturer QA sets when it estimates the recall will be complete (21 CFR 7.53(b)(6)), shown
 * in the status report instead of the reply deadline. It moves while the recall is open (the
 * database keeps it as it was once closed) and is not part of the recall as issued; each change
 * is audited with the old and new date. An empty date clears it.
 */
export async function setEstimatedCompletion(ctx: UseCaseContext, actor: Actor, input: { recallId: string; date: string }): Promise<{ estimatedCompletionOn: string | null }> {
  const recall = await recallForStaff(ctx.db, actor, input.recallId);
  closeRecalls.require(actor);
  const date = input.date.trim() || null;
  if (date && (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date)))) throw refusal('invalid_input', 'the estimated completion date is not a date', { estimatedCompletionOn: problem('recalls.badDate') });
  if (date && date < recall.issuedAt.slice(0, 10)) throw refusal('invalid_input', 'the estimated completion date is before the recall was issued', { estimatedCompletionOn: problem('recallClosing.estimateBeforeIssue') });
  if (recall.state !== 'open') throw refusal('conflict', `recall ${recall.recallNumber} is ${recall.state}: its estimated completion is set while it is open`, { estimatedCompletionOn: problem('recallClosing.estimateNotOpen') });

  return ctx.db.transaction(async (tx) => {
    const before = await tx.get<{ on: string | null; state: string }>('SELECT estimated_completion_on AS "on", state FROM recalls WHERE id = ?', [recall.id]);
    if (before!.state !== 'open') throw refusal('conflict', `recall ${recall.recallNumber} was closed meanwhile`, { estimatedCompletionOn: problem('recallClosing.estimateNotOpen') });
    if (before!.on === date) return { estimatedCompletionOn: date };
    await tx.run("UPDATE recalls SET estimated_completion_on = ? WHERE id = ? AND state = 'open'", [date, recall.id]);
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: actor.organisationId,
      action: 'recall.estimated_completion_set',
      entityType: 'recall',
      entityId: recall.id,
      oldValues: { estimatedCompletionOn: before!.on },
      newValues: { estimatedCompletionOn: date },
      requestId: ctx.requestId,
    });
    return { estimatedCompletionOn: date };
  });
}
