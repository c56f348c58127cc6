import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { closeRecalls } from './recall-permissions.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { recordHash } from '../signatures/record-hash.ts';
import { verifySigner, type SignerCredential } from '../signatures/verify-signer.ts';
import { recordSignature } from '../signatures/record-signature.ts';
import { recallRecordFindings } from '../signatures/verify-record-hashes.ts';
import { AppError, problem, refusal, type Problems } from '../errors.ts';
import { closingGapProblems, closingGaps, hasClosingGaps } from './recall-closing.ts';

/** The figures a recall is closed on, as they stood when QA signed. */
interface ClosingFigures {
  consignees: number;
  acknowledged: number;
  quarantineConfirmed: number;
  unitsShipped: number;
}

async function closingFigures(db: UseCaseContext['db'], recallId: string): Promise<ClosingFigures> {
  const row = await db.get<ClosingFigures>(
    `SELECT (SELECT COUNT(*) FROM recall_notices WHERE recall_id = ?) AS consignees,
            (SELECT COUNT(*) FROM recall_notices WHERE recall_id = ? AND latest_version > 0) AS acknowledged,
            (SELECT COUNT(*) FROM recall_notices WHERE recall_id = ? AND quarantine_confirmed_at IS NOT NULL) AS quarantineConfirmed,
            (SELECT coalesce(SUM(quantity_shipped), 0) FROM recall_consignees WHERE recall_id = ?) AS unitsShipped`,
    [recallId, recallId, recallId, recallId],
  );
  return row!;
}

/**
 * Manufacturer QA closes an open recall (the firm's termination, 21 CFR 7.55), signed with
 * meaning "approval" over the recall, the reason and the figures as they stand. Only when every
 * consignee replied or was sent its final notice and the effectiveness checks are drawn and
 * recorded (recall-closing.ts); otherwise refused with what is open, unless QA gives an override
 * reason, which the signature, the audit entry and the event then carry with what was open.
 * Replies and follow-ups stop; the records stay. Audited and posted as recall.closed.
 */
export async function closeRecall(
  ctx: UseCaseContext,
  actor: Actor,
  rp: RelyingParty,
  input: { recallId: string; reason: string; /** Closing although something is open: why. */ overrideReason?: string; credential: SignerCredential },
): Promise<{ closedAt: string }> {
  closeRecalls.require(actor);
  const reason = input.reason.trim();
  const overrideReason = input.overrideReason?.trim() || undefined;
  const recall = await ctx.db.get<{ id: string; recall_number: string; state: string; effectiveness_level: 'A' | 'B' | 'C' | 'D' | 'E' }>(
    'SELECT id, recall_number, state, effectiveness_level FROM recalls WHERE id = ?',
    [input.recallId],
  );
  if (!recall) throw new AppError('not_found', 'no such recall');
  if (recall.state !== 'open') throw new AppError('conflict', `recall ${recall.recall_number} is ${recall.state}: only an open recall can be closed`);
  const fields: Problems = {};
  if (!reason) fields.reason = problem('recalls.closeReasonRequired');
  if (reason.length > 2000) fields.reason = problem('recalls.tooLong', { max: 2000 });
  if (overrideReason && overrideReason.length > 2000) fields.overrideReason = problem('recalls.tooLong', { max: 2000 });
  if ('password' in input.credential && !input.credential.password) fields.password = problem('signatures.passwordRequired');
  if (Object.keys(fields).length) throw refusal('invalid_input', 'the recall cannot be closed as asked', fields);

  // Nobody signs off a recall whose records no longer match their record hashes (21 CFR 11.10(c)).
  if ((await recallRecordFindings(ctx.db, recall.id)).length) {
    throw new AppError('conflict', `recall ${recall.recall_number} has records altered since they were recorded: it cannot be closed (run lotbridge audit verify)`);
  }
  const gaps = await closingGaps(ctx.db, recall.id, recall.effectiveness_level);
  const open = hasClosingGaps(gaps) ? { consignees: gaps.openConsignees.length, checksUnrecorded: gaps.unrecordedChecks.length, checksUndrawn: gaps.undrawnChecks } : undefined;
  if (open && !overrideReason) {
    throw refusal('conflict', `recall ${recall.recall_number} has open consignees or effectiveness checks: close it when they are settled, or give an override reason`, closingGapProblems(gaps));
  }
  // Without anything open the override reason means nothing: it is not recorded.
  const override = open ? { overrideReason, open } : {};
  const figures = await closingFigures(ctx.db, recall.id);
  const hash = recordHash({ recallId: recall.id, recallNumber: recall.recall_number, action: 'close', reason, ...figures, ...override });
  const signer = await verifySigner(ctx, actor, rp, { recordHash: hash, meaning: 'approval', credential: input.credential });

  return ctx.db.transaction(async (tx) => {
    const closed = await tx.run("UPDATE recalls SET state = 'closed' WHERE id = ? AND state = 'open'", [recall.id]);
    if (closed.changes === 0) throw new AppError('conflict', `recall ${recall.recall_number} was closed meanwhile`);
    const signature = await recordSignature(tx, ctx.clock, actor, signer, { entityType: 'recall', entityId: recall.id, recordHash: hash, meaning: 'approval', reason, requestId: ctx.requestId });
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: actor.organisationId,
      action: 'recall.closed',
      entityType: 'recall',
      entityId: recall.id,
      oldValues: { state: 'open' },
      newValues: { state: 'closed', signature: signature.id, ...figures, ...override },
      reason,
      requestId: ctx.requestId,
    });
    await enqueueEvent(tx, ctx.clock, {
      type: 'recall.closed',
      aggregateType: 'recall',
      aggregateId: recall.id,
      organisationId: actor.organisationId,
      data: {
        recallNumber: recall.recall_number,
        closedAt: signature.signedAt,
        reason,
        ...figures,
        ...override,
        signature: { signerName: signature.signerName, meaning: signature.meaning, signedAt: signature.signedAt, method: signature.method },
      },
    });
    return { closedAt: signature.signedAt };
  });
}
