import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { recallForStaff } from './get-recall-dashboard.ts';
import { reviseNotices } from './issue-notice-revision.ts';
import { fsnReferenceOf, fsnStatus, readNoticeRevisions, type FsnStatus, type NoticeRevision } from './notice-revisions.ts';

export interface NoticeRevisionsView {
  /** The notice in force: reference, type, revision. */
  fsn: FsnStatus;
  /** Revisions 2, 3 … in order, each with who signed it. */
  revisions: (NoticeRevision & { signerName: string })[];
  /** The notice languages (for the per-language "what changed" fields). */
  noticeLocales: string[];
  permissions: { revise: boolean };
}

/**
 * A recall's field safety notice history for manufacturer staff (anyone else: `not_found`, as for
 * an unknown recall): the FSN reference and the notice in force, every revision with its signer,
 * and whether the actor may issue an update or follow-up now (QA, open recall).
 */
export async function getNoticeRevisions(ctx: UseCaseContext, actor: Actor, recallId: string): Promise<NoticeRevisionsView> {
  const recall = await recallForStaff(ctx.db, actor, recallId);
  const row = (await ctx.db.get<{ payload: string; notice_locales: string }>('SELECT payload, notice_locales FROM recalls WHERE id = ?', [recall.id]))!;
  const revisions = await readNoticeRevisions(ctx.db, recall.id);
  const signers = new Map(
    (
      await ctx.db.all<{ id: string; signer_name: string }>(
        'SELECT v.id, s.signer_name FROM recall_notice_revisions AS v JOIN signatures AS s ON s.id = v.signature_id WHERE v.recall_id = ?',
        [recall.id],
      )
    ).map((r) => [r.id, r.signer_name]),
  );
  return {
    fsn: fsnStatus(fsnReferenceOf(JSON.parse(row.payload) as { fsnReference?: unknown }, recall.recallNumber), recall.noticesSentAt ?? recall.issuedAt, revisions),
    revisions: revisions.map((r) => ({ ...r, signerName: signers.get(r.id) ?? '' })),
    noticeLocales: JSON.parse(row.notice_locales) as string[],
    permissions: { revise: reviseNotices.allows(actor) && recall.state === 'open' },
  };
}
