import type { UseCaseContext } from '../context.ts';
import { requireRole, type Actor } from '../auth/actor.ts';
import { listCertificates } from '../certificates/list-certificates.ts';
import { listCertificateExpiry } from '../certificates/list-certificate-expiry.ts';
import { addDays, utcDay } from '../certificates/expiry.ts';
import { listRecalls, type RecallQuery, type StaffRecallItem } from '../recalls/list-recalls.ts';
import { listNmpaAttention } from '../recalls/nmpa-timeline.ts';
import { unapprovedOrders } from '../supplier-approvals/unapproved-orders.ts';
import { listLots } from '../lots/list-lots.ts';
import { validationDriftEntry } from '../validation/drift-work-entry.ts';
import { qaScarWork } from './scar-work.ts';
import { firstFew, listHref, type WorkDate, type WorkEntry, type WorkKind, type WorkList } from './work-list.ts';

/** Accounts locked after repeated failed sign-ins are the security alerts (list-security-alerts.ts). */
const lockedAction = 'auth.account_locked';
/** Security alerts are counted from the start of the UTC day this many days ago (the audit page filters by day). */
export const alertDays = 7;

/**
 * Manufacturer QA's work, first the CN-NMPA recalls whose notification limit (医疗器械召回管理办法
 * 第十四条) is at risk or passed with consignees not notified; then certificates waiting for review (oldest first), recalls to review and
 * release, open recalls, open recalls with replies overdue or distributors escalated to,
 * suppliers with an expired certificate, and the security alerts (accounts locked) of the last
 * week. Manufacturer staff see every supplier's and distributor's records.
 */
export async function qaWorkList(ctx: UseCaseContext, actor: Actor, options: { graceDays: number }): Promise<WorkList> {
  requireRole(actor, 'manufacturer_qa');
  const review = await listCertificates(ctx, actor, { state: 'submitted', sort: 'submitted', order: 'asc', pageSize: firstFew });
  const expired = await listCertificateExpiry(ctx, actor, { ...options, expiredOnly: true });
  const now = ctx.clock.now().toISOString();

  async function recalls(kind: WorkKind, query: RecallQuery, when: WorkDate, overdue: (r: StaffRecallItem) => boolean): Promise<WorkEntry> {
    const list = await listRecalls(ctx, actor, { ...query, pageSize: firstFew });
    const items = list.view === 'staff' ? list.items : [];
    return {
      kind,
      count: list.total,
      href: listHref('/recalls', query as Record<string, string>),
      items: items.map((r) => ({ id: r.id, label: r.recallNumber, date: when === 'issued' ? r.issuedAt : r.responseDeadline, when, overdue: overdue(r), href: `/recalls/${r.id}` })),
    };
  }
  const deadlinePassed = (r: StaffRecallItem) => r.responseDeadline !== null && r.responseDeadline < now;

  const since = addDays(utcDay(ctx.clock.now()), -alertDays);
  const alerts = await ctx.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM audit_log WHERE action = ? AND at >= ?', [lockedAction, `${since}T00:00:00.000Z`]);
  const latestAlerts = await ctx.db.all<{ seq: number; at: string; email: string | null; entity_id: string | null }>(
    `SELECT a.seq, a.at, u.email, a.entity_id FROM audit_log a LEFT JOIN users u ON u.id = a.entity_id
      WHERE a.action = ? AND a.at >= ? ORDER BY a.seq DESC LIMIT ?`,
    [lockedAction, `${since}T00:00:00.000Z`, firstFew],
  );

  const nmpa = await listNmpaAttention(ctx, actor);
  // Lots waiting for incoming inspection, the longest waiting first.
  const toInspect = await listLots(ctx, actor, { state: 'submitted', sort: 'submitted', order: 'asc', pageSize: firstFew });

  return {
    entries: [
      {
        kind: 'recallsNmpaAtRisk',
        count: nmpa.length,
        href: nmpa.length === 1 ? `/recalls/${nmpa[0]!.recallId}` : listHref('/recalls', { state: 'open' }),
        items: nmpa.slice(0, firstFew).map((r) => ({ id: r.recallId, label: r.recallNumber, date: r.notifyBy, when: 'due', overdue: r.status === 'overdue', href: `/recalls/${r.recallId}` })),
      },
      {
        kind: 'certificatesToReview',
        count: review.total,
        href: listHref('/certificates', { state: 'submitted', sort: 'submitted', order: 'asc' }),
        items: review.items.map((c) => ({ id: c.id, label: `${c.number} · ${c.supplier.name}`, date: c.submittedAt, when: 'submitted', overdue: false, href: `/certificates/${c.id}` })),
      },
      {
        kind: 'lotsToInspect',
        count: toInspect.total,
        href: listHref('/lots', { state: 'submitted', order: 'asc' }),
        items: toInspect.items.map((l) => ({ id: l.id, label: `${l.lot} · ${l.supplier.name}`, date: l.submittedAt, when: 'submitted', overdue: false, href: `/lots/${l.id}` })),
      },
      await recalls('recallsToRelease', { state: 'received' }, 'issued', () => false),
      await recalls('recallsOverdue', { attention: 'overdue' }, 'deadline', () => true),
      await recalls('recallsEscalated', { attention: 'escalated' }, 'deadline', deadlinePassed),
      await recalls('recallsOpen', { state: 'open' }, 'deadline', () => false),
      {
        kind: 'suppliersExpired',
        count: expired.suppliers.length,
        href: listHref('/certificates/expiry', { expired: '1' }),
        items: expired.suppliers.slice(0, firstFew).map((s) => {
          const first = s.certificates.find((c) => c.expired)!;
          return { id: s.organisationId, label: s.name, date: first.validTo, when: 'expired', overdue: true, href: null };
        }),
      },
      await unapprovedOrders(ctx, firstFew),
      ...(await qaScarWork(ctx, actor)),
      // The nightly self-check found drift: the installation or its data is no longer as validated.
      await validationDriftEntry(ctx.db),
      {
        kind: 'securityAlerts',
        count: alerts?.n ?? 0,
        href: listHref('/audit', { action: lockedAction, from: since }),
        items: latestAlerts.map((a) => ({ id: String(a.seq), label: a.email ?? a.entity_id ?? '?', date: a.at, when: 'locked', overdue: false, href: null })),
      },
    ],
  };
}
