import type { UseCaseContext } from '../context.ts';
import { actorTimeZone, asAuditActor, type Actor } from '../auth/actor.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { verifySigner, type SignerCredential } from '../signatures/verify-signer.ts';
import { recordSignature, type Signature } from '../signatures/record-signature.ts';
import { AppError, problem, refusal, type Problems } from '../errors.ts';
import { todayIn } from '../time-zone.ts';
import type { ScarDetail, ScarStep, ScarStepDecision } from './scar.ts';
import { decideScars, findScar, loadScarDetail, manifestation, stepDecisionHash, stepStatus, type ScarRow, type StepRow } from './scar-record.ts';
import { isDate } from './check-scar-answer.ts';
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
  /**
   * Returning: an optional new due date (YYYY-MM-DD, not before QA's today) for the supplier's
   * next answer; signed with the decision. Without it the step keeps its due date. Ignored when
   * accepting.
   */
  dueDate?: string;
  credential: SignerCredential;
  portalUrl?: string;
}

function refuseUnlessDecidable(scar: Pick<ScarRow, 'number' | 'state'>, step: Pick<StepRow, 'answer' | 'decision'> & { step: string }): void {
  if (scar.state !== 'open') throw refusal('conflict', `SCAR ${scar.number} is ${scar.state}: its steps are not decided`, { decision: problem('scar-rules.notOpen') });
  if (stepStatus(step) !== 'submitted') throw refusal('conflict', `${step.step} of SCAR ${scar.number} has no answer awaiting a decision`, { decision: problem('scar-rules.nothingToDecide') });
}

/** A step decision checked and ready to sign: the SCAR and step as read, what is decided, and the hash and meaning the signature binds. */
export interface PreparedStepDecision {
  scar: ScarRow;
  step: StepRow & { step: ScarStep };
  round: number;
  decision: ScarStepDecision;
  comment: string | null;
  /** The new due date a return gives the step; null when it keeps its own. */
  newDueDate: string | null;
  hash: string;
  meaning: 'approval' | 'rejection';
  today: string;
}

/**
 * Everything before the signature, shared by `decideScarStep` and the first half of signing with a
 * passkey (`startScarSignature`): QA only, the SCAR open and the step's answer (the one QA read)
 * awaiting a decision, the decision, comment and new due date as entered, and the hash over them.
 * `password` is checked for blankness with the other fields when given (password signing).
 */
export async function prepareScarStepDecision(
  ctx: UseCaseContext,
  actor: Actor,
  input: Omit<DecideScarStepInput, 'credential' | 'portalUrl'>,
  password?: string,
): Promise<PreparedStepDecision> {
  decideScars.require(actor);
  const { scar, step } = await findSupplierStep(ctx.db, actor, input.scarId, input.step);
  refuseUnlessDecidable(scar, step);
  if (input.submittedAt !== undefined && input.submittedAt !== step.submitted_at) {
    throw refusal('conflict', `${step.step} of SCAR ${scar.number} was answered again since it was read`, { decision: problem('scar-rules.answerChanged') });
  }
  const today = todayIn(actorTimeZone(actor), ctx.clock.now());
  const fields: Problems = {};
  const decision = (['accepted', 'returned'] as const).find((d) => d === input.decision) as ScarStepDecision | undefined;
  if (!decision) fields.decision = problem('scar-rules.badDecision');
  const comment = input.comment?.trim() || null;
  if (decision === 'returned' && !comment) fields.comment = problem('scar-rules.commentRequired');
  if (comment && comment.length > 2000) fields.comment = problem('common.tooLong', { max: 2000 });
  const dueDate = decision === 'returned' ? input.dueDate?.trim() || null : null;
  if (dueDate && !isDate(dueDate)) fields.dueDate = problem('scar-rules.badDate');
  else if (dueDate && dueDate < today) fields.dueDate = problem('scar-rules.dueInPast', { today });
  if (password !== undefined && !password) fields.password = problem('signatures.passwordRequired');
  if (Object.keys(fields).length || !decision) throw refusal('invalid_input', 'the decision cannot be recorded as entered', fields);

  const round = (await ctx.db.get<{ round: number }>('SELECT MAX(round) AS round FROM scar_step_rounds WHERE scar_id = ? AND step = ?', [scar.id, step.step]))!.round;
  const meaning = decision === 'accepted' ? 'approval' : 'rejection';
  const hash = stepDecisionHash(scar, decision, { step: step.step, round, answer: JSON.parse(step.answer!), submittedAt: step.submitted_at, comment, newDueDate: dueDate });
  return { scar, step, round, decision, comment, newDueDate: dueDate, hash, meaning, today };
}

