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

export interface CloseScarInput {
  scarId: string;
  comment?: string;
  credential: SignerCredential;
  portalUrl?: string;
}

/**
 * Everything before the signature, shared by `closeScar` and the first half of signing with a
 * passkey (`startScarSignature`): QA only, a SCAR verified effective, the comment as entered,
 * and the hash over the SCAR's verification and that comment.
 */
export async function prepareClose(ctx: UseCaseContext, actor: Actor, input: Omit<CloseScarInput, 'credential' | 'portalUrl'>, password?: string) {
  decideScars.require(actor);
  const scar = await findScar(ctx.db, actor, input.scarId);
  if (!scar) throw new AppError('not_found', 'no such SCAR');
  if (scar.state !== 'verification' || scar.verification_result !== 'effective') {
    throw refusal('conflict', `SCAR ${scar.number} is ${scar.state}: only a SCAR verified effective is closed`, { comment: problem('scar-rules.notVerified') });
  }
  const fields: Problems = {};
  const comment = input.comment?.trim() || null;
  if (comment && comment.length > 2000) fields.comment = problem('common.tooLong', { max: 2000 });
  if (password !== undefined && !password) fields.password = problem('signatures.passwordRequired');
  if (Object.keys(fields).length) throw refusal('invalid_input', 'the SCAR cannot be closed as entered', fields);
  const hash = scarDecisionHash(scar, 'close', { comment, verification: { result: scar.verification_result, note: scar.verification_note, verifiedAt: scar.verified_at } });
  return { scar, comment, hash, meaning: 'approval' as const };
}

/**
 * Manufacturer QA closes a SCAR verified effective, signed (approval) over the SCAR and its
 * verification. Audited; scar.closed; the supplier's mail.
 */
export async function closeScar(ctx: UseCaseContext, actor: Actor, rp: RelyingParty, input: CloseScarInput): Promise<{ scar: ScarDetail; signature: Signature }> {
  const { scar, comment, hash } = await prepareClose(ctx, actor, input, 'password' in input.credential ? input.credential.password : undefined);
  const signer = await verifySigner(ctx, actor, rp, { recordHash: hash, meaning: 'approval', credential: input.credential });

  return ctx.db.transaction(async (tx) => {
    const signature = await recordSignature(tx, ctx.clock, actor, signer, { entityType: 'scar', entityId: scar.id, recordHash: hash, meaning: 'approval', reason: comment ?? undefined, requestId: ctx.requestId });
    const now = signature.signedAt;
    const changed = await tx.run(
      "UPDATE scars SET state = 'closed', closed_at = ?, closed_by = ?, close_signature_id = ?, updated_at = ? WHERE id = ? AND state = 'verification' AND verification_result = 'effective'",
      [now, actor.userId, signature.id, now, scar.id],
    );
    if (changed.changes === 0) throw new AppError('conflict', `SCAR ${scar.number} was changed meanwhile: open it again`);
    const row = (await findScar(tx, actor, scar.id))!;
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: scar.supplier_id,
      action: 'scar.closed',
      entityType: 'scar',
      entityId: scar.id,
      oldValues: { state: 'verification' },
      newValues: { state: 'closed', comment, signature: signature.id, recordHash: hash },
      reason: comment ?? undefined,
      requestId: ctx.requestId,
    });
    await enqueueEvent(tx, ctx.clock, {
      type: 'scar.closed',
      aggregateType: 'scar',
      aggregateId: scar.id,
      organisationId: scar.supplier_id,
      data: scarEventData(row, { closedAt: now, comment, verifiedAt: scar.verified_at, signature: manifestation(signature) }),
    });
    await queueScarMails(tx, ctx.clock, {
      purpose: 'scar.closed',
      text: 'closed',
      scar: { id: scar.id, number: scar.number, supplierId: scar.supplier_id },
      to: [{ supplier: scar.supplier_id }],
      params: () => ({ number: scar.number, title: scar.title, manufacturer: actor.organisationName }),
      portalUrl: input.portalUrl,
    });
    return { scar: await loadScarDetail(tx, row, todayIn(actorTimeZone(actor), ctx.clock.now())), signature };
  });
}
