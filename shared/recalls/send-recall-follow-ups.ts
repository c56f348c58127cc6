import type { UseCaseContext } from '../context.ts';
import type { Clock } from '../clock.ts';
import type { Tx } from '../db/index.ts';
import type { AuditActor } from '../audit/entry.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { queueMail } from '../mail/queue-mail.ts';
import { translate, type Locale } from '../i18n/index.ts';
import { followUpAddressing, type FollowUpAddressing } from './follow-up-addressing.ts';
import { formatInstantIn, todayIn } from '../time-zone.ts';
import { noticeRecipientsSql } from './notice-recipients.ts';
import { replyNeededAgainSql } from './notice-revisions.ts';
import type { Severity } from './recall-terms.ts';
import { followUpLevel, followUpsDue, longestReminderLeadMs, nextFollowUp, type FollowUpKind } from './follow-up-schedule.ts';

/** One follow-up that went out: its recall_follow_ups row, its mail, audit entry and event. */
export interface SentFollowUp {
  noticeId: string;
  recallId: string;
  kind: FollowUpKind;
  /** What recall_notices.follow_up_level became: 1 reminder, 2 second notice, 3 final notice. */
  level: 1 | 2 | 3;
  dueAt: string;
  /** Earlier follow-ups that were due as well (the server was down) and were not sent: this one supersedes them. */
  passed: FollowUpKind[];
  /** 'manufacturer_qa' when the distributor has no address: QA is told to reach it another way. */
  sentTo: 'distributor' | 'manufacturer_qa';
  to: string | null;
  cc: string[];
  mailIds: string[];
}

export interface FollowUpOptions {
  /** The portal's origin (PUBLIC_URL): the notice link in the mail. */
  portalUrl: string;
}

/** Lotbridge itself follows up: the audit trail names the system, not a user. */
export const followUpActor: AuditActor = { type: 'system', name: 'Lotbridge recall follow-up' };

export interface NoticeRow {
  id: string;
  recall_id: string;
  distributor_organisation_id: string;
  recipients: string;
  sent_at: string;
  link_expires_at: string;
  first_opened_at: string | null;
  follow_up_level: number;
  severity: Severity;
  response_deadline: string;
}

// Notices still waiting for a reply: open recall, never acknowledged (or, after an update notice,
// last answered an earlier notice: replyNeededAgainSql), not yet at the final notice.
// Each is chased against its own reply deadline (a consignee added after the release has its own).
// A follow-up goes to the consignee's recipients as they are now (its recall contact changed, a
// user disabled since the release), not to the list the notice went to. After an update notice the
// schedule counts from it (sent_at is then the update's): the consignee gets its day with the
// superseding notice before anything chases it, and the mail names the notice it must answer.
const waitingSql = `
SELECT n.id, n.recall_id, n.distributor_organisation_id, ${noticeRecipientsSql} AS recipients,
       max(n.sent_at, ifnull((SELECT MAX(v.created_at) FROM recall_notice_revisions AS v WHERE v.recall_id = n.recall_id AND v.type = 'update'), '')) AS sent_at,
       n.link_expires_at, n.first_opened_at, n.follow_up_level, r.severity, ifnull(n.response_deadline, r.response_deadline) AS response_deadline
  FROM recall_notices AS n JOIN recalls AS r ON r.id = n.recall_id JOIN organisations AS o ON o.id = n.distributor_organisation_id
 WHERE r.state = 'open' AND (n.latest_version = 0 OR ${replyNeededAgainSql('n')}) AND n.follow_up_level < 3 AND ifnull(n.response_deadline, r.response_deadline) IS NOT NULL`;

function whatIsDue(notice: NoticeRow, now: Date) {
  return nextFollowUp(followUpsDue(notice.severity, notice.response_deadline, notice.sent_at), notice.follow_up_level, now);
}

interface MailFacts {
  kind: FollowUpKind;
  toDistributor: boolean;
  recallNumber: string;
  distributor: string;
  /** As the reader sees it (formatInstantIn). */
  deadline: string;
  sentOn: string;
  opened: boolean;
  lots: { gtin: string; lot: string | null; quantity: number }[];
  url: string;
  cc: string[];
}

/**
 * One part per language of the recall's notices (as the notice itself: one message, not one
 * per language, so a shared mailbox is not asked twice and nobody answers "the other one").
 */
