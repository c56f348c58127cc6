import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import type { Tx } from '../db/index.ts';
import { AppError } from '../errors.ts';
import type { EffectivenessLevel, Severity } from './recall-terms.ts';
import { followUpKinds, type FollowUpKind } from './follow-up-schedule.ts';
import type { MailState } from '../mail/mail-states.ts';
import { noticeChannels, type NoticeChannel } from './issue-notices.ts';
import { replyFormColumns, replyFormFromRow, type ReplyFormContent } from './recall-record-hash.ts';
import { revisionToAnswerSql } from './notice-revisions.ts';

/** How a consignee's notice mail fared, from the best outcome among its mails; 'as2' when it was not mailed but went over AS2. */
export type DeliveryState = 'not_notified' | 'no_address' | 'as2' | 'queued' | 'sent' | 'kept' | 'failed';

export interface DashboardRecall {
  id: string;
  recallNumber: string;
  state: string;
  severity: Severity;
  responseDeadline: string | null;
  effectivenessLevel: EffectivenessLevel;
  issuedAt: string;
  noticesSentAt: string | null;
}

export interface DashboardCounts {
  consignees: number;
  /** A notice row exists and went out on at least one channel. */
  notified: number;
  /** Notices per channel they went out on (one notice may count under several). */
  channels: Record<NoticeChannel, number>;
  withoutAddress: number;
  /** A mail of the notice was accepted by the SMTP server. */
  delivered: number;
  /** Every mail of the notice failed for good. */
  bounced: number;
  /** No SMTP server configured: the notice waits in the local outbox. */
  kept: number;
  opened: number;
  acknowledged: number;
  /** Replied, but to an earlier notice than the update in force: awaiting a reply again (not counted in `acknowledged`). */
  replyNeededAgain: number;
  /** The latest acknowledgement says the consignee holds none of the product. */
  noStock: number;
  quarantineConfirmed: number;
  /** The deadline has passed without an acknowledgement. */
  overdue: number;
  /** Final notice sent (follow-up level 3). */
  escalated: number;
}

export interface DashboardLot {
  gtin: string;
  lot: string | null;
  shipped: number;
  /** From each consignee's latest acknowledgement: on hand + returned + destroyed + distributed. */
  accountedFor: number;
  onHand: number;
  quarantined: number;
  returned: number;
  destroyed: number;
  distributed: number;
}

/** What a recall mail to a consignee was: the notice (also when sent again) or a follow-up. */
export type RecallMailKind = 'notice' | FollowUpKind;

/** The latest recall mail one recipient of a notice was sent, as the mail queue has it. */
export interface RecipientDelivery {
  email: string;
  /** Null when no mail went to this address (yet). */
  kind: RecallMailKind | null;
  /** `queued` with attempts > 0: the mail server refused it for now and it is tried again. */
  state: MailState | null;
  attempts: number;
  /** When the mail server accepted it (`sent`), else when it was queued. */
  at: string | null;
}

export interface DashboardConsignee {
  organisationId: string;
  name: string;
  recipients: string[];
  /** What the notice went out on ([] before it is sent, or when nobody could be reached). */
  channels: NoticeChannel[];
  /** The notice's own reply deadline (a consignee added after the release has its own). */
  responseDeadline: string | null;
  /** Per recipient of the notice, in the notice's order. */
  deliveries: RecipientDelivery[];
  /** Openings of the notice link (one link per notice: who of the recipients opened it is not known). */
  lastOpenedAt: string | null;
  openCount: number;
  unitsShipped: number;
  delivery: DeliveryState;
  firstOpenedAt: string | null;
  firstAcknowledgedAt: string | null;
  /** When the latest version was signed, and its number (0: no acknowledgement). */
  acknowledgedAt: string | null;
  version: number;
  /** From the latest acknowledgement; null until there is one. */
  holdsStock: boolean | null;
  /** The latest reply's MDCG 2023-3 answers (question, signer's function and phone …); null before 0033 or without a reply. */
  replyForm: ReplyFormContent | null;
  quarantineConfirmedAt: string | null;
  followUpLevel: number;
  overdue: boolean;
  /** Its latest reply answers an earlier notice than the update in force (notice-revisions.ts): awaiting a reply again. */
  replyNeededAgain: boolean;
}

export interface ResponsesDay {
  /** A UTC day, YYYY-MM-DD. */
  day: string;
  /** Consignees that had acknowledged / opened by the end of that day. */
  acknowledged: number;
  opened: number;
}

