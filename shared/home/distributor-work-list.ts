import type { UseCaseContext } from '../context.ts';
import { requireRole, type Actor } from '../auth/actor.ts';
import { incompleteReply, listRecalls, overdueNotice } from '../recalls/list-recalls.ts';
import { firstFew, listHref, type WorkEntry, type WorkKind, type WorkList } from './work-list.ts';

/**
 * A distributor user's work: the notices of open recalls its organisation has not replied to
 * (overdue ones first, then by deadline), and its replies to complete (stock reported that is
 * not all quarantined yet). Only its own organisation's notices. The portal keeps no reply
 * drafts, so there are none to finish.
 */
export async function distributorWorkList(ctx: UseCaseContext, actor: Actor): Promise<WorkList> {
  requireRole(actor, 'distributor_user');
  const now = ctx.clock.now().toISOString();

  async function notices(kind: WorkKind, reply: 'not_replied' | 'incomplete', condition: string): Promise<WorkEntry> {
    const query = { state: 'open', reply };
    const { total } = await listRecalls(ctx, actor, { ...query, pageSize: 1 });
    const rows = await ctx.db.all<{ id: string; recall_number: string; response_deadline: string | null; overdue: number }>(
      `SELECT r.id, r.recall_number, ifnull(n.response_deadline, r.response_deadline) AS response_deadline, ${overdueNotice()} AS overdue
         FROM recall_notices n JOIN recalls r ON r.id = n.recall_id
        WHERE n.distributor_organisation_id = ? AND r.state = 'open' AND ${condition}
        ORDER BY overdue DESC, ifnull(n.response_deadline, r.response_deadline) IS NULL, ifnull(n.response_deadline, r.response_deadline), r.recall_number
        LIMIT ?`,
      [now, actor.organisationId, firstFew],
    );
    return {
      kind,
      count: total,
      href: listHref('/recalls', query),
      items: rows.map((r) => ({ id: r.id, label: r.recall_number, date: r.response_deadline, when: r.overdue ? 'overdue' : 'deadline', overdue: r.overdue === 1, href: `/recalls/${r.id}/reply` })),
    };
  }

  return {
    entries: [await notices('noticesAwaitingReply', 'not_replied', 'n.latest_version = 0'), await notices('repliesToComplete', 'incomplete', incompleteReply)],
  };
}
