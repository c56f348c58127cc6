import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { recallRecordFindings, type RecordFinding } from '../signatures/verify-record-hashes.ts';
import { getRecallDashboard, type RecallDashboard } from './get-recall-dashboard.ts';
import { getRecallReview, type RecallReview } from './get-recall-review.ts';
import { recallPermissions } from './recall-permissions.ts';

export interface RecallOverview extends RecallReview {
  /** From release on; null while the recall is under review. */
  dashboard: RecallDashboard | null;
  /** Re-verified on every view: the recall, its consignees and the replies. */
  altered: RecordFinding[];
  /** What this actor may do now: review and send the notices (add consignees, contacts), close, or follow up the consignees. */
  permissions: ReturnType<typeof recallPermissions>;
}

/**
 * A recall as manufacturer staff see it: the review (what was issued, the consignees), the
 * dashboard once the notices are out, the records altered since they were recorded, and what
 * the actor may do. QA acts on a recall under review and closes an open one; nobody signs on
 * an altered record. Anyone but manufacturer staff gets `not_found` (getRecallReview).
 */
export async function getRecallOverview(ctx: UseCaseContext, actor: Actor, recallId: string): Promise<RecallOverview> {
  const review = await getRecallReview(ctx, actor, recallId);
  const underReview = review.recall.state === 'received';
  const altered = await recallRecordFindings(ctx.db, review.recall.id);
  return {
    ...review,
    dashboard: underReview ? null : await getRecallDashboard(ctx, actor, recallId),
    altered,
    permissions: recallPermissions(actor, review.recall.state, altered.length > 0),
  };
}
