import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { checkEffectiveness } from './recall-permissions.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { problem, refusal, type Problems } from '../errors.ts';
import { recallForStaff } from './get-recall-dashboard.ts';

export const effectivenessOutcomes = ['effective', 'ineffective'] as const;
export type EffectivenessOutcome = (typeof effectivenessOutcomes)[number];

export interface RecordedCheck {
  recallId: string;
  distributorOrganisationId: string;
  outcome: EffectivenessOutcome;
  note: string | null;
  checkedAt: string;
}

/**
 * Manufacturer QA records what the effectiveness check of one drawn consignee found: the
 * consignee received the notice and followed it (effective) or not (ineffective, with a note
 * saying what was found). Only drawn consignees can be recorded; a second record replaces the
 * outcome, and the audit entry keeps the old and new values.
 */
export async function recordEffectivenessCheck(
  ctx: UseCaseContext,
  actor: Actor,
  input: { recallId: string; distributorOrganisationId: string; outcome: string; note?: string | null },
): Promise<RecordedCheck> {
  await recallForStaff(ctx.db, actor, input.recallId);
  checkEffectiveness.require(actor);
  const note = input.note?.trim() || null;
  const fields: Problems = {};
  if (!(effectivenessOutcomes as readonly string[]).includes(input.outcome)) fields.outcome = problem('effectiveness.outcome');
  else if (input.outcome === 'ineffective' && !note) fields.note = problem('effectiveness.noteRequired');
  if (Object.keys(fields).length) throw refusal('invalid_input', 'the effectiveness check is not complete', fields);
  const outcome = input.outcome as EffectivenessOutcome;

  return ctx.db.transaction(async (tx) => {
    const recall = await recallForStaff(tx, actor, input.recallId);
    const before = await tx.get<{ outcome: string | null; note: string | null; checked_at: string | null }>(
      'SELECT outcome, note, checked_at FROM recall_effectiveness_checks WHERE recall_id = ? AND distributor_organisation_id = ?',
      [recall.id, input.distributorOrganisationId],
    );
    if (!before) throw refusal('unprocessable', `${input.distributorOrganisationId} was not drawn for recall ${recall.recallNumber}`, { distributorOrganisationId: problem('effectiveness.notDrawn') });

    const checkedAt = ctx.clock.now().toISOString();
    await tx.run(
      'UPDATE recall_effectiveness_checks SET outcome = ?, note = ?, checked_at = ?, checked_by = ? WHERE recall_id = ? AND distributor_organisation_id = ?',
      [outcome, note, checkedAt, actor.userId, recall.id, input.distributorOrganisationId],
    );
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: actor.organisationId,
      action: 'recall.effectiveness_check_recorded',
      entityType: 'recall',
      entityId: recall.id,
      oldValues: { distributorOrganisationId: input.distributorOrganisationId, outcome: before.outcome, note: before.note, checkedAt: before.checked_at },
      newValues: { distributorOrganisationId: input.distributorOrganisationId, outcome, note, checkedAt },
      requestId: ctx.requestId,
    });
    return { recallId: recall.id, distributorOrganisationId: input.distributorOrganisationId, outcome, note, checkedAt };
  });
}
