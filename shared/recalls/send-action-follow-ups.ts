import type { UseCaseContext } from '../context.ts';
import type { Tx } from '../db/index.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { queueMail } from '../mail/queue-mail.ts';
import { translate, type Locale, type MessageKey } from '../i18n/index.ts';
import { formatInstantIn } from '../time-zone.ts';
import { followUpAddressing } from './follow-up-addressing.ts';
import { followUpOffsetsMs } from './follow-up-schedule.ts';
import { noticeRecipientsSql } from './notice-recipients.ts';
import type { Severity } from './recall-terms.ts';
import { followUpActor, type FollowUpOptions } from './send-recall-follow-ups.ts';

/**
 * What a consignee that replied can still owe, and when it is due:
 * - quarantine: all stock on hand quarantined, by the reply deadline (recalls.response_deadline);
 * - actions: no recalled stock left on hand (returned or destroyed, as the recall asks), by the
 *   actions deadline (recalls.actions_deadline: the recall's actionsDeadline, by default the
 *   reply deadline plus the reply days of its severity again, recall-terms.ts).
 * A consignee that has not replied at all is followed up by send-recall-follow-ups.ts instead.
 */
export const actionAreas = ['quarantine', 'actions'] as const;
export type ActionArea = (typeof actionAreas)[number];
export const actionFollowUpKinds = ['quarantine_reminder', 'quarantine_final_notice', 'actions_reminder', 'actions_final_notice'] as const;
export type ActionFollowUpKind = (typeof actionFollowUpKinds)[number];

/** The reason events and audit entries give for each area. */
const reasons = { quarantine: 'quarantine_not_confirmed', actions: 'actions_not_completed' } as const satisfies Record<ActionArea, string>;

/** A lot of the consignee's latest reply that is still open in an area. */
export interface OpenLot {
  gtin: string;
  lot: string | null;
  onHand: number;
  quarantined: number;
}

export interface SentActionFollowUp {
  noticeId: string;
  recallId: string;
  area: ActionArea;
  kind: ActionFollowUpKind;
  dueAt: string;
  passed: ActionFollowUpKind[];
  open: OpenLot[];
  sentTo: 'distributor' | 'manufacturer_qa';
  to: string | null;
  cc: string[];
  mailIds: string[];
}

/**
 * When each follow-up of an area is due: the reminder once the due date has passed, the final
 * notice (to the escalation contact and QA as well) after the grace the reply schedule gives
 * before its own final notice (follow-up-schedule.ts: 3, 7, 14 days by severity).
 */
export function actionFollowUpsDue(area: ActionArea, severity: Severity, dueBy: string): { kind: ActionFollowUpKind; dueAt: string }[] {
  const due = Date.parse(dueBy);
  return [
    { kind: `${area}_reminder`, dueAt: new Date(due).toISOString() },
    { kind: `${area}_final_notice`, dueAt: new Date(due + followUpOffsetsMs[severity].final_notice).toISOString() },
  ];
}

/**
 * The lots still open in an area, from the latest reply's lots: stock on hand not all
 * quarantined; or, when the recall asks to return or destroy, stock still on hand.
 */
export function openLots(area: ActionArea, reply: { holdsStock: boolean; lots: OpenLot[] }, recallActions: readonly string[]): OpenLot[] {
  if (!reply.holdsStock) return [];
  if (area === 'quarantine') return reply.lots.filter((l) => l.quarantined < l.onHand);
  if (!recallActions.some((a) => a === 'return' || a === 'destroy')) return [];
  return reply.lots.filter((l) => l.onHand > 0);
}

/** The structured actions of a recall's instructions (as QA's form and the ERP give them: `{ action }` or a word). */
function recallActions(instructions: string | null): string[] {
  let given: unknown;
  try {
    given = instructions ? JSON.parse(instructions) : [];
  } catch {
    given = instructions;
  }
  const items = Array.isArray(given) ? given : [given];
  return items.map((i) => String((i as { action?: unknown } | null)?.action ?? i ?? '').toLowerCase());
}

interface Candidate {
  id: string;
  recall_id: string;
  distributor_organisation_id: string;
  recipients: string;
  link_expires_at: string;
  severity: Severity;
  response_deadline: string;
  actions_deadline: string;
  instructions: string | null;
  acknowledgement_id: string;
  holds_stock: number;
  submitted_at: string;
}