function followUpMail(locales: Locale[], f: MailFacts): { subject: string; text: string } {
  const part = (locale: Locale) => {
    const t = (key: Parameters<typeof translate>[1], params: Record<string, string | number> = {}) => translate(locale, key, params);
    const params = { recallNumber: f.recallNumber, distributor: f.distributor, deadline: f.deadline, sentOn: f.sentOn, kind: t(`recallFollowUp.kind.${f.kind}`) };
    const lots = f.lots.map((l) => t('recallFollowUp.lot', { gtin: l.gtin, lot: l.lot ?? t('recallFollowUp.noLot'), quantity: l.quantity })).join('\n');
    const lines = f.toDistributor
      ? [
          t('recallFollowUp.greeting', params),
          t(`recallFollowUp.body.${f.kind}`, params),
          ...(f.opened ? [] : [t('recallFollowUp.notOpened')]),
          `${t('recallFollowUp.missing')}\n${lots}`,
          t('recallFollowUp.link', { url: f.url }),
          t('recallFollowUp.linkPersonal'),
        ]
      : [t('recallFollowUp.noAddress.body', params), `${t('recallFollowUp.noAddress.action')}\n${lots}`, t('recallFollowUp.noAddress.link', { url: f.url })];
    if (f.cc.length) lines.push(t('recallFollowUp.copied', { addresses: f.cc.join(', ') }));
    lines.push(t('mail.footer'));
    const subject = f.toDistributor ? t(`recallFollowUp.subject.${f.kind}`, params) : t('recallFollowUp.subject.noAddress', params);
    return { subject, text: lines.join('\n\n') };
  };
  const parts = locales.map(part);
  return { subject: parts.map((p) => p.subject).join(' / '), text: parts.map((p) => p.text).join('\n\n----\n\n') };
}

/** What queueFollowUpMail wrote, and the facts the caller's audit entry and event need. */
export type QueuedFollowUpMail = Pick<FollowUpAddressing, 'recall' | 'distributor' | 'toDistributor' | 'to' | 'cc' | 'escalationContactCopied'> & { mailIds: string[] };

/**
 * Queues the follow-up mail of `kind` for a notice inside the caller's transaction: one message
 * to the consignee's recipients as they are now, in their organisation's language, then the recall's notice languages, with a fresh notice link (a
 * final notice copied to the escalation contact and the manufacturer's QA), or, when nobody at
 * the distributor can be mailed, to QA asking them to reach it another way. Used by the
 * schedule here and by QA's "remind now" and "escalate now" (remind-consignees.ts, escalate-consignees.ts).
 */
export async function queueFollowUpMail(
  tx: Tx,
  clock: Clock,
  notice: Pick<NoticeRow, 'id' | 'recall_id' | 'distributor_organisation_id' | 'recipients' | 'sent_at' | 'link_expires_at' | 'first_opened_at' | 'response_deadline'>,
  kind: FollowUpKind,
  options: FollowUpOptions,
): Promise<QueuedFollowUpMail> {
  const lots = await tx.all<{ gtin: string; lot: string | null; quantity: number }>(
    `SELECT gtin, lot, SUM(quantity_shipped) AS quantity FROM recall_consignees
      WHERE recall_id = ? AND distributor_organisation_id = ? GROUP BY gtin, ifnull(lot, '') ORDER BY gtin, ifnull(lot, '')`,
    [notice.recall_id, notice.distributor_organisation_id],
  );
  // One message per follow-up, to the consignee's recipients as they are now (or QA when nobody there can be mailed).
  const { recall, distributor, toDistributor, to, cc, escalationContactCopied, locales, readerTimeZone, url } = await followUpAddressing(tx, notice, kind === 'final_notice', options.portalUrl);
  const mailIds: string[] = [];
  if (to) {
    const { subject, text } = followUpMail(locales, {
      kind,
      toDistributor,
      recallNumber: recall.recall_number,
      distributor: distributor.name,
      deadline: formatInstantIn(notice.response_deadline, readerTimeZone),
      sentOn: todayIn(readerTimeZone, new Date(notice.sent_at)),
      opened: notice.first_opened_at !== null,
      lots,
      url,
      cc,
    });
    mailIds.push(
      await queueMail(tx, clock, {
        to,
        cc,
        subject,
        text,
        locale: locales[0]!,
        purpose: `recall.${kind}`,
        organisationId: notice.distributor_organisation_id,
        // Not 'recall_notice': the dashboard reads the notice's own delivery from those.
        entity: { type: 'recall_follow_up', id: notice.id },
      }),
    );
  }

  return { recall, distributor, toDistributor, to, cc, escalationContactCopied, mailIds };
}

