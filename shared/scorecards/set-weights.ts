import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { verifySigner, type SignerCredential } from '../signatures/verify-signer.ts';
import { recordSignature } from '../signatures/record-signature.ts';
import { problem, refusal, type Problems } from '../errors.ts';
import { newId } from '../ids.ts';
import { measureIds } from './measures.ts';
import { setScorecardWeights } from './permissions.ts';
import { weightColumns, weightsInForce, weightsRecordHash, type Weights, type WeightsInForce } from './weights.ts';

export interface WeightsChange {
  /** Whole numbers 0..100 per measure, as typed (text from a form is accepted). */
  weights: Record<string, string | number | undefined>;
  reason: string;
  credential: SignerCredential;
  /** Signed with a passkey: the id `startWeightsSignature` minted (part of the signed hash). Ignored with a password. */
  newWeightsId?: string;
}

/**
 * Everything before the signature, shared by `setWeights` and the first half of signing with a
 * passkey (`startWeightsSignature`): QA only, the weights and reason as entered, and the hash
 * over them and the new row's id. `password` is checked for blankness when given.
 */
export function prepareWeights(actor: Actor, input: Omit<WeightsChange, 'credential' | 'newWeightsId'>, id: string, password?: string): { weights: Weights; reason: string; hash: string } {
  setScorecardWeights.require(actor);
  const fields: Problems = {};
  const weights = {} as Weights;
  for (const m of measureIds) {
    const text = String(input.weights[m] ?? '').trim();
    const n = Number(text);
    if (!/^\d{1,3}$/.test(text) || n > 100) fields[`weights.${m}`] = problem('scorecard.weightRange');
    else weights[m] = n;
  }
  if (Object.keys(fields).length === 0 && measureIds.every((m) => weights[m] === 0)) fields['weights.onTime'] = problem('scorecard.weightsAllZero');
  const reason = input.reason?.trim() ?? '';
  if (!reason) fields.reason = problem('scorecard.reasonRequired');
  else if (reason.length > 2000) fields.reason = problem('common.tooLong', { max: 2000 });
  if (password !== undefined && !password) fields.password = problem('signatures.passwordRequired');
  if (Object.keys(fields).length) throw refusal('invalid_input', 'the scorecard weights cannot be set as asked', fields);
  return { weights, reason, hash: weightsRecordHash(id, weights, reason) };
}

/**
 * Manufacturer QA sets the weights of the overall score: a decision with a reason and an
 * electronic signature of meaning "approval" over the new weights. The new row (the older ones
 * stay as the history), the signature and the audit entry with the old and new weights commit
 * together. Signed with a passkey, the row takes the id `startWeightsSignature` minted (part of
 * the signed hash).
 */
export async function setWeights(ctx: UseCaseContext, actor: Actor, rp: RelyingParty, input: WeightsChange): Promise<WeightsInForce> {
  const passkey = 'passkey' in input.credential;
  const id = passkey && input.newWeightsId && /^scw_[a-z2-7]{32}$/.test(input.newWeightsId) ? input.newWeightsId : newId('scw');
  const { weights, reason, hash } = prepareWeights(actor, input, id, passkey ? undefined : (input.credential as { password: string }).password);
  const signer = await verifySigner(ctx, actor, rp, { recordHash: hash, meaning: 'approval', credential: input.credential });
  return ctx.db.transaction(async (tx) => {
    const before = await weightsInForce(tx);
    const signature = await recordSignature(tx, ctx.clock, actor, signer, { entityType: 'scorecard_weights', entityId: id, recordHash: hash, meaning: 'approval', reason, requestId: ctx.requestId });
    await tx.run(
      `INSERT INTO scorecard_weights (id, ${measureIds.map((m) => weightColumns[m]).join(', ')}, reason, set_by, set_at, signature_id, record_hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [id, ...measureIds.map((m) => weights[m]), reason, actor.userId, signature.signedAt, signature.id, hash],
    );
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: actor.organisationId,
      action: 'scorecard.weights_changed',
      entityType: 'scorecard_weights',
      entityId: id,
      oldValues: { weights: before.weights },
      newValues: { weights, signature: signature.id, recordHash: hash },
      reason,
      requestId: ctx.requestId,
    });
    return weightsInForce(tx);
  });
}
