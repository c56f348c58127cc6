import type { UseCaseContext } from '../context.ts';
import { actorTimeZone, asAuditActor, type Actor } from '../auth/actor.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { verifySigner, type SignerCredential } from '../signatures/verify-signer.ts';
import { recordSignature, type Signature } from '../signatures/record-signature.ts';
import { AppError, problem, refusal, type Problems } from '../errors.ts';
import { todayIn } from '../time-zone.ts';
import type { ScarDetail, ScarStep } from './scar.ts';
import { decideScars, findScar, loadScarDetail, manifestation, scarDecisionHash } from './scar-record.ts';
import { isDate } from './check-scar-answer.ts';
import { scarEventData } from './scar-event.ts';
import { queueScarMails } from './scar-mail.ts';

export interface VerifyScarInput {
  scarId: string;
  result: 'effective' | 'not_effective' | string;
  note: string;
  /** not_effective: the new due date (YYYY-MM-DD) of the steps D4..D8 the supplier answers again. */
  dueDate?: string;
  credential: SignerCredential;
  portalUrl?: string;
}

/** What a finding of "not effective" sends back to the supplier: the root cause onwards. */
export const reopenedSteps: readonly ScarStep[] = ['D4', 'D5', 'D6', 'D7', 'D8'];

/**
 * Everything before the signature, shared by `verifyScar` and the first half of signing with a
 * passkey (`startScarSignature`): QA only, the SCAR in verification on or after verify_after, the
 * result, note and due date as entered, and the hash and meaning the signature binds.
 */
export async function prepareVerification(ctx: UseCaseContext, actor: Actor, input: Omit<VerifyScarInput, 'credential' | 'portalUrl'>, password?: string) {
  decideScars.require(actor);
  const scar = await findScar(ctx.db, actor, input.scarId);
  if (!scar) throw new AppError('not_found', 'no such SCAR');
  const today = todayIn(actorTimeZone(actor), ctx.clock.now());
  if (scar.state !== 'verification') {
    throw refusal('conflict', `SCAR ${scar.number} is ${scar.state}: effectiveness is verified once every step is accepted`, { result: problem('scar-rules.notInVerification') });
  }
  if (scar.verification_result === 'effective') throw refusal('conflict', `SCAR ${scar.number} was already verified effective`, { result: problem('scar-rules.alreadyEffective') });
  if (!scar.verify_after || today < scar.verify_after) {
    throw refusal('conflict', `SCAR ${scar.number} can be verified from ${scar.verify_after}`, { result: problem('scar-rules.verifyTooEarly', { date: scar.verify_after ?? '' }) });
  }
  const fields: Problems = {};
  const result = (['effective', 'not_effective'] as const).find((r) => r === input.result);
  if (!result) fields.result = problem('scar-rules.badResult');
  const note = input.note?.trim() ?? '';
  if (!note) fields.note = problem('scar-rules.noteRequired');
  else if (note.length > 4000) fields.note = problem('common.tooLong', { max: 4000 });
  const dueDate = input.dueDate?.trim() ?? '';
  if (result === 'not_effective') {
    if (!dueDate) fields.dueDate = problem('scar-rules.required');
    else if (!isDate(dueDate)) fields.dueDate = problem('scar-rules.badDate');
    else if (dueDate < today) fields.dueDate = problem('scar-rules.dueInPast', { today });
  }
  if (password !== undefined && !password) fields.password = problem('signatures.passwordRequired');
  if (Object.keys(fields).length || !result) throw refusal('invalid_input', 'the verification cannot be recorded as entered', fields);

  const effective = result === 'effective';
  const decided = { result, note, ...(effective ? {} : { dueDate, reopenedSteps }) };
  const hash = scarDecisionHash(scar, 'verify', decided);
  const meaning: 'approval' | 'rejection' = effective ? 'approval' : 'rejection';
  return { scar, today, result, note, dueDate, effective, hash, meaning };
}

/**
 * Manufacturer QA verifies the corrective actions' effectiveness, in verification and on or
 * after verify_after (judged in QA's time zone), signed (approval when effective, rejection
 * when not). Effective: the SCAR can be closed. Not effective: the SCAR is open again, D4..D8
 * returned with the note and a new due date (their reminders and escalation start afresh).
 * Audited; scar.verified; the supplier's mail when it must answer again.
 */
export async function verifyScar(ctx: UseCaseContext, actor: Actor, rp: RelyingParty, input: VerifyScarInput): Promise<{ scar: ScarDetail; signature: Signature }> {
  const { scar, today, result, note, dueDate, effective, hash, meaning } = await prepareVerification(
    ctx,
    actor,
    input,
    'password' in input.credential ? input.credential.password : undefined,
  );
  const signer = await verifySigner(ctx, actor, rp, { recordHash: hash, meaning, credential: input.credential });

  return ctx.db.transaction(async (tx) => {
    const signature = await recordSignature(tx, ctx.clock, actor, signer, { entityType: 'scar', entityId: scar.id, recordHash: hash, meaning, reason: note, requestId: ctx.requestId });
    const now = signature.signedAt;
    const changed = await tx.run(
      `UPDATE scars SET verified_at = ?, verified_by = ?, verification_result = ?, verification_note = ?, verification_signature_id = ?, state = ?, updated_at = ?
        WHERE id = ? AND state = 'verification' AND updated_at = ?`,
      [now, actor.userId, result, note, signature.id, effective ? 'verification' : 'open', now, scar.id, scar.updated_at],
    );
    if (changed.changes === 0) throw new AppError('conflict', `SCAR ${scar.number} was changed meanwhile: open it again`);
    if (!effective) {
      // The accepted rounds keep their decisions; the steps are returned for a new answer.
      await tx.run(
        `UPDATE scar_steps SET decision = 'returned', decision_comment = ?, decided_at = ?, decided_by = ?, signature_id = ?, due_date = ?, reminded_at = NULL, escalated_at = NULL
          WHERE scar_id = ? AND step IN (${reopenedSteps.map(() => '?').join(', ')})`,
        [note, now, actor.userId, signature.id, dueDate, scar.id, ...reopenedSteps],
      );
    }
    const row = (await findScar(tx, actor, scar.id))!;
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: scar.supplier_id,
      action: 'scar.verified',
      entityType: 'scar',
      entityId: scar.id,
      oldValues: { state: 'verification', verificationResult: scar.verification_result },
      newValues: { state: row.state, verificationResult: result, note, ...(effective ? {} : { returnedSteps: reopenedSteps, dueDate }), signature: signature.id, recordHash: hash },
      reason: note,
      requestId: ctx.requestId,
    });
    await enqueueEvent(tx, ctx.clock, {
      type: 'scar.verified',
      aggregateType: 'scar',
      aggregateId: scar.id,
      organisationId: scar.supplier_id,
      data: scarEventData(row, {
        result,
        note,
        verifiedAt: now,
        verifyAfter: scar.verify_after,
        ...(effective ? {} : { returnedSteps: reopenedSteps, dueDate }),
        signature: manifestation(signature),
      }),
    });
    if (!effective) {
      await queueScarMails(tx, ctx.clock, {
        purpose: 'scar.not_effective',
        text: 'notEffective',
        scar: { id: scar.id, number: scar.number, supplierId: scar.supplier_id },
        to: [{ supplier: scar.supplier_id }],
        params: () => ({ number: scar.number, title: scar.title, manufacturer: actor.organisationName, note, due: dueDate }),
        portalUrl: input.portalUrl,
      });
    }
    return { scar: await loadScarDetail(tx, row, today), signature };
  });
}
