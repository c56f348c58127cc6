// When an unanswered recall notice is followed up, relative to the recall's reply deadline
// (recalls.response_deadline). Pure arithmetic: send-recall-follow-ups.ts decides what is due.
import type { Severity } from './recall-terms.ts';

/** In the order they are sent; the level is what recall_notices.follow_up_level becomes. */
export const followUpKinds = ['reminder', 'second_notice', 'final_notice'] as const;
export type FollowUpKind = (typeof followUpKinds)[number];

export function followUpLevel(kind: FollowUpKind): 1 | 2 | 3 {
  return (followUpKinds.indexOf(kind) + 1) as 1 | 2 | 3;
}

const hour = 3_600_000;
const day = 24 * hour;

/**
 * Offsets from the deadline (negative: before it). Why these:
 * - Severity 1 (FDA class I, NMPA level 1, EU serious threat: a reasonable probability of
 *   serious harm) has 5 days to reply by default (recall-terms.ts). A reminder a day ahead
 *   still leaves a working day to act; a day's grace after the deadline covers a reply being
 *   signed; after 3 days of silence the distributor's management must hear of it, because
 *   every day affected units may still be used on patients.
 * - Severity 2 (10 days by default): a reminder 3 days ahead leaves time to count stock per
 *   lot; 2 days' grace spans a weekend; the final notice a week after the deadline.
 * - Severity 3 (20 days by default, unlikely to cause harm): 5 days ahead; a working week
 *   of grace; the final notice two weeks after the deadline. Pressing harder on a low-risk
 *   recall trains distributors to ignore the urgent ones.
 * With the default reply times the reminder comes 4, 7 and 15 days after the notice.
 */
export const followUpOffsetsMs: Record<Severity, Record<FollowUpKind, number>> = {
  1: { reminder: -1 * day, second_notice: 1 * day, final_notice: 3 * day },
  2: { reminder: -3 * day, second_notice: 2 * day, final_notice: 7 * day },
  3: { reminder: -5 * day, second_notice: 5 * day, final_notice: 14 * day },
};

/** The earliest any follow-up can fall before a deadline (for the query that looks for due ones). */
export const longestReminderLeadMs = Math.max(...Object.values(followUpOffsetsMs).map((o) => -o.reminder));

/**
 * Nothing follows up a notice less than a day after it went out: the notice is still at the
 * top of the inbox, and a reminder two hours after it reads as a duplicate. A reminder that
 * would come sooner is dropped (the deadline is close, the notice itself is the reminder); the
 * second and final notices of a notice sent late (near or after the deadline) are moved
 * later together, keeping their distance, so the distributor always gets that day.
 */
export const minimumGapAfterNoticeMs = day;

export interface ScheduledFollowUp {
  kind: FollowUpKind;
  /** ISO instant (UTC). */
  dueAt: string;
}

/**
 * The follow-ups of a notice sent at `sentAt` for a recall of `severity` with a reply deadline
 * at `deadline`, in order, each with when it is due. Only an unacknowledged notice of an open
 * recall is followed up; that is the caller's business.
 */
export function followUpsDue(severity: Severity, deadline: string | Date, sentAt: string | Date): ScheduledFollowUp[] {
  const deadlineMs = new Date(deadline).getTime();
  const earliest = new Date(sentAt).getTime() + minimumGapAfterNoticeMs;
  if (Number.isNaN(deadlineMs) || Number.isNaN(earliest)) throw new RangeError(`not an instant: ${String(deadline)} / ${String(sentAt)}`);
  const offsets = followUpOffsetsMs[severity];
  const at = (kind: FollowUpKind) => deadlineMs + offsets[kind];
  const shift = Math.max(0, earliest - at('second_notice'));
  const out: ScheduledFollowUp[] = [];
  if (at('reminder') >= earliest) out.push({ kind: 'reminder', dueAt: new Date(at('reminder')).toISOString() });
  out.push({ kind: 'second_notice', dueAt: new Date(at('second_notice') + shift).toISOString() });
  out.push({ kind: 'final_notice', dueAt: new Date(at('final_notice') + shift).toISOString() });
  return out;
}

/**
 * What to send now for a notice at `level` (0: nothing sent yet): the most advanced follow-up
 * that is due and beyond that level, and the earlier ones it makes pointless (after a server
 * was down: a reminder "due in 24 h" sent after the deadline would be wrong). Undefined when
 * nothing is due.
 */
export function nextFollowUp(schedule: readonly ScheduledFollowUp[], level: number, now: Date): { send: ScheduledFollowUp; passed: ScheduledFollowUp[] } | undefined {
  const open = schedule.filter((f) => followUpLevel(f.kind) > level);
  const due = open.filter((f) => Date.parse(f.dueAt) <= now.getTime());
  const send = due.at(-1);
  if (!send) return undefined;
  return { send, passed: due.slice(0, -1) };
}
