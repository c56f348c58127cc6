// Which of an open recall's consignees QA's bulk actions (remind now, resend the notice, escalate
// now) act on, read under the caller's write lock and refused as data: the recall must be open,
// the selection must name its consignees, and every one of them must allow the action.
import type { Tx } from '../db/index.ts';
import type { Actor } from '../auth/actor.ts';
import { problem, refusal, type Problem, type Problems } from '../errors.ts';
import { recallForStaff, type DashboardRecall } from './get-recall-dashboard.ts';
import { followUpConsignees } from './recall-permissions.ts';
import { noticeRecipientsSql } from './notice-recipients.ts';
import type { NoticeRow } from './send-recall-follow-ups.ts';

/** The consignees to act on: distributor organisation ids, or every consignee that has not replied. */
export interface ConsigneeSelection {
  recallId: string;
  consignees?: string[];
  nonResponders?: boolean;
}

/** A consignee's notice as the bulk actions read it. */
export interface SelectedNotice extends NoticeRow {
  name: string;
  /** The consignee organisation's language: its mails come in it first. */
  language: string;
  time_zone: string;
  erp_id: string | null;
  escalation_contact_email: string | null;
  latest_version: number;
}

/**
 * The recall (manufacturer staff only: anyone else gets `not_found`, as on its page; staff
 * without the QA role `forbidden`) and the selected consignees' notices, in name order. Refuses
 * a recall that is not open (`recall`), an empty or unknown selection (`consignees`), and each
 * consignee `refuse` finds a problem with (`consignees/<organisation id>`): nothing is sent then.
 */
export async function selectConsignees(
  tx: Tx,
  actor: Actor,
  input: ConsigneeSelection,
  refuse: (notice: SelectedNotice) => Problem | undefined,
): Promise<{ recall: DashboardRecall; notices: SelectedNotice[] }> {
  const recall = await recallForStaff(tx, actor, input.recallId);
  followUpConsignees.require(actor);
  if (recall.state !== 'open') {
    throw refusal('conflict', `recall ${recall.recallNumber} is ${recall.state}: only an open recall's consignees are followed up`, {
      recall: problem(recall.state === 'closed' ? 'recalls.bulkClosed' : 'recalls.bulkNotSent'),
    });
  }
  const all = await tx.all<SelectedNotice>(
    // The consignee's recipients as they are now (send-recall-follow-ups.ts does the same).
    `SELECT n.id, n.recall_id, n.distributor_organisation_id, ${noticeRecipientsSql} AS recipients, n.sent_at, n.link_expires_at, n.first_opened_at, n.follow_up_level, n.latest_version,
            r.severity, ifnull(n.response_deadline, r.response_deadline) AS response_deadline, o.name, o.language, o.time_zone, o.erp_id, o.escalation_contact_email
       FROM recall_notices AS n JOIN recalls AS r ON r.id = n.recall_id JOIN organisations AS o ON o.id = n.distributor_organisation_id
      WHERE n.recall_id = ? ORDER BY o.name, o.id`,
    [recall.id],
  );
  let notices: SelectedNotice[];
  if (input.nonResponders) {
    notices = all.filter((n) => n.latest_version === 0);
    if (notices.length === 0) throw refusal('invalid_input', `recall ${recall.recallNumber} has no consignee without a reply`, { consignees: problem('recalls.bulkNoNonResponders') });
  } else {
    const wanted = new Set(input.consignees ?? []);
    if (wanted.size === 0) throw refusal('invalid_input', 'no consignee was chosen', { consignees: problem('recalls.bulkNoneChosen') });
    notices = all.filter((n) => wanted.has(n.distributor_organisation_id));
    if (notices.length !== wanted.size) throw refusal('invalid_input', `not every organisation chosen is a consignee of recall ${recall.recallNumber}`, { consignees: problem('recalls.bulkNotConsignee') });
  }
  const problems: Problems = {};
  for (const n of notices) {
    const p = refuse(n);
    if (p) problems[`consignees/${n.distributor_organisation_id}`] = p;
  }
  if (Object.keys(problems).length) throw refusal('invalid_input', `the action does not apply to every consignee chosen on recall ${recall.recallNumber}`, problems);
  return { recall, notices };
}

/** A consignee that signed a reply is not reminded or escalated. */
export function alreadyReplied(n: SelectedNotice): Problem | undefined {
  return n.latest_version > 0 ? problem('recalls.bulkAlreadyReplied', { name: n.name }) : undefined;
}

/** A consignee nobody can be mailed at: QA reaches it another way, or records a recall contact. */
export function withoutAddress(n: SelectedNotice): Problem | undefined {
  return (JSON.parse(n.recipients) as string[]).length === 0 ? problem('recalls.bulkNoAddress', { name: n.name }) : undefined;
}