/**
 * Manufacturer QA accepts or returns the supplier's submitted answer to a step, signed
 * (approval / rejection) over the SCAR, the step, the round, the answer as submitted and, when a
 * return gives one, the new due date. The decision is kept on the answer's round. When every
 * step is accepted the SCAR moves to verification. A new due date replaces the step's (its
 * reminder and escalation start afresh). Audited; scar.step_accepted / scar.step_returned; the
 * supplier's mail.
 */
export async function decideScarStep(ctx: UseCaseContext, actor: Actor, rp: RelyingParty, input: DecideScarStepInput): Promise<{ scar: ScarDetail; signature: Signature }> {
  const { scar, step, round, decision, comment, newDueDate, hash, meaning, today } = await prepareScarStepDecision(
    ctx,
    actor,
    input,
    'password' in input.credential ? input.credential.password : undefined,
  );
  const signer = await verifySigner(ctx, actor, rp, { recordHash: hash, meaning, credential: input.credential });
  const dueDate = newDueDate ?? step.due_date;

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
    // A new due date: the step's reminder and escalation are for the new date.
    const redate = newDueDate ? ', due_date = ?, reminded_at = NULL, escalated_at = NULL' : '';
    const changed = await tx.run(
      `UPDATE scar_steps SET decision = ?, decision_comment = ?, decided_at = ?, decided_by = ?, signature_id = ?${redate}
        WHERE scar_id = ? AND step = ? AND decision IS NULL AND submitted_at = ? AND (SELECT state FROM scars WHERE id = ?) = 'open'`,
      [decision, comment, now, actor.userId, signature.id, ...(newDueDate ? [newDueDate] : []), scar.id, step.step, step.submitted_at, scar.id],
    );
    if (changed.changes === 0) throw new AppError('conflict', `${step.step} of SCAR ${scar.number} was decided or changed meanwhile: open it again`);
    await tx.run(
      'UPDATE scar_step_rounds SET decision = ?, decision_comment = ?, decided_by = ?, decided_at = ?, signature_id = ?, new_due_date = ? WHERE scar_id = ? AND step = ? AND round = ?',
      [decision, comment, actor.userId, now, signature.id, newDueDate, scar.id, step.step, round],
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
      oldValues: { step: step.step, status: 'submitted', ...(newDueDate ? { dueDate: step.due_date } : {}), ...(toVerification ? { state: 'open' } : {}) },
      newValues: { step: step.step, round, decision, comment, ...(newDueDate ? { dueDate: newDueDate } : {}), signature: signature.id, recordHash: hash, ...(toVerification ? { state: 'verification' } : {}) },
      reason: comment ?? undefined,
      requestId: ctx.requestId,
    });
    await enqueueEvent(tx, ctx.clock, {
      type: decision === 'accepted' ? 'scar.step_accepted' : 'scar.step_returned',
      aggregateType: 'scar',
      aggregateId: scar.id,
      organisationId: scar.supplier_id,
      data: scarEventData(row, {
        step: step.step,
        round,
        comment,
        dueDate,
        ...(newDueDate ? { previousDueDate: step.due_date } : {}),
        decidedAt: now,
        signature: manifestation(signature),
      }),
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
        due: dueDate,
        comment: comment ?? '',
      }),
      portalUrl: input.portalUrl,
    });
    return { scar: await loadScarDetail(tx, row, today), signature };
  });
}
