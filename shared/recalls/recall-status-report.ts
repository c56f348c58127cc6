import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { getRecallDashboard, type DeliveryState, type RecallDashboard } from './get-recall-dashboard.ts';
import { listEffectivenessChecks, recallEffectivenessPercent, sampleSize, type EffectivenessCheck } from './draw-effectiveness-checks.ts';
import { notificationMethods, type NotificationMethod } from './notification-methods.ts';
import { replyStock, stockKey } from './recall-report-stock.ts';

/** Where the recall stands against its reply deadline. */
export type CompletionStatus = 'complete' | 'open' | 'overdue';

/**
 * The figures of a recall status report, numbered as 21 CFR 7.53(b)(1)–(6) lists them.
 */
export interface StatusFigures {
  /** (1) Consignees notified, and the date and method of notification. */
  notified: { count: number; consignees: number; withoutAddress: number; date: string | null; methods: NotificationMethod[]; delivered: number; bounced: number; kept: number };
  /** (2) Consignees responding and the quantity they held (their latest acknowledgements). */
  responding: { count: number; onHand: number; quarantined: number; noStock: number };
  /** (2) Stock at receipt (each consignee's first reply) against its latest reply. */
  stock: { firstReceived: number; firstOnHand: number; latestReceived: number; latestOnHand: number };
  /** (3) Consignees that did not respond (names when asked). */
  notResponding: { count: number; overdue: number; names?: string[] };
  /** (4) Returned or corrected, and accounted for, against the quantity shipped. */
  accounted: { shipped: number; accountedFor: number; returned: number; destroyed: number; distributed: number; onHand: number; corrected: number };
  /** (5) Effectiveness checks: the level, the sample and what the checks found. */
  effectiveness: { level: string; sampleSize: number; drawn: number; checked: number; effective: number; ineffective: number };
  /** (6) Estimated completion: the date QA estimates (null: not set yet); every consignee is to have responded by the deadline. */
  completion: { estimatedOn: string | null; allRespondedBy: string | null; status: CompletionStatus };
}

/** One consignee and one (GTIN, lot): what was shipped and what its latest acknowledgement says. */
export interface StatusRow {
  organisationId: string;
  consignee: string;
  erpId: string | null;
  recipients: string[];
  noticeSentAt: string | null;
  delivery: DeliveryState;
  firstOpenedAt: string | null;
  acknowledgedAt: string | null;
  version: number;
  holdsStock: boolean | null;
  quarantineConfirmedAt: string | null;
  followUpLevel: number;
  gtin: string;
  lot: string | null;
  shipped: number;
  /** null: no acknowledgement (or none for this lot) yet. */
  received: number | null;
  onHand: number | null;
  quarantined: number | null;
  returned: number | null;
  destroyed: number | null;
  distributed: number | null;
  /** Units corrected on site, from the latest acknowledgement (0 on a reply signed before it was asked; null: none yet). */
  corrected: number | null;
  /** Stock at receipt: received and on hand as the FIRST acknowledgement reported them (null: none yet). */
  receivedAtFirstReply: number | null;
  onHandAtFirstReply: number | null;
  accountedFor: number | null;
  effectivenessOutcome: 'effective' | 'ineffective' | 'pending' | null;
}

export interface RecallStatusReport {
  dashboard: RecallDashboard;
  figures: StatusFigures;
  rows: StatusRow[];
  checks: EffectivenessCheck[];
}

/**
 * The recall status report for manufacturer staff (21 CFR 7.53(b)): the six figures, one row
 * per consignee and lot, and the effectiveness checks, all as of the clock's now. The report
 * is read from the same figures as the dashboard, so the two never disagree.
 */
