import type { UseCaseContext } from '../context.ts';
import { requireRole, type Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import { getNoticeData, type NoticeData } from './get-notice-data.ts';
import { noticeForDistributor, type DistributorNotice } from './notice-for-distributor.ts';
import { getAcknowledgement, type AcknowledgementView } from './get-acknowledgement.ts';
import { recallRecordFindings, type RecordFinding } from '../signatures/verify-record-hashes.ts';
import type { Severity } from './recall-terms.ts';
import { replyStateOf, type ReplyState } from './list-recalls.ts';
import { latestStockReport, type StockReport } from './report-recall-stock.ts';

export interface DistributorRecall {
  notice: DistributorNotice;
  /** When the notice went out, the recall's severity and where the reply stands (as the recall list shows them). */
  noticeSentAt: string;
  severity: Severity;
  reply: ReplyState;
  content: NoticeData;
  /** Every signed reply, newest first. */
  replies: { id: string; version: number; submittedAt: string; signerName: string; signedAt: string; meaning: string; holdsStock: boolean }[];
  /** The newest reply in full (to start a correction from), or null before the first. */
  latest: AcknowledgementView | null;
  /** The recall, this organisation's replies and the shipments to it, re-verified now: what no longer matches its record hash. */
  altered: RecordFinding[];
  /** The latest stock report of the organisation's own system (REST API), or null: what the reply form starts from when it is newer than the latest reply. */
  stockReport: StockReport | null;
}

/**
 * A recall as a distributor user sees it: its own notice (what was shipped to it, what to do,
 * by when) and its signed replies. A recall without a notice for the caller's organisation is
 * `not_found`, like one that does not exist.
 */
export async function getDistributorRecall(ctx: UseCaseContext, actor: Actor, recallId: string): Promise<DistributorRecall> {
  requireRole(actor, 'distributor_user');
  const row = await ctx.db.get<{ id: string; sent_at: string; latest_version: number; quarantine_confirmed_at: string | null; severity: Severity }>(
    `SELECT n.id, n.sent_at, n.latest_version, n.quarantine_confirmed_at, r.severity
       FROM recall_notices n JOIN recalls r ON r.id = n.recall_id WHERE n.recall_id = ? AND n.distributor_organisation_id = ?`,
    [recallId, actor.organisationId],
  );
  if (!row) throw new AppError('not_found', 'no such recall notice');
  const notice = await noticeForDistributor(ctx.db, actor, row.id);
  const content = await getNoticeData(ctx.db, { recallId, distributorOrganisationId: actor.organisationId });
  const replies = await ctx.db.all<{ id: string; version: number; submittedAt: string; signerName: string; signedAt: string; meaning: string; holdsStock: number }>(
    `SELECT a.id, a.version, a.submitted_at AS submittedAt, s.signer_name AS signerName, s.signed_at AS signedAt, s.meaning, a.holds_stock AS holdsStock
     FROM recall_acknowledgements AS a JOIN signatures AS s ON s.id = a.signature_id
     WHERE a.notice_id = ? ORDER BY a.version DESC`,
    [notice.id],
  );
  const latest = replies[0] ? await getAcknowledgement(ctx.db, actor, replies[0].id) : null;
  const altered = await recallRecordFindings(ctx.db, recallId, actor.organisationId);
  const stockReport = await latestStockReport(ctx.db, notice.id);
  const reply = replyStateOf(row.latest_version, row.quarantine_confirmed_at);
  return { notice, noticeSentAt: row.sent_at, severity: row.severity, reply, content, replies: replies.map((r) => ({ ...r, holdsStock: r.holdsStock === 1 })), latest, altered, stockReport };
}