export interface RecallDashboard {
  recall: DashboardRecall;
  /** The instant the figures were computed at. */
  asOf: string;
  counts: DashboardCounts;
  lots: DashboardLot[];
  consignees: DashboardConsignee[];
  /** Consignees without an acknowledgement, overdue ones first. */
  nonResponders: DashboardConsignee[];
  responses: ResponsesDay[];
}

/**
 * The recall as manufacturer staff may read it. Anyone else gets the same `not_found` as for
 * an unknown recall, so a distributor cannot learn which recall ids exist.
 */
export async function recallForStaff(db: Pick<Tx, 'get'>, actor: Actor, recallId: string): Promise<DashboardRecall> {
  const staff = actor.organisationKind === 'manufacturer' && (actor.role === 'manufacturer_qa' || actor.role === 'manufacturer_admin');
  const row = staff
    ? await db.get<{
        id: string;
        recall_number: string;
        state: string;
        severity: number;
        response_deadline: string | null;
        effectiveness_level: string;
        issued_at: string;
        notices_sent_at: string | null;
      }>('SELECT id, recall_number, state, severity, response_deadline, effectiveness_level, issued_at, notices_sent_at FROM recalls WHERE id = ?', [recallId])
    : undefined;
  if (!row) throw new AppError('not_found', `no recall ${recallId}`);
  return {
    id: row.id,
    recallNumber: row.recall_number,
    state: row.state,
    severity: row.severity as Severity,
    responseDeadline: row.response_deadline,
    effectivenessLevel: row.effectiveness_level as EffectivenessLevel,
    issuedAt: row.issued_at,
    noticesSentAt: row.notices_sent_at,
  };
}

function deliveryOf(
  r: { notice_id: string | null; recipients: string | null; mails: number | null; sent: number | null; kept: number | null; queued: number | null; failed: number | null },
  channels: NoticeChannel[],
): DeliveryState {
  if (!r.notice_id) return 'not_notified';
  if (r.sent) return 'sent';
  if (r.kept) return 'kept';
  if (r.queued) return 'queued';
  if (r.mails && r.failed === r.mails) return 'failed';
  return channels.includes('as2') ? 'as2' : 'no_address';
}

const utcDay = (iso: string) => iso.slice(0, 10);
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Days from notices_sent_at to `asOf` (at most ~3 years, a guard against a wrong date). */
function responsesOverTime(from: string | null, asOf: string, acknowledgedOn: Map<string, number>, openedOn: Map<string, number>): ResponsesDay[] {
  if (!from) return [];
  const days: ResponsesDay[] = [];
  let acknowledged = 0;
  let opened = 0;
  // Replies dated before the first day (clock skew) count from day one.
  const first = utcDay(from);
  for (const [day, n] of acknowledgedOn) if (day < first) acknowledged += n;
  for (const [day, n] of openedOn) if (day < first) opened += n;
  const last = utcDay(asOf) < first ? first : utcDay(asOf);
  for (let day = first; day <= last && days.length < 1100; day = nextDay(day)) {
    acknowledged += acknowledgedOn.get(day) ?? 0;
    opened += openedOn.get(day) ?? 0;
    days.push({ day, acknowledged, opened });
  }
  return days;
}

/**
 * What QA watches during a recall, for manufacturer staff: delivery, opening and
 * acknowledgement counts, per (GTIN, lot) the quantity shipped against the quantity accounted
 * for by each consignee's LATEST acknowledgement (a correction replaces, never adds), one row
 * per consignee, the non-responders and the responses per day. A few set-based statements
 * whatever the number of consignees.
 */