export async function getRecallStatusReport(
  ctx: UseCaseContext,
  actor: Actor,
  recallId: string,
  options: { nonResponderNames?: boolean } = {},
): Promise<RecallStatusReport> {
  const dashboard = await getRecallDashboard(ctx, actor, recallId);
  const checks = await listEffectivenessChecks(ctx.db, dashboard.recall.id);
  const stock = await replyStock(ctx.db, dashboard.recall.id);

  const lotRows = await ctx.db.all<{
    organisation_id: string;
    erp_id: string | null;
    notice_sent_at: string | null;
    gtin: string;
    lot: string | null;
    shipped: number;
    has_lot: number;
    received: number | null;
    on_hand: number | null;
    quarantined: number | null;
    returned: number | null;
    destroyed: number | null;
    distributed: number | null;
    corrected: number | null;
  }>(
    `WITH latest AS (
       SELECT n.distributor_organisation_id AS org, l.gtin, l.lot, l.received, l.on_hand, l.quarantined, l.returned, l.destroyed, l.distributed, l.corrected
         FROM recall_notices n
         JOIN recall_acknowledgements a ON a.notice_id = n.id AND a.version = n.latest_version
         JOIN recall_acknowledgement_lots l ON l.acknowledgement_id = a.id
        WHERE n.recall_id = ?
     ),
     keys AS (
       SELECT distributor_organisation_id AS org, gtin, lot FROM recall_consignees WHERE recall_id = ?
       UNION SELECT org, gtin, lot FROM latest
     )
     SELECT k.org AS organisation_id, o.erp_id, n.sent_at AS notice_sent_at, k.gtin, k.lot,
            ifnull(c.quantity_shipped, 0) AS shipped, l.org IS NOT NULL AS has_lot,
            l.received, l.on_hand, l.quarantined, l.returned, l.destroyed, l.distributed, ifnull(l.corrected, 0) AS corrected
       FROM keys k
       JOIN organisations o ON o.id = k.org
       LEFT JOIN recall_notices n ON n.recall_id = ? AND n.distributor_organisation_id = k.org
       LEFT JOIN recall_consignees c ON c.recall_id = ? AND c.distributor_organisation_id = k.org AND c.gtin = k.gtin AND ifnull(c.lot, '') = ifnull(k.lot, '')
       LEFT JOIN latest l ON l.org = k.org AND l.gtin = k.gtin AND ifnull(l.lot, '') = ifnull(k.lot, '')
      ORDER BY o.name, k.org, k.gtin, ifnull(k.lot, '')`,
    [dashboard.recall.id, dashboard.recall.id, dashboard.recall.id, dashboard.recall.id],
  );

  const byOrg = new Map(dashboard.consignees.map((c) => [c.organisationId, c]));
  const outcomeOf = new Map(checks.map((c) => [c.distributorOrganisationId, c.outcome ?? ('pending' as const)]));
  const rows: StatusRow[] = lotRows.map((r) => {
    const c = byOrg.get(r.organisation_id)!;
    const answered = c.version > 0;
    // A lot left out of an acknowledgement counts as nothing reported for it.
    const n = (v: number | null) => (answered ? (r.has_lot ? v : 0) : null);
    const onHand = n(r.on_hand);
    const key = stockKey(r.organisation_id, r.gtin, r.lot);
    const first = stock.first.get(key);
    return {
      organisationId: r.organisation_id,
      consignee: c.name,
      erpId: r.erp_id,
      recipients: c.recipients,
      noticeSentAt: r.notice_sent_at,
      delivery: c.delivery,
      firstOpenedAt: c.firstOpenedAt,
      acknowledgedAt: c.acknowledgedAt,
      version: c.version,
      holdsStock: c.holdsStock,
      quarantineConfirmedAt: c.quarantineConfirmedAt,
      followUpLevel: c.followUpLevel,
      gtin: r.gtin,
      lot: r.lot,
      shipped: r.shipped,
      received: n(r.received),
      onHand,
      quarantined: n(r.quarantined),
      returned: n(r.returned),
      destroyed: n(r.destroyed),
      distributed: n(r.distributed),
      corrected: answered ? (stock.corrected.get(key) ?? 0) : null,
      receivedAtFirstReply: answered ? (first?.received ?? 0) : null,
      onHandAtFirstReply: answered ? (first?.onHand ?? 0) : null,
      accountedFor: answered ? (onHand ?? 0) + (n(r.returned) ?? 0) + (n(r.destroyed) ?? 0) + (n(r.distributed) ?? 0) + (stock.corrected.get(key) ?? 0) : null,
      effectivenessOutcome: outcomeOf.get(r.organisation_id) ?? null,
    };
  });

  const { counts, lots, recall } = dashboard;
  const sum = (pick: (l: (typeof lots)[number]) => number) => lots.reduce((s, l) => s + pick(l), 0);
  const sumRows = (pick: (r: StatusRow) => number | null) => rows.reduce((s, r) => s + (pick(r) ?? 0), 0);
  const checked = checks.filter((c) => c.outcome !== null);
  const status: CompletionStatus =
    counts.consignees > 0 && counts.acknowledged === counts.consignees ? 'complete' : recall.responseDeadline && recall.responseDeadline < dashboard.asOf ? 'overdue' : 'open';

  return {
    dashboard,
    rows,
    checks,
    figures: {
      notified: {
        count: counts.notified,
        consignees: counts.consignees,
        withoutAddress: counts.withoutAddress,
        date: recall.noticesSentAt,
        methods: notificationMethods(counts.channels),
        delivered: counts.delivered,
        bounced: counts.bounced,
        kept: counts.kept,
      },
      responding: { count: counts.acknowledged, onHand: sum((l) => l.onHand), quarantined: sum((l) => l.quarantined), noStock: counts.noStock },
      stock: {
        firstReceived: sumRows((r) => r.receivedAtFirstReply),
        firstOnHand: sumRows((r) => r.onHandAtFirstReply),
        latestReceived: sumRows((r) => r.received),
        latestOnHand: sumRows((r) => r.onHand),
      },
      notResponding: {
        count: dashboard.nonResponders.length,
        overdue: counts.overdue,
        ...(options.nonResponderNames === false ? {} : { names: dashboard.nonResponders.map((c) => c.name) }),
      },
      accounted: {
        shipped: sum((l) => l.shipped),
        accountedFor: sum((l) => l.accountedFor),
        returned: sum((l) => l.returned),
        destroyed: sum((l) => l.destroyed),
        distributed: sum((l) => l.distributed),
        onHand: sum((l) => l.onHand),
        corrected: sumRows((r) => r.corrected),
      },
      effectiveness: {
        level: recall.effectivenessLevel,
        sampleSize: sampleSize(recall.effectivenessLevel, counts.consignees, await recallEffectivenessPercent(ctx.db, recall.id)),
        drawn: checks.length,
        checked: checked.length,
        effective: checked.filter((c) => c.outcome === 'effective').length,
        ineffective: checked.filter((c) => c.outcome === 'ineffective').length,
      },
      completion: { estimatedOn: stock.estimatedCompletionOn, allRespondedBy: recall.responseDeadline, status },
    },
  };
}
