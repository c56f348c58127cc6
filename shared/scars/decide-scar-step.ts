import type { UseCaseContext } from '../context.ts';
import { actorTimeZone, asAuditActor, type Actor } from '../auth/actor.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { verifySigner, type SignerCredential } from '../signatures/verify-signer.ts';
import { recordSignature, type Signature } from '../signatures/record-signature.ts';
import { AppError, problem, refusal, type Problems } from '../errors.ts';
import { todayIn } from '../time-zone.ts';
import type { ScarDetail, ScarStepDecision } from './scar.ts';
import { decideScars, findScar, loadScarDetail, manifestation, scarDecisionHash, stepStatus, type ScarRow, type StepRow } from './scar-record.ts';
import { findSupplierStep } from './submit-scar-answer.ts';
import { scarEventData } from './scar-event.ts';
import { queueScarMails, scarTerm } from './scar-mail.ts';

export interface DecideScarStepInput {
  scarId: string;
  step: string;
  decision: 'accepted' | 'returned' | string;
  /** Required when returning (what to change); optional when accepting. */
  comment?: string;
  /**
   * When the answer QA read was submitted (the step's `submittedAt` on its page): the decision is
   * refused when the step now holds another answer (returned by another QA and answered again
   * meanwhile), so that a signature never covers an answer its signer did not see.
   */
  submittedAt?: string;
  credential: SignerCredential;
  portalUrl?: string;
}

function refuseUnlessDecidable(scar: Pick<ScarRow, 'number' | 'state'>, step: Pick<StepRow, 'answer' | 'decision'> & { step: string }): void {
  if (scar.state !== 'open') throw refusal('conflict', `SCAR ${scar.number} is ${scar.state}: its steps are not decided`, { decision: problem('scar-rules.notOpen') });
  if (stepStatus(step) !== 'submitted') throw refusal('conflict', `${step.step} of SCAR ${scar.number} has no answer awaiting a decision`, { decision: problem('scar-rules.nothingToDecide') });
}

/**
 * Manufacturer QA accepts or returns the supplier's submitted answer to a step, signed
 * (approval / rejection) over the SCAR, the step, the round and the answer as submitted. The
 * decision is kept on the answer's round. When every step is accepted the SCAR moves to
 * verification. Audited; scar.step_accepted / scar.step_returned; the supplier's mail.
 */
export async function decideScarStep(ctx: UseCaseContext, actor: Actor, rp: RelyingParty, input: DecideScarStepInput): Promise<{ scar: ScarDetail; signature: Signature }> {
  decideScars.require(actor);
  const { scar, step } = await findSupplierStep(ctx.db, actor, input.scarId, input.step);
  refuseUnlessDecidable(scar, step);
  if (input.submittedAt !== undefined && input.submittedAt !== step.submitted_at) {
    throw refusal('conflict', `${step.step} of SCAR ${scar.number} was answered again since it was read`, { decision: problem('scar-rules.answerChanged') });
  }
  const fields: Problems = {};
  const decision = (['accepted', 'returned'] as const).find((d) => d === input.decision) as ScarStepDecision | undefined;
  if (!decision) fields.decision = problem('scar-rules.badDecision');
  const comment = input.comment?.trim() || null;
  if (decision === 'returned' && !comment) fields.comment = problem('scar-rules.commentRequired');
  if (comment && comment.length > 2000) fields.comment = problem('common.tooLong', { max: 2000 });
  if ('password' in input.credential && !input.credential.password) fields.password = problem('signatures.passwordRequired');
  if (Object.keys(fields).length || !decision) throw refusal('invalid_input', 'the decision cannot be recorded as entered', fields);

  const round = (await ctx.db.get<{ round: number }>('SELECT MAX(round) AS round FROM scar_step_rounds WHERE scar_id = ? AND step = ?', [scar.id, step.step]))!.round;
  const meaning = decision === 'accepted' ? 'approval' : 'rejection';
  const hash = scarDecisionHash(scar, `step_${decision}`, { step: step.step, round, answer: JSON.parse(step.answer!), submittedAt: step.submitted_at, comment });
  const signer = await verifySigner(ctx, actor, rp, { recordHash: hash, meaning, credential: input.credential });
  const today = todayIn(actorTimeZone(actor), ctx.clock.now());

  return ctx.db.transaction(async (tx) => {
    const signature = await recordSignature(tx, ctx.clock, actor, signer, {
      entityType: 'scar',
      entityId: scar.id,
      recordHash: hash,
      meaning,
      reason: comment ?? undefined,
      requestId: ctx.requestId,
    });
    const now = signature.signedAt;
    // Guarded: the same answer (submitted_at), still undecided, of a SCAR still open.
    const changed = await tx.run(
      `UPDATE scar_steps SET decision = ?, decision_comment = ?, decided_at = ?, decided_by = ?, signature_id = ?
        WHERE scar_id = ? AND step = ? AND decision IS NULL AND submitted_at = ? AND (SELECT state FROM scars WHERE id = ?) = 'open'`,
      [decision, comment, now, actor.userId, signature.id, scar.id, step.step, step.submitted_at, scar.id],
    );
    if (changed.changes === 0) throw new AppError('conflict', `${step.step} of SCAR ${scar.number} was decided or changed meanwhile: open it again`);
    await tx.run(
      'UPDATE scar_step_rounds SET decision = ?, decision_comment = ?, decided_by = ?, decided_at = ?, signature_id = ? WHERE scar_id = ? AND step = ? AND round = ?',
      [decision, comment, actor.userId, now, signature.id, scar.id, step.step, round],
    );
    const open = await tx.get<{ n: number }>("SELECT COUNT(*) AS n FROM scar_steps WHERE scar_id = ? AND (decision IS NULL OR decision != 'accepted')", [scar.id]);
    const toVerification = open!.n === 0;
    await tx.run(`UPDATE scars SET ${toVerification ? "state = 'verification', " : ''}updated_at = ? WHERE id = ?`, [now, scar.id]);
    const row = (await findScar(tx, actor, scar.id))!;
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: scar.supplier_id,
      action: decision === 'accepted' ? 'scar.step_accepted' : 'scar.step_returned',
      entityType: 'scar',
      entityId: scar.id,
      oldValues: { step: step.step, status: 'submitted', ...(toVerification ? { state: 'open' } : {}) },
      newValues: { step: step.step, round, decision, comment, signature: signature.id, recordHash: hash, ...(toVerification ? { state: 'verification' } : {}) },
      reason: comment ?? undefined,
      requestId: ctx.requestId,
    });
    await enqueueEvent(tx, ctx.clock, {
      type: decision === 'accepted' ? 'scar.step_accepted' : 'scar.step_returned',
      aggregateType: 'scar',
      aggregateId: scar.id,
      organisationId: scar.supplier_id,
      data: scarEventData(row, { step: step.step, round, comment, dueDate: step.due_date, decidedAt: now, signature: manifestation(signature) }),
    });
    await queueScarMails(tx, ctx.clock, {
      purpose: decision === 'accepted' ? 'scar.step_accepted' : 'scar.step_returned',
      text: decision,
      scar: { id: scar.id, number: scar.number, supplierId: scar.supplier_id },
      to: [{ supplier: scar.supplier_id }],
      params: (locale) => ({
        number: scar.number,
        title: scar.title,
        manufacturer: actor.organisationName,
        step: scarTerm(locale, `scar-rules.step.${step.step}`),
        due: step.due_date,
        comment: comment ?? '',
      }),
      portalUrl: input.portalUrl,
    });
    return { scar: await loadScarDetail(tx, row, today), signature };
  });
}
