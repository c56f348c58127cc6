import type { UseCaseContext } from '../context.ts';
import type { Tx } from '../db/index.ts';
import { actorTimeZone, asAuditActor, type Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { AppError, problem, refusal } from '../errors.ts';
import { todayIn } from '../time-zone.ts';
import { newId } from '../ids.ts';
import type { ScarStep, ScarStepView } from './scar.ts';
import { answerScars, findScar, isScarStep, loadScarDetail, stepStatus, type ScarRow, type StepRow } from './scar-record.ts';
import { checkScarAnswer } from './check-scar-answer.ts';
import { scarEventData } from './scar-event.ts';
import { queueScarMails, scarTerm } from './scar-mail.ts';

export interface SubmitScarAnswerInput {
  scarId: string;
  step: string;
  /** The step's structured answer (ScarAnswers[step]); validated, problems under `answer.<path>`. */
  answer: unknown;
  portalUrl?: string;
}

/**
 * Refused unless the supplier may answer the step now: the SCAR open, the step never answered
 * or returned by QA. Problems as data under `step`.
 */
export function refuseUnlessAnswerable(scar: Pick<ScarRow, 'number' | 'state'>, step: Pick<StepRow, 'answer' | 'decision'> & { step: ScarStep }): void {
  if (scar.state !== 'open') throw refusal('conflict', `SCAR ${scar.number} is ${scar.state}: its steps are not answered`, { step: problem('scar-rules.notOpen') });
  const status = stepStatus(step);
  if (status === 'submitted') throw refusal('conflict', `${step.step} of SCAR ${scar.number} is with QA for review`, { step: problem('scar-rules.stepWithQa') });
  if (status === 'accepted') throw refusal('conflict', `${step.step} of SCAR ${scar.number} was accepted`, { step: problem('scar-rules.stepAccepted') });
}

/** The SCAR in the supplier's scope and the step asked for; not_found otherwise. */
export async function findSupplierStep(db: Tx, actor: Actor, scarId: string, step: string): Promise<{ scar: ScarRow; step: StepRow & { step: ScarStep } }> {
  const scar = await findScar(db, actor, scarId);
  if (!scar) throw new AppError('not_found', 'no such SCAR');
  if (!isScarStep(step)) throw refusal('invalid_input', 'no such step', { step: problem('scar-rules.badStep') });
  const row = await db.get<StepRow>('SELECT step, due_date, answer, submitted_at, decision, decision_comment, decided_at FROM scar_steps WHERE scar_id = ? AND step = ?', [scar.id, step]);
  return { scar, step: { ...row!, step } };
}

/**
 * The SCAR's supplier answers one 8D step (first time, or again after QA returned it). Only
 * while the SCAR is open and the step awaits an answer or was returned. Every answer is kept
 * as a round (scar_step_rounds); the step carries the latest, undecided. Audited,
 * scar.step_submitted, the mail to the QA who opened it. Another supplier's SCAR is not_found.
 */
export async function submitScarAnswer(ctx: UseCaseContext, actor: Actor, input: SubmitScarAnswerInput): Promise<{ step: ScarStepView; round: number }> {
  answerScars.require(actor);
  const found = await findSupplierStep(ctx.db, actor, input.scarId, input.step);
  refuseUnlessAnswerable(found.scar, found.step);
  const step = found.step.step;
  const answer = checkScarAnswer(step, input.answer);
  const today = todayIn(actorTimeZone(actor), ctx.clock.now());

  return ctx.db.transaction(async (tx) => {
    // Again under the write lock: QA may have cancelled, or another user answered, meanwhile.
    const { scar, step: current } = await findSupplierStep(tx, actor, input.scarId, step);
    refuseUnlessAnswerable(scar, current);
    const now = ctx.clock.now().toISOString();
    const last = await tx.get<{ round: number | null }>('SELECT MAX(round) AS round FROM scar_step_rounds WHERE scar_id = ? AND step = ?', [scar.id, step]);
    const round = (last?.round ?? 0) + 1;
    const json = JSON.stringify(answer);
    await tx.run(
      'INSERT INTO scar_step_rounds (id, scar_id, step, round, answer, submitted_by, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [newId('scrr'), scar.id, step, round, json, actor.userId, now],
    );
    const changed = await tx.run(
      `UPDATE scar_steps SET answer = ?, submitted_at = ?, first_submitted_at = coalesce(first_submitted_at, ?), submitted_by = ?,
              decision = NULL, decision_comment = NULL, decided_at = NULL, decided_by = NULL, signature_id = NULL
        WHERE scar_id = ? AND step = ? AND (decision IS NULL AND answer IS NULL OR decision = 'returned')`,
      [json, now, now, actor.userId, scar.id, step],
    );
    if (changed.changes === 0) throw new AppError('conflict', `${step} of SCAR ${scar.number} was answered meanwhile`);
    await tx.run('UPDATE scars SET updated_at = ? WHERE id = ?', [now, scar.id]);
    const late = current.due_date < today;
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: scar.supplier_id,
      action: 'scar.step_submitted',
      entityType: 'scar',
      entityId: scar.id,
      oldValues: round > 1 ? { step, status: 'returned' } : { step, status: 'awaiting_answer' },
      newValues: { step, round, answer, dueDate: current.due_date, late },
      requestId: ctx.requestId,
    });
    await enqueueEvent(tx, ctx.clock, {
      type: 'scar.step_submitted',
      aggregateType: 'scar',
      aggregateId: scar.id,
      organisationId: scar.supplier_id,
      data: scarEventData(scar, { step, round, answer, dueDate: current.due_date, late, submittedAt: now }),
    });
    await queueScarMails(tx, ctx.clock, {
      purpose: 'scar.step_submitted',
      text: 'submitted',
      scar: { id: scar.id, number: scar.number, supplierId: scar.supplier_id },
      to: [{ users: [scar.opened_by] }],
      params: (locale) => ({ number: scar.number, title: scar.title, supplier: scar.supplier_name, step: scarTerm(locale, `scar-rules.step.${step}`) }),
      portalUrl: input.portalUrl,
    });
    const detail = await loadScarDetail(tx, (await findScar(tx, actor, scar.id))!, today);
    return { step: detail.steps.find((s) => s.step === step)!, round };
  });
}