/** Sends the one follow-up due for a notice, in its own transaction; undefined when another run got there first. */
async function sendOne(ctx: UseCaseContext, noticeId: string, options: FollowUpOptions): Promise<SentFollowUp | undefined> {
  return ctx.db.transaction(async (tx): Promise<SentFollowUp | undefined> => {
    const now = ctx.clock.now();
    // Under the write lock: still open, unacknowledged, and still due at this level?
    const notice = await tx.get<NoticeRow>(`${waitingSql} AND n.id = ?`, [noticeId]);
    if (!notice) return undefined;
    const due = whatIsDue(notice, now);
    if (!due) return undefined;
    const { send, passed } = due;
    const level = followUpLevel(send.kind);
    const sentAt = now.toISOString();

    // The claim: the primary key (notice, kind) makes a follow-up once-only across runs and
    // servers; the level only ever rises, so a passed kind is never sent afterwards either.
    const claimed = await tx.run('INSERT INTO recall_follow_ups (notice_id, kind, due_at, sent_at) VALUES (?, ?, ?, ?) ON CONFLICT (notice_id, kind) DO NOTHING', [
      notice.id,
      send.kind,
      send.dueAt,
      sentAt,
    ]);
    if (claimed.changes === 0) return undefined;
    const raised = await tx.run('UPDATE recall_notices SET follow_up_level = ? WHERE id = ? AND follow_up_level < ?', [level, notice.id, level]);
    if (raised.changes === 0) return undefined;

    const { recall, distributor, toDistributor, to, cc, escalationContactCopied, mailIds } = await queueFollowUpMail(tx, ctx.clock, notice, send.kind, options);

    const escalated = send.kind !== 'reminder';
    const passedKinds = passed.map((p) => p.kind);
    await recordAudit(tx, ctx.clock, {
      actor: followUpActor,
      organisationId: notice.distributor_organisation_id,
      action: escalated ? 'recall.escalated' : 'recall.reminder_sent',
      entityType: 'recall_notice',
      entityId: notice.id,
      oldValues: { followUpLevel: notice.follow_up_level },
      newValues: { kind: send.kind, followUpLevel: level, dueAt: send.dueAt, passed: passedKinds, sentTo: toDistributor ? 'distributor' : 'manufacturer_qa', to, cc, mails: mailIds },
      reason: `no acknowledgement of recall ${recall.recall_number}; reply deadline ${notice.response_deadline}`,
      requestId: ctx.requestId,
    });
    await enqueueEvent(tx, ctx.clock, {
      type: escalated ? 'recall.escalated' : 'recall.reminder_sent',
      aggregateType: 'recall',
      aggregateId: notice.recall_id,
      organisationId: notice.distributor_organisation_id,
      data: {
        recallNumber: recall.recall_number,
        noticeId: notice.id,
        distributor: { organisationId: notice.distributor_organisation_id, ...(distributor.erp_id ? { erpId: distributor.erp_id } : {}), name: distributor.name },
        kind: send.kind,
        reason: 'no_reply',
        level,
        severity: notice.severity,
        responseDeadline: notice.response_deadline,
        noticeSentAt: notice.sent_at,
        dueAt: send.dueAt,
        sentAt,
        sentTo: toDistributor ? 'distributor' : 'manufacturer_qa',
        recipients: to ? 1 + cc.length : 0,
        ...(escalated ? { escalationContactCopied, passed: passedKinds } : {}),
      },
    });
    return {
      noticeId: notice.id,
      recallId: notice.recall_id,
      kind: send.kind,
      level,
      dueAt: send.dueAt,
      passed: passedKinds,
      sentTo: toDistributor ? 'distributor' : 'manufacturer_qa',
      to,
      cc,
      mailIds,
    };
  });
}

/**
 * Follows up the recall notices nobody has answered: for each notice of an open recall that
 * has no acknowledgement, the follow-up due at the clock's time under its recall's schedule
 * (follow-up-schedule.ts: a reminder before the reply deadline, a second notice after it, a
 * final notice copied to the distributor's escalation contact and the manufacturer's QA).
 * A notice nobody could be mailed (no recall contact, no portal user) is followed up with the
 * manufacturer's QA only, asking them to reach the distributor another way.
 * When several are due at once (the server was down) only the most advanced is sent, and
 * the earlier ones are passed for good: they are named in the audit entry and the event, and
 * have no recall_follow_ups row (that table records what was sent). Each follow-up is ONE
 * transaction: the recall_follow_ups row (primary key per notice and kind, so a rerun or a
 * second server sends nothing twice), the raised follow_up_level, the mail with a fresh notice
 * link, the audit entry and the recall.reminder_sent / recall.escalated event.
 */
export async function sendRecallFollowUps(ctx: UseCaseContext, options: FollowUpOptions): Promise<SentFollowUp[]> {
  const now = ctx.clock.now();
  // No follow-up falls earlier than the longest reminder lead before a deadline.
  const candidates = await ctx.db.all<NoticeRow>(`${waitingSql} AND ifnull(n.response_deadline, r.response_deadline) <= ? ORDER BY ifnull(n.response_deadline, r.response_deadline), n.id`, [
    new Date(now.getTime() + longestReminderLeadMs).toISOString(),
  ]);
  const sent: SentFollowUp[] = [];
  for (const candidate of candidates) {
    if (!whatIsDue(candidate, now)) continue;
    const followUp = await sendOne(ctx, candidate.id, options);
    if (followUp) sent.push(followUp);
  }
  return sent;
}
