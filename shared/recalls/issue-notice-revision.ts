import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { permission } from '../auth/permission.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { enqueuePartnerEvents } from '../outbox/enqueue-partner-events.ts';
import { recordHash } from '../signatures/record-hash.ts';
import { verifySigner, type SignerCredential } from '../signatures/verify-signer.ts';
import { recordSignature } from '../signatures/record-signature.ts';
import { recallRecordFindings } from '../signatures/verify-record-hashes.ts';
import { AppError, problem, refusal } from '../errors.ts';
import { newId } from '../ids.ts';
import { readTranslations } from './notice-languages.ts';
import { checkNoticeRevision, fsnReferenceOf, readNoticeRevisions, textsInForce, type NoticeRevisionInput, type RevisionType } from './notice-revisions.ts';
import { sendRevisedNotices } from './send-revised-notices.ts';

/** Manufacturer QA issues update and follow-up notices on an open recall (issueNoticeRevision). */
export const reviseNotices = permission('manufacturer_qa');

export interface IssuedRevision {
  revisionId: string;
  revision: number;
  type: RevisionType;
  notices: number;
  mails: number;
  as2: number;
  onward: number;
}

/** Why a recall does not take a revised notice now: not yet released, or closed. */
const notOpen = (recallNumber: string, state: string) =>
  refusal('conflict', `recall ${recallNumber} is ${state}: only an open recall gets an update or follow-up notice`, { recall: problem('fsnRevision.notOpen') });

/**
 * Manufacturer QA issues a revised field safety notice on an open recall (MDCG 2023-3): an
 * update, which supersedes the notice and asks every consignee to reply again, or a follow-up,
 * which adds information and leaves the replies standing (why: notice-revisions.ts). Signed
 * (meaning "approval"; password or passkey re-authentication) over the hash of exactly the
 * payload recorded. The revision, its signature, the revised notice to every consignee (mail
 * with the PDFs in its languages, AS2 for EDI partners), the audit entry and a
 * recall.notice_revised event commit together.
 */
export async function issueNoticeRevision(
  ctx: UseCaseContext,
  actor: Actor,
  rp: RelyingParty,
  input: NoticeRevisionInput & { recallId: string; portalUrl: string; credential: SignerCredential },
): Promise<IssuedRevision> {
  reviseNotices.require(actor);
  const recall = await ctx.db.get<{ id: string; recall_number: string; state: string; payload: string; response_deadline: string; notice_locales: string; notices_sent_at: string | null }>(
    'SELECT id, recall_number, state, payload, response_deadline, notice_locales, notices_sent_at FROM recalls WHERE id = ?',
    [input.recallId],
  );
  if (!recall) throw new AppError('not_found', `no recall ${input.recallId}`);
  if (recall.state !== 'open') throw notOpen(recall.recall_number, recall.state);
  const payload = JSON.parse(recall.payload) as Record<string, unknown>;
  const earlier = await readNoticeRevisions(ctx.db, recall.id);
  const revision = (earlier.at(-1)?.revision ?? 1) + 1;
  const content = checkNoticeRevision(input, { recallId: recall.id, recallNumber: recall.recall_number, fsnReference: fsnReferenceOf(payload, recall.recall_number), revision });
  if ('password' in input.credential && !input.credential.password) throw refusal('invalid_input', 'enter your password to sign', { password: problem('signatures.passwordRequired') });
  // The notice repeats the recall's texts: never from records altered since they were signed.
  if ((await recallRecordFindings(ctx.db, recall.id)).length) {
    throw refusal('conflict', `recall ${recall.recall_number} has records altered since they were recorded: no revised notice is sent`, { recall: problem('recalls.bulkRecordsAltered') });
  }
  const hash = recordHash({ ...content });
  const signer = await verifySigner(ctx, actor, rp, { recordHash: hash, meaning: 'approval', credential: input.credential });

  return ctx.db.transaction(async (tx) => {
    // Under the write lock: still open, and nobody issued this revision number meanwhile.
    const now = await tx.get<{ state: string; last: number | null }>(
      'SELECT state, (SELECT MAX(revision) FROM recall_notice_revisions WHERE recall_id = recalls.id) AS last FROM recalls WHERE id = ?',
      [recall.id],
    );
    if (now!.state !== 'open') throw notOpen(recall.recall_number, now!.state);
    if ((now!.last ?? 1) + 1 !== revision) throw new AppError('conflict', `revision ${revision} of recall ${recall.recall_number} was issued meanwhile`);
    const id = newId('rnr');
    const signature = await recordSignature(tx, ctx.clock, actor, signer, {
      entityType: 'recall_notice_revision',
      entityId: id,
      recordHash: hash,
      meaning: 'approval',
      reason: `${content.type} ${revision} of the field safety notice ${content.fsnReference} (recall ${recall.recall_number})`,
      requestId: ctx.requestId,
    });
    await tx.run(
      `INSERT INTO recall_notice_revisions (id, recall_id, revision, type, payload, record_hash, signature_id, created_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [id, recall.id, revision, content.type, JSON.stringify(content), hash, signature.id, actor.userId, signature.signedAt],
    );
    const texts = textsInForce({ reason: String(payload.reason ?? ''), translations: readTranslations(payload) }, [...earlier, content]);
    const sent = await sendRevisedNotices(tx, ctx, {
      recall,
      revision: content,
      issuedAt: signature.signedAt,
      previousIssuedAt: earlier.at(-1)?.createdAt ?? recall.notices_sent_at ?? signature.signedAt,
      reason: texts.reason,
      translations: texts.translations,
      portalUrl: input.portalUrl,
    });
    const changed = (['reason', 'hazard', 'instructionText'] as const).filter((k) => content[k] !== undefined);
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: actor.organisationId,
      action: 'recall.notice_revised',
      entityType: 'recall',
      entityId: recall.id,
      newValues: { revisionId: id, revision, type: content.type, fsnReference: content.fsnReference, change: content.change, changed, recordHash: hash, signature: signature.id, ...sent },
      reason: content.change,
      requestId: ctx.requestId,
    });
    await enqueueEvent(tx, ctx.clock, {
      type: 'recall.notice_revised',
      aggregateType: 'recall',
      aggregateId: recall.id,
      organisationId: actor.organisationId,
      data: {
        recallNumber: recall.recall_number,
        fsnReference: content.fsnReference,
        revision,
        type: content.type,
        change: content.change,
        changed,
        replyRequested: content.type === 'update',
        issuedAt: signature.signedAt,
        consignees: sent.notices,
        mails: sent.mails,
        as2: sent.as2,
        signature: { signerName: signature.signerName, meaning: signature.meaning, signedAt: signature.signedAt, method: signature.method },
      },
    });
    // The event above is the manufacturer's (it counts every consignee); each distributor's own
    // webhook endpoints hear of the revision of its notice.
    const notices = await tx.all<{ id: string; distributor: string }>('SELECT id, distributor_organisation_id AS distributor FROM recall_notices WHERE recall_id = ? ORDER BY id', [recall.id]);
    await enqueuePartnerEvents(
      tx,
      ctx.clock,
      notices.map((n) => ({
        type: 'recall.notice_revised',
        aggregateType: 'recall_notice',
        aggregateId: n.id,
        organisationId: n.distributor,
        data: {
          recallNumber: recall.recall_number,
          noticeId: n.id,
          fsnReference: content.fsnReference,
          revision,
          type: content.type,
          change: content.change,
          replyRequested: content.type === 'update',
          issuedAt: signature.signedAt,
        },
      })),
    );
    return { revisionId: id, revision, type: content.type, ...sent };
  });
}
