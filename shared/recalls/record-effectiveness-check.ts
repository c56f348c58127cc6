import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import { checkEffectiveness } from './recall-permissions.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { newId } from '../ids.ts';
import { effectivenessOutcomeHash } from './recall-record-hash.ts';
import { verifySigner, type SignerCredential } from '../signatures/verify-signer.ts';
import { recordSignature } from '../signatures/record-signature.ts';
import { AppError, problem, refusal, type Problems } from '../errors.ts';
import { recallForStaff } from './get-recall-dashboard.ts';
import { contactMethods, type ContactMethod } from './recall-terms.ts';

export const effectivenessOutcomes = ['effective', 'ineffective'] as const;
export type EffectivenessOutcome = (typeof effectivenessOutcomes)[number];

export { contactMethods, type ContactMethod } from './recall-terms.ts';

export interface RecordedCheck {
  id: string;
  recallId: string;
  distributorOrganisationId: string;
  outcome: EffectivenessOutcome;
  method: ContactMethod;
  note: string | null;
  checkedAt: string;
  signatureId: string;
}

export { effectivenessOutcomeHash } from './recall-record-hash.ts';

/**
 * Manufacturer QA records what the effectiveness check of one drawn consignee found: the
 * consignee received the notice and followed it (effective) or not (ineffective, with a note
 * saying what was found), and how it was reached (phone, e-mail, visit, letter, portal). Signed
 * (meaning "review", password or passkey) over the hash of exactly that. Every record is kept:
 * a second one is a new entry and the latest is what the dashboard counts. Only drawn
 * consignees, and only while the recall is open (the database refuses it after close too).
 */
export async function recordEffectivenessCheck(
  ctx: UseCaseContext,
  actor: Actor,
  rp: RelyingParty,
  input: { recallId: string; distributorOrganisationId: string; outcome: string; method: string; note?: string | null; credential: SignerCredential },
): Promise<RecordedCheck> {
  const recall = await recallForStaff(ctx.db, actor, input.recallId);
  checkEffectiveness.require(actor);
  const note = input.note?.trim() || null;
  const fields: Problems = {};
  if (!(effectivenessOutcomes as readonly string[]).includes(input.outcome)) fields.outcome = problem('effectiveness.outcome');
  else if (input.outcome === 'ineffective' && !note) fields.note = problem('effectiveness.noteRequired');
  if (note && note.length > 2000) fields.note = problem('recalls.tooLong', { max: 2000 });
  if (!(contactMethods as readonly string[]).includes(input.method)) fields.method = problem('recallClosing.methodRequired');
  if ('password' in input.credential && !input.credential.password) fields.password = problem('signatures.passwordRequired');
  if (Object.keys(fields).length) throw refusal('invalid_input', 'the effectiveness check is not complete', fields);
  if (recall.state !== 'open') throw refusal('conflict', `recall ${recall.recallNumber} is ${recall.state}: its effectiveness checks are frozen`, { recall: problem('recallClosing.checksFrozen') });
  const drawn = await ctx.db.get('SELECT 1 AS drawn FROM recall_effectiveness_checks WHERE recall_id = ? AND distributor_organisation_id = ?', [recall.id, input.distributorOrganisationId]);
  if (!drawn) throw refusal('unprocessable', `${input.distributorOrganisationId} was not drawn for recall ${recall.recallNumber}`, { distributorOrganisationId: problem('effectiveness.notDrawn') });
  const outcome = input.outcome as EffectivenessOutcome;
  const method = input.method as ContactMethod;

  const hash = effectivenessOutcomeHash({ recallId: recall.id, recallNumber: recall.recallNumber, distributorOrganisationId: input.distributorOrganisationId, outcome, method, note });
  const signer = await verifySigner(ctx, actor, rp, { recordHash: hash, meaning: 'review', credential: input.credential });

  return ctx.db.transaction(async (tx) => {
    const now = await recallForStaff(tx, actor, input.recallId);
    if (now.state !== 'open') throw refusal('conflict', `recall ${now.recallNumber} was closed meanwhile`, { recall: problem('recallClosing.checksFrozen') });
    const before = await tx.get<{ outcome: string | null; note: string | null; checked_at: string | null }>(
      'SELECT outcome, note, checked_at FROM recall_effectiveness_checks WHERE recall_id = ? AND distributor_organisation_id = ?',
      [recall.id, input.distributorOrganisationId],
    );
    if (!before) throw new AppError('conflict', 'the check was not drawn');
    const checkedAt = ctx.clock.now().toISOString();
    const id = newId('eco');
    const signature = await recordSignature(tx, ctx.clock, actor, signer, { entityType: 'recall', entityId: recall.id, recordHash: hash, meaning: 'review', requestId: ctx.requestId });
    await tx.run(
      `INSERT INTO recall_effectiveness_outcomes (id, recall_id, distributor_organisation_id, outcome, method, note, checked_at, checked_by, record_hash, signature_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [id, recall.id, input.distributorOrganisationId, outcome, method, note, checkedAt, actor.userId, hash, signature.id],
    );
    // The latest outcome, what the dashboard and the report count; every record stays in recall_effectiveness_outcomes.
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
      newValues: { distributorOrganisationId: input.distributorOrganisationId, outcome, method, note, checkedAt, record: id, signature: signature.id, recordHash: hash },
      requestId: ctx.requestId,
    });
    return { id, recallId: recall.id, distributorOrganisationId: input.distributorOrganisationId, outcome, method, note, checkedAt, signatureId: signature.id };
  });
}