// Replied notices of open recalls whose reply deadline has passed (nothing here is due before it).
// A consignee added after the release has its own, later reply deadline (issue-notices.ts): its
// quarantine is due by that, and its returns not before it.
const repliedSql = `
SELECT n.id, n.recall_id, n.distributor_organisation_id, ${noticeRecipientsSql} AS recipients, n.link_expires_at,
       r.severity, ifnull(n.response_deadline, r.response_deadline) AS response_deadline, max(r.actions_deadline, ifnull(n.response_deadline, r.response_deadline)) AS actions_deadline, r.payload ->> '$.instructions' AS instructions,
       a.id AS acknowledgement_id, a.holds_stock, a.submitted_at
  FROM recall_notices AS n JOIN recalls AS r ON r.id = n.recall_id JOIN organisations AS o ON o.id = n.distributor_organisation_id
  JOIN recall_acknowledgements AS a ON a.notice_id = n.id AND a.version = n.latest_version
 WHERE r.state = 'open' AND n.latest_version > 0 AND r.response_deadline IS NOT NULL AND r.actions_deadline IS NOT NULL AND ifnull(n.response_deadline, r.response_deadline) <= ?`;

/** What is due now for a notice in an area: the most advanced follow-up due and not sent, and the earlier ones it passes. */
async function whatIsDue(tx: Pick<Tx, 'all'>, c: Candidate, area: ActionArea, now: Date) {
  const lots = await tx.all<OpenLot>('SELECT gtin, lot, on_hand AS onHand, quarantined FROM recall_acknowledgement_lots WHERE acknowledgement_id = ? ORDER BY gtin, ifnull(lot, \'\')', [c.acknowledgement_id]);
  const open = openLots(area, { holdsStock: c.holds_stock === 1, lots }, recallActions(c.instructions));
  if (open.length === 0) return undefined;
  const schedule = actionFollowUpsDue(area, c.severity, area === 'quarantine' ? c.response_deadline : c.actions_deadline);
  const sent = new Set((await tx.all<{ kind: string }>('SELECT kind FROM recall_action_follow_ups WHERE notice_id = ?', [c.id])).map((r) => r.kind));
  // After the final notice nothing more: QA takes it from there.
  if (sent.has(`${area}_final_notice`)) return undefined;
  const due = schedule.filter((f) => Date.parse(f.dueAt) <= now.getTime() && !sent.has(f.kind));
  const send = due.at(-1);
  if (!send) return undefined;
  return { send, passed: due.slice(0, -1).map((f) => f.kind), open };
}

function actionMail(locales: Locale[], f: { kind: ActionFollowUpKind; area: ActionArea; toDistributor: boolean; recallNumber: string; distributor: string; deadline: string; repliedOn: string; open: OpenLot[]; url: string; cc: string[] }) {
  const part = (locale: Locale) => {
    const t = (key: MessageKey, params: Record<string, string | number> = {}) => translate(locale, key, params);
    const params = { recallNumber: f.recallNumber, distributor: f.distributor, deadline: f.deadline, repliedOn: f.repliedOn, kind: t(`recallDue.kind.${f.kind}`) };
    const lots = f.open
      .map((l) => t(`recallDue.lot.${f.area}`, { gtin: l.gtin, lot: l.lot ?? t('recallFollowUp.noLot'), onHand: l.onHand, quarantined: l.quarantined, notQuarantined: l.onHand - l.quarantined }))
      .join('\n');
    const lines = f.toDistributor
      ? [t('recallFollowUp.greeting', params), t(`recallDue.body.${f.kind}`, params), `${t('recallDue.open', params)}\n${lots}`, t('recallFollowUp.link', { url: f.url }), t('recallFollowUp.linkPersonal')]
      : [t('recallDue.noAddress.body', params), `${t('recallDue.open', params)}\n${lots}`, t('recallFollowUp.noAddress.link', { url: f.url })];
    if (f.cc.length) lines.push(t('recallFollowUp.copied', { addresses: f.cc.join(', ') }));
    lines.push(t('mail.footer'));
    const subject = f.toDistributor ? t(`recallDue.subject.${f.kind}`, params) : t('recallFollowUp.subject.noAddress', params);
    return { subject, text: lines.join('\n\n') };
  };
  const parts = locales.map(part);
  return { subject: parts.map((p) => p.subject).join(' / '), text: parts.map((p) => p.text).join('\n\n----\n\n') };
}