export async function getRecallDashboard(ctx: UseCaseContext, actor: Actor, recallId: string): Promise<RecallDashboard> {
  const recall = await recallForStaff(ctx.db, actor, recallId);
  const asOf = ctx.clock.now().toISOString();

  const rows = await ctx.db.all<{
    organisation_id: string;
    name: string;
    units: number;
    notice_id: string | null;
    recipients: string | null;
    channels: string | null;
    notice_deadline: string | null;
    first_opened_at: string | null;
    last_opened_at: string | null;
    open_count: number | null;
    first_acknowledged_at: string | null;
    latest_version: number | null;
    quarantine_confirmed_at: string | null;
    follow_up_level: number | null;
    acknowledged_at: string | null;
    holds_stock: number | null;
    actions_completed: number | null;
    customers_informed: string | null;
    contact_requested: number | null;
    question: string | null;
    signer_function: string | null;
    signer_phone: string | null;
    answered_revision: number | null;
    mails: number | null;
    sent: number | null;
    kept: number | null;
    queued: number | null;
    failed: number | null;
  }>(
    `WITH shipped AS (
       SELECT distributor_organisation_id AS org, SUM(quantity_shipped) AS units FROM recall_consignees WHERE recall_id = ? GROUP BY distributor_organisation_id
     ),
     parties AS (
       SELECT org FROM shipped UNION SELECT distributor_organisation_id FROM recall_notices WHERE recall_id = ?
     ),
     mail AS (
       SELECT entity_id AS notice_id, COUNT(*) AS mails, SUM(state = 'sent') AS sent, SUM(state = 'kept') AS kept, SUM(state = 'queued') AS queued, SUM(state = 'failed') AS failed
         FROM mail_messages
        WHERE entity_type = 'recall_notice' AND entity_id IN (SELECT id FROM recall_notices WHERE recall_id = ?)
        GROUP BY entity_id
     )
     SELECT p.org AS organisation_id, o.name, ifnull(s.units, 0) AS units,
            n.id AS notice_id, n.recipients, n.channels, ifnull(n.response_deadline, r.response_deadline) AS notice_deadline, n.first_opened_at, n.last_opened_at, n.open_count, n.first_acknowledged_at, n.latest_version, n.quarantine_confirmed_at, n.follow_up_level,
            a.submitted_at AS acknowledged_at, a.holds_stock, a.revision AS answered_revision, ${replyFormColumns},
            m.mails, m.sent, m.kept, m.queued, m.failed
       FROM parties p
       JOIN organisations o ON o.id = p.org
       JOIN recalls r ON r.id = ?
       LEFT JOIN shipped s ON s.org = p.org
       LEFT JOIN recall_notices n ON n.recall_id = ? AND n.distributor_organisation_id = p.org
       LEFT JOIN recall_acknowledgements a ON a.notice_id = n.id AND a.version = n.latest_version
       LEFT JOIN mail m ON m.notice_id = n.id
      ORDER BY o.name, p.org`,
    [recall.id, recall.id, recall.id, recall.id, recall.id],
  );

  const lots = await ctx.db.all<DashboardLot>(
    `WITH shipped AS (
       SELECT gtin, lot, SUM(quantity_shipped) AS shipped FROM recall_consignees WHERE recall_id = ? GROUP BY gtin, ifnull(lot, '')
     ),
     latest AS (
       SELECT l.gtin, l.lot, SUM(l.on_hand + l.returned + l.destroyed + l.distributed) AS accounted, SUM(l.on_hand) AS on_hand, SUM(l.quarantined) AS quarantined,
              SUM(l.returned) AS returned, SUM(l.destroyed) AS destroyed, SUM(l.distributed) AS distributed
         FROM recall_notices n
         JOIN recall_acknowledgements a ON a.notice_id = n.id AND a.version = n.latest_version
         JOIN recall_acknowledgement_lots l ON l.acknowledgement_id = a.id
        WHERE n.recall_id = ?
        GROUP BY l.gtin, ifnull(l.lot, '')
     ),
     keys AS (
       SELECT gtin, lot FROM shipped UNION SELECT gtin, lot FROM latest
     )
     SELECT k.gtin, k.lot, ifnull(s.shipped, 0) AS shipped, ifnull(l.accounted, 0) AS accountedFor,
            ifnull(l.on_hand, 0) AS onHand, ifnull(l.quarantined, 0) AS quarantined, ifnull(l.returned, 0) AS returned,
            ifnull(l.destroyed, 0) AS destroyed, ifnull(l.distributed, 0) AS distributed
       FROM keys k
       LEFT JOIN shipped s ON s.gtin = k.gtin AND ifnull(s.lot, '') = ifnull(k.lot, '')
       LEFT JOIN latest l ON l.gtin = k.gtin AND ifnull(l.lot, '') = ifnull(k.lot, '')
      ORDER BY k.gtin, ifnull(k.lot, '')`,
    [recall.id, recall.id],
  );

  // Every recall mail of the notices, oldest first: the latest one to an address (to or cc) is its delivery.
  const mails = await ctx.db.all<{ org: string; to_address: string; cc_addresses: string; purpose: string; state: MailState; attempts: number; sent_at: string | null; created_at: string }>(
    `SELECT n.distributor_organisation_id AS org, m.to_address, m.cc_addresses, m.purpose, m.state, m.attempts, m.sent_at, m.created_at
       FROM recall_notices n
       JOIN mail_messages m ON m.entity_type IN ('recall_notice', 'recall_follow_up') AND m.entity_id = n.id
      WHERE n.recall_id = ?
      ORDER BY m.created_at, m.rowid`,
    [recall.id],
  );
  const latestMail = new Map<string, (typeof mails)[number]>();
  for (const m of mails) for (const address of [m.to_address, ...(JSON.parse(m.cc_addresses) as string[])]) latestMail.set(`${m.org}\n${address.toLowerCase()}`, m);
  const kindOf = (purpose: string): RecallMailKind => {
    const kind = purpose.replace(/^recall\./, '');
    return (followUpKinds as readonly string[]).includes(kind) ? (kind as FollowUpKind) : 'notice';
  };
  const deliveries = (org: string, recipients: string[]): RecipientDelivery[] =>
    recipients.map((email) => {
      const m = latestMail.get(`${org}\n${email.toLowerCase()}`);
      return m ? { email, kind: kindOf(m.purpose), state: m.state, attempts: m.attempts, at: m.sent_at ?? m.created_at } : { email, kind: null, state: null, attempts: 0, at: null };
    });

  const toAnswer = (await ctx.db.get<{ revision: number }>(`SELECT ${revisionToAnswerSql('?')} AS revision`, [recall.id]))!.revision;
  const consignees: DashboardConsignee[] = rows.map((r) => {
    const version = r.latest_version ?? 0;
    const recipients = r.recipients ? (JSON.parse(r.recipients) as string[]) : [];
    const channels = r.channels ? (JSON.parse(r.channels) as NoticeChannel[]) : [];
    // Each notice is overdue against its own deadline (a consignee added late has its own).
    const deadline = r.notice_id ? r.notice_deadline : recall.responseDeadline;
    return {
      organisationId: r.organisation_id,
      name: r.name,
      recipients,
      channels,
      responseDeadline: deadline,
      deliveries: deliveries(r.organisation_id, recipients),
      lastOpenedAt: r.last_opened_at,
      openCount: r.open_count ?? 0,
      unitsShipped: r.units,
      delivery: deliveryOf(r, channels),
      firstOpenedAt: r.first_opened_at,
      firstAcknowledgedAt: r.first_acknowledged_at,
      acknowledgedAt: version > 0 ? r.acknowledged_at : null,
      version,
      holdsStock: version > 0 && r.holds_stock !== null ? r.holds_stock === 1 : null,
      replyForm: version > 0 ? replyFormFromRow(r) : null,
      quarantineConfirmedAt: r.quarantine_confirmed_at,
      followUpLevel: r.follow_up_level ?? 0,
      overdue: deadline !== null && deadline < asOf && version === 0,
      replyNeededAgain: version > 0 && (r.answered_revision ?? 1) < toAnswer,
    };
  });

  const count = (test: (c: DashboardConsignee) => boolean) => consignees.reduce((n, c) => n + (test(c) ? 1 : 0), 0);
  const acknowledgedOn = new Map<string, number>();
  const openedOn = new Map<string, number>();
  for (const c of consignees) {
    if (c.firstAcknowledgedAt) acknowledgedOn.set(utcDay(c.firstAcknowledgedAt), (acknowledgedOn.get(utcDay(c.firstAcknowledgedAt)) ?? 0) + 1);
    if (c.firstOpenedAt) openedOn.set(utcDay(c.firstOpenedAt), (openedOn.get(utcDay(c.firstOpenedAt)) ?? 0) + 1);
  }

  return {
    recall,
    asOf,
    counts: {
      consignees: consignees.length,
      notified: count((c) => c.delivery !== 'not_notified' && c.channels.length > 0),
      channels: Object.fromEntries(noticeChannels.map((ch) => [ch, count((c) => c.channels.includes(ch))])) as Record<NoticeChannel, number>,
      withoutAddress: count((c) => c.delivery !== 'not_notified' && c.channels.length === 0),
      delivered: count((c) => c.delivery === 'sent'),
      bounced: count((c) => c.delivery === 'failed'),
      kept: count((c) => c.delivery === 'kept'),
      opened: count((c) => c.firstOpenedAt !== null),
      acknowledged: count((c) => c.version > 0 && !c.replyNeededAgain),
      replyNeededAgain: count((c) => c.replyNeededAgain),
      noStock: count((c) => c.holdsStock === false),
      quarantineConfirmed: count((c) => c.quarantineConfirmedAt !== null),
      overdue: count((c) => c.overdue),
      escalated: count((c) => c.followUpLevel >= 3),
    },
    lots,
    consignees,
    nonResponders: consignees.filter((c) => c.version === 0 || c.replyNeededAgain).sort((a, b) => Number(b.overdue) - Number(a.overdue) || b.followUpLevel - a.followUpLevel),
    responses: responsesOverTime(recall.noticesSentAt, asOf, acknowledgedOn, openedOn),
  };
}
