import type { UseCaseContext } from '../context.ts';
import { actorTimeZone, asAuditActor, type Actor } from '../auth/actor.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { verifySigner, type SignerCredential } from '../signatures/verify-signer.ts';
import { recordSignature, type Signature } from '../signatures/record-signature.ts';
import { AppError, problem, refusal, type Problems } from '../errors.ts';
import { todayIn } from '../time-zone.ts';
import type { ScarDetail } from './scar.ts';
import { decideScars, findScar, loadScarDetail, manifestation, scarDecisionHash } from './scar-record.ts';
import { scarEventData } from './scar-event.ts';
import { queueScarMails } from './scar-mail.ts';

export interface CancelScarInput {
  scarId: string;
  reason: string;
  credential: SignerCredential;
  portalUrl?: string;
}

/**
 * Everything before the signature, shared by `cancelScar` and the first half of signing with a
 * passkey (`startScarSignature`): QA only, a SCAR open or in verification, the reason as entered,
 * and the hash over it and the state the SCAR is cancelled in.
 */
export async function prepareCancel(ctx: UseCaseContext, actor: Actor, input: Omit<CancelScarInput, 'credential' | 'portalUrl'>, password?: string) {
  decideScars.require(actor);
  const scar = await findScar(ctx.db, actor, input.scarId);
  if (!scar) throw new AppError('not_found', 'no such SCAR');
  if (scar.state !== 'open' && scar.state !== 'verification') {
    throw refusal('conflict', `SCAR ${scar.number} is ${scar.state}: it cannot be cancelled`, { reason: problem('scar-rules.notCancellable') });
  }
  const fields: Problems = {};
  const reason = input.reason?.trim() ?? '';
  if (!reason) fields.reason = problem('scar-rules.reasonRequired');
  else if (reason.length > 2000) fields.reason = problem('common.tooLong', { max: 2000 });
  if (password !== undefined && !password) fields.password = problem('signatures.passwordRequired');
  if (Object.keys(fields).length) throw refusal('invalid_input', 'the SCAR cannot be cancelled as entered', fields);
  const hash = scarDecisionHash(scar, 'cancel', { reason, previousState: scar.state });
  return { scar, reason, hash, meaning: 'responsibility' as const };
}

/**
 * Manufacturer QA withdraws an open (or in verification) SCAR with a reason, signed
 * (responsibility). Nothing is deleted; reminders stop. Audited; scar.cancelled; the supplier's mail.
 */
export async function cancelScar(ctx: UseCaseContext, actor: Actor, rp: RelyingParty, input: CancelScarInput): Promise<{ scar: ScarDetail; signature: Signature }> {
  const { scar, reason, hash } = await prepareCancel(ctx, actor, input, 'password' in input.credential ? input.credential.password : undefined);
  const signer = await verifySigner(ctx, actor, rp, { recordHash: hash, meaning: 'responsibility', credential: input.credential });

  return ctx.db.transaction(async (tx) => {
    const signature = await recordSignature(tx, ctx.clock, actor, signer, { entityType: 'scar', entityId: scar.id, recordHash: hash, meaning: 'responsibility', reason, requestId: ctx.requestId });
    const now = signature.signedAt;
    const changed = await tx.run("UPDATE scars SET state = 'cancelled', updated_at = ? WHERE id = ? AND state = ?", [now, scar.id, scar.state]);
    if (changed.changes === 0) throw new AppError('conflict', `SCAR ${scar.number} was changed meanwhile: open it again`);
    const row = (await findScar(tx, actor, scar.id))!;
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: scar.supplier_id,
      action: 'scar.cancelled',
      entityType: 'scar',
      entityId: scar.id,
      oldValues: { state: scar.state },
      newValues: { state: 'cancelled', signature: signature.id, recordHash: hash },
      reason,
      requestId: ctx.requestId,
    });
    await enqueueEvent(tx, ctx.clock, {
      type: 'scar.cancelled',
      aggregateType: 'scar',
      aggregateId: scar.id,
      organisationId: scar.supplier_id,
      data: scarEventData(row, { previousState: scar.state, reason, cancelledAt: now, signature: manifestation(signature) }),
    });
    await queueScarMails(tx, ctx.clock, {
      purpose: 'scar.cancelled',
      text: 'cancelled',
      scar: { id: scar.id, number: scar.number, supplierId: scar.supplier_id },
      to: [{ supplier: scar.supplier_id }],
      params: () => ({ number: scar.number, title: scar.title, manufacturer: actor.organisationName, reason }),
      portalUrl: input.portalUrl,
    });
    return { scar: await loadScarDetail(tx, row, todayIn(actorTimeZone(actor), ctx.clock.now())), signature };
  });
}