/** Sends the one follow-up due for a notice in an area, in its own transaction; undefined when another run got there first or nothing is open any more. */
async function sendOne(ctx: UseCaseContext, noticeId: string, area: ActionArea, options: FollowUpOptions): Promise<SentActionFollowUp | undefined> {
  return ctx.db.transaction(async (tx): Promise<SentActionFollowUp | undefined> => {
    const now = ctx.clock.now();
    const sentAt = now.toISOString();
    // Under the write lock: still open, the latest reply still leaves this open, still due.
    const c = await tx.get<Candidate>(`${repliedSql} AND n.id = ?`, [sentAt, noticeId]);
    if (!c) return undefined;
    const due = await whatIsDue(tx, c, area, now);
    if (!due) return undefined;
    const { send, passed, open } = due;
    // The claim: the primary key (notice, kind) makes each once-only across runs and servers.
    const claimed = await tx.run('INSERT INTO recall_action_follow_ups (notice_id, kind, due_at, sent_at, open_lots) VALUES (?, ?, ?, ?, ?) ON CONFLICT (notice_id, kind) DO NOTHING', [
      c.id,
      send.kind,
      send.dueAt,
      sentAt,
      JSON.stringify(open),
    ]);
    if (claimed.changes === 0) return undefined;

    const final = send.kind.endsWith('_final_notice');
    const a = await followUpAddressing(tx, c, final, options.portalUrl);
    const dueBy = area === 'quarantine' ? c.response_deadline : c.actions_deadline;
    const mailIds: string[] = [];
    if (a.to) {
      const { subject, text } = actionMail(a.locales, {
        kind: send.kind,
        area,
        toDistributor: a.toDistributor,
        recallNumber: a.recall.recall_number,
        distributor: a.distributor.name,
        deadline: formatInstantIn(dueBy, a.readerTimeZone),
        repliedOn: formatInstantIn(c.submitted_at, a.readerTimeZone),
        open,
        url: a.url,
        cc: a.cc,
      });
      mailIds.push(
        await queueMail(tx, ctx.clock, {
          to: a.to,
          cc: a.cc,
          subject,
          text,
          locale: a.locales[0]!,
          purpose: final ? 'recall.final_notice' : 'recall.reminder',
          organisationId: c.distributor_organisation_id,
          entity: { type: 'recall_follow_up', id: c.id },
        }),
      );
    }

    const sentTo = a.toDistributor ? 'distributor' : 'manufacturer_qa';
    const reason = reasons[area];
    await recordAudit(tx, ctx.clock, {
      actor: followUpActor,
      organisationId: c.distributor_organisation_id,
      action: final ? 'recall.escalated' : 'recall.reminder_sent',
      entityType: 'recall_notice',
      entityId: c.id,
      newValues: { kind: send.kind, reason, dueAt: send.dueAt, passed, open, sentTo, to: a.to, cc: a.cc, mails: mailIds },
      reason: `${reason.replaceAll('_', ' ')} on recall ${a.recall.recall_number}: due by ${dueBy}`,
      requestId: ctx.requestId,
    });
    await enqueueEvent(tx, ctx.clock, {
      type: final ? 'recall.escalated' : 'recall.reminder_sent',
      aggregateType: 'recall',
      aggregateId: c.recall_id,
      organisationId: c.distributor_organisation_id,
      data: {
        recallNumber: a.recall.recall_number,
        noticeId: c.id,
        distributor: { organisationId: c.distributor_organisation_id, ...(a.distributor.erp_id ? { erpId: a.distributor.erp_id } : {}), name: a.distributor.name },
        kind: send.kind,
        reason,
        level: final ? 3 : 1,
        severity: c.severity,
        responseDeadline: c.response_deadline,
        actionsDeadline: c.actions_deadline,
        noticeSentAt: (await tx.get<{ sent_at: string }>('SELECT sent_at FROM recall_notices WHERE id = ?', [c.id]))!.sent_at,
        dueAt: send.dueAt,
        sentAt,
        sentTo,
        recipients: a.to ? 1 + a.cc.length : 0,
        open,
        ...(final ? { escalationContactCopied: a.escalationContactCopied, passed } : {}),
      },
    });
    return { noticeId: c.id, recallId: c.recall_id, area, kind: send.kind, dueAt: send.dueAt, passed, open, sentTo, to: a.to, cc: a.cc, mailIds };
  });
}

/**
 * Follows up consignees that replied but left something open (21 CFR 7.49, MDCG 2023-3: the
 * recall is effective only when the stock is out of use and out of the channel): stock on hand
 * not all quarantined once the reply deadline has passed, or, when the recall asks to return or
 * destroy, stock still on hand once the actions deadline has passed. Each area gets a reminder,
 * then a final notice copied to the distributor's escalation contact and the manufacturer's QA,
 * each once per notice (recall_action_follow_ups, claimed by its primary key). The mail names
 * what is open per lot, from the consignee's latest reply; a corrected reply that closes it
 * stops the follow-ups. Each is ONE transaction: the claim, the mail, the audit entry and the
 * recall.reminder_sent / recall.escalated event with its `reason`.
 */
export async function sendActionFollowUps(ctx: UseCaseContext, options: FollowUpOptions): Promise<SentActionFollowUp[]> {
  const now = ctx.clock.now();
  const candidates = await ctx.db.all<Candidate>(`${repliedSql} ORDER BY r.response_deadline, n.id`, [now.toISOString()]);
  const sent: SentActionFollowUp[] = [];
  for (const c of candidates) {
    for (const area of actionAreas) {
      if (!(await whatIsDue(ctx.db, c, area, now))) continue;
      const followUp = await sendOne(ctx, c.id, area, options);
      if (followUp) sent.push(followUp);
    }
  }
  return sent;
}
