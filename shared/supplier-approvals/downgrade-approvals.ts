import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import type { UseCaseContext } from '../context.ts';
import type { AuditActor } from '../audit/entry.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { queueMails } from '../mail/queue-mail.ts';
import { problem, type Problem } from '../errors.ts';
import { isLocale, translate, translateProblem, type Locale } from '../i18n/index.ts';
import { todayIn } from '../time-zone.ts';
import { approvalSelect, perLotTypes, toApproval, typeTerm, type ApprovalRow, type SupplierApproval } from './approval.ts';
import { approvalEventData } from './approval-event.ts';

/** Lotbridge itself downgrades: the audit trail names the system, not a user. */
export const downgradeActor: AuditActor = { type: 'system', name: 'Lotbridge approved supplier list' };

/** The certificate whose expiry or rejection downgrades the entries that require its type. */
export interface DowngradeCause {
  kind: 'certificate_expired' | 'certificate_rejected';
  certificateId: string;
  supplierId: string;
  type: string;
  number: string;
  validTo: string;
}

function scopeText(locale: Locale, a: SupplierApproval): string {
  return a.itemGtin ? `${a.itemGtin}${a.itemDescription ? ` (${a.itemDescription})` : ''}` : translate(locale, 'asl.categoryValue', { category: a.itemCategory ?? '' });
}

/**
 * Inside the caller's transaction: every APPROVED entry of the cause's supplier that requires the
 * certificate's type moves to conditional (guarded: an entry no longer approved is left alone, so
 * a second run or a second instance changes nothing and sends nothing), with the reason as data,
 * audited as the system, mailed to QA and the supplier's users (each in their language) and
 * announced to the ERP (supplier_approval.changed). Returns the entries downgraded.
 */
export async function downgradeApprovals(tx: Tx, clock: Clock, cause: DowngradeCause, requestId?: string, portalUrl?: string): Promise<string[]> {
  const rows = await tx.all<ApprovalRow>(
    `${approvalSelect} WHERE a.supplier_id = ? AND a.status = 'approved' AND EXISTS (SELECT 1 FROM json_each(a.required_certificates) j WHERE j.value = ?)`,
    [cause.supplierId, cause.type],
  );
  const reasonProblem: Problem =
    cause.kind === 'certificate_expired'
      ? problem('asl.downgradeExpired', { type: typeTerm(cause.type), number: cause.number, date: cause.validTo })
      : problem('asl.downgradeRejected', { type: typeTerm(cause.type), number: cause.number });
  const wordReason = (locale: Locale) => translateProblem(locale, reasonProblem);
  const downgraded: string[] = [];
  const now = clock.now().toISOString();
  for (const row of rows) {
    const reason = wordReason('en');
    const changed = await tx.run(
      `UPDATE supplier_approvals SET status = 'conditional', reason = ?, reason_code = ?, reason_params = ?, decided_by = NULL, decided_at = ?, signature_id = NULL
        WHERE id = ? AND status = 'approved'`,
      [reason, reasonProblem.code, JSON.stringify(reasonProblem.params ?? {}), now, row.id],
    );
    if (changed.changes === 0) continue;
    const approval = toApproval((await tx.get<ApprovalRow>(`${approvalSelect} WHERE a.id = ?`, [row.id]))!);
    await recordAudit(tx, clock, {
      actor: downgradeActor,
      organisationId: cause.supplierId,
      action: 'supplier_approval.downgraded',
      entityType: 'supplier_approval',
      entityId: row.id,
      oldValues: { status: 'approved' },
      newValues: { status: 'conditional', cause: cause.kind, certificate: cause.certificateId },
      reason,
      requestId,
    });
    await enqueueEvent(tx, clock, {
      type: 'supplier_approval.changed',
      aggregateType: 'supplier_approval',
      aggregateId: row.id,
      organisationId: cause.supplierId,
      data: approvalEventData(approval, {
        previousStatus: 'approved',
        cause: { kind: cause.kind, certificateId: cause.certificateId, type: cause.type, number: cause.number, validTo: cause.validTo },
      }),
    });
    // QA (every active manufacturer QA user) and the supplier's users, each in the language they last chose.
    const recipients = await tx.all<{ email: string; locale: string | null }>(
      `SELECT DISTINCT u.email, u.locale FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE (m.organisation_id = ? OR m.role = 'manufacturer_qa') AND u.disabled_at IS NULL AND u.kind = 'person' ORDER BY u.email`,
      [cause.supplierId],
    );
    const base = portalUrl?.replace(/\/$/, '');
    await queueMails(
      tx,
      clock,
      recipients.map((u) => {
        const locale: Locale = isLocale(u.locale) ? u.locale : 'en';
        const params = { supplier: approval.supplier.name, scope: scopeText(locale, approval), cause: wordReason(locale) };
        const lines = [translate(locale, 'asl.mail.downgraded.body', params)];
        if (base) lines.push(translate(locale, 'supplierMail.link', { url: `${base}/approved-suppliers/${approval.id}` }));
        lines.push(translate(locale, 'mail.footer'));
        return {
          to: u.email,
          subject: translate(locale, 'asl.mail.downgraded.subject', params),
          text: lines.join('\n\n'),
          locale,
          purpose: 'supplier_approval.downgraded',
          organisationId: cause.supplierId,
          entity: { type: 'supplier_approval', id: approval.id },
        };
      }),
    );
    downgraded.push(row.id);
  }
  return downgraded;
}

/**
 * The scheduler's pass: every approved entry that requires a certificate type held per supplier
 * (not a per-lot CoC / CoA) whose supplier's approved certificates of that type have all expired
 * (judged by the supplier's calendar) is downgraded, each in its own transaction. A supplier
 * that never held such a certificate is not downgraded here (its lots are flagged instead).
 */
export async function downgradeForExpiredCertificates(ctx: UseCaseContext, options: { portalUrl?: string } = {}): Promise<string[]> {
  const candidates = await ctx.db.all<{ supplier_id: string; type: string; time_zone: string }>(
    `SELECT DISTINCT a.supplier_id, j.value AS type, o.time_zone FROM supplier_approvals a, json_each(a.required_certificates) j
       JOIN organisations o ON o.id = a.supplier_id
      WHERE a.status = 'approved' AND j.value NOT IN (${perLotTypes.map(() => '?').join(', ')})`,
    [...perLotTypes],
  );
  const out: string[] = [];
  for (const c of candidates) {
    const today = todayIn(c.time_zone, ctx.clock.now());
    const latest = await ctx.db.get<{ id: string; number: string; valid_to: string }>(
      "SELECT id, number, valid_to FROM certificates WHERE organisation_id = ? AND type = ? AND state = 'approved' ORDER BY valid_to DESC LIMIT 1",
      [c.supplier_id, c.type],
    );
    if (!latest || latest.valid_to >= today) continue;
    const cause: DowngradeCause = { kind: 'certificate_expired', certificateId: latest.id, supplierId: c.supplier_id, type: c.type, number: latest.number, validTo: latest.valid_to };
    out.push(...(await ctx.db.transaction((tx) => downgradeApprovals(tx, ctx.clock, cause, ctx.requestId, options.portalUrl))));
  }
  return out;
}
