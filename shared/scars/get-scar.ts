import type { UseCaseContext } from '../context.ts';
import { actorTimeZone, type Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import { recordHistory, type HistoryEntry } from '../audit/record-history.ts';
import { todayIn } from '../time-zone.ts';
import type { ScarAnswer, ScarDetail, ScarStep, ScarStepDecision } from './scar.ts';
import { answerScars, awaitsSupplier, decideScars, findScar, loadScarDetail, readScars, type ScarPermissions } from './scar-record.ts';

/** One answer the supplier submitted and QA's decision on it: every round is kept. */
export interface ScarRound {
  step: ScarStep;
  round: number;
  answer: ScarAnswer;
  submittedBy: string;
  submittedAt: string;
  decision: ScarStepDecision | null;
  decisionComment: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  signatureId: string | null;
}

export interface ScarSignature {
  id: string;
  signerName: string;
  signedAt: string;
  meaning: string;
  method: string;
  reason: string | null;
}

export interface ScarView {
  scar: ScarDetail;
  /** Every round of every step, by step and round. */
  rounds: ScarRound[];
  /** Every signature on the SCAR (opening, step decisions, verification, closing), oldest first. */
  signatures: ScarSignature[];
  /** The SCAR's audit trail, oldest first. */
  history: HistoryEntry[];
  /** The actor's "today" (YYYY-MM-DD), by which due dates and verify_after are judged. */
  today: string;
  permissions: ScarPermissions & {
    /** The steps the supplier may answer now (awaiting an answer or returned). */
    answerSteps: ScarStep[];
    /** The steps QA may accept or return now (submitted, undecided). */
    decideSteps: ScarStep[];
  };
}

/**
 * One SCAR with its rounds, signatures and history. QA and the administrator read every SCAR;
 * a supplier's users only their organisation's: anyone else's is not_found.
 */
export async function getScar(ctx: UseCaseContext, actor: Actor, id: string): Promise<ScarView> {
  readScars.require(actor);
  const row = await findScar(ctx.db, actor, id);
  if (!row) throw new AppError('not_found', 'no such SCAR');
  const today = todayIn(actorTimeZone(actor), ctx.clock.now());
  const [scar, rounds, signatures, history] = await Promise.all([
    loadScarDetail(ctx.db, row, today),
    ctx.db.all<{
      step: ScarStep;
      round: number;
      answer: string;
      submitted_by: string;
      submitted_at: string;
      decision: ScarStepDecision | null;
      decision_comment: string | null;
      decided_by: string | null;
      decided_at: string | null;
      signature_id: string | null;
    }>(
      `SELECT r.step, r.round, r.answer, su.display_name AS submitted_by, r.submitted_at, r.decision, r.decision_comment, du.display_name AS decided_by, r.decided_at, r.signature_id
         FROM scar_step_rounds r JOIN users su ON su.id = r.submitted_by LEFT JOIN users du ON du.id = r.decided_by
        WHERE r.scar_id = ? ORDER BY r.step, r.round`,
      [id],
    ),
    ctx.db.all<{ id: string; signer_name: string; signed_at: string; meaning: string; method: string; reason: string | null }>(
      "SELECT id, signer_name, signed_at, meaning, method, reason FROM signatures WHERE entity_type = 'scar' AND entity_id = ? ORDER BY signed_at, rowid",
      [id],
    ),
    recordHistory(ctx.db, [{ entityType: 'scar', entityId: id }]),
  ]);
  const open = row.state === 'open';
  const supplier = answerScars.allows(actor) && actor.organisationId === row.supplier_id;
  const qa = decideScars.allows(actor);
  const answerSteps = open && supplier ? scar.steps.filter((s) => awaitsSupplier({ answer: s.answer === null ? null : '', decision: s.decision })).map((s) => s.step) : [];
  const decideSteps = open && qa ? scar.steps.filter((s) => s.status === 'submitted').map((s) => s.step) : [];
  const inVerification = row.state === 'verification';
  return {
    scar,
    rounds: rounds.map((r) => ({
      step: r.step,
      round: r.round,
      answer: JSON.parse(r.answer) as ScarAnswer,
      submittedBy: r.submitted_by,
      submittedAt: r.submitted_at,
      decision: r.decision,
      decisionComment: r.decision_comment,
      decidedBy: r.decided_by,
      decidedAt: r.decided_at,
      signatureId: r.signature_id,
    })),
    signatures: signatures.map((s) => ({ id: s.id, signerName: s.signer_name, signedAt: s.signed_at, meaning: s.meaning, method: s.method, reason: s.reason })),
    history,
    today,
    permissions: {
      open: qa,
      answer: answerSteps.length > 0,
      decide: decideSteps.length > 0,
      verify: qa && inVerification && row.verification_result !== 'effective' && row.verify_after !== null && row.verify_after <= today,
      close: qa && inVerification && row.verification_result === 'effective',
      cancel: qa && (open || inVerification),
      answerSteps,
      decideSteps,
    },
  };
}
