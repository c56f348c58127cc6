import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { requireRole } from '../auth/actor.ts';
import { certificateScope, type CertificateType } from './certificate.ts';
import { addDays, daysLeft, expiryHorizonDays, utcDay } from './expiry.ts';

export interface ExpiringCertificate {
  id: string;
  seriesId: string;
  version: number;
  type: CertificateType;
  number: string;
  issuer: string;
  validTo: string;
  /** Whole UTC days to validTo: 0 on its last valid day, negative once expired. */
  daysLeft: number;
  expired: boolean;
  /** Expired for longer than the grace period. */
  pastGrace: boolean;
  /** A newer version of the series waits for QA's decision. */
  renewalPending: boolean;
}

export interface SupplierExpiry {
  organisationId: string;
  name: string;
  erpId: string | null;
  expiring: number;
  expired: number;
  /** At least one certificate expired more than the grace period ago. */
  flagged: boolean;
  certificates: ExpiringCertificate[];
}

export interface CertificateExpiryList {
  /** The UTC day the list was computed for. */
  today: string;
  graceDays: number;
  /** Flagged suppliers first, then by their most urgent certificate. */
  suppliers: SupplierExpiry[];
}

/**
 * Approved (current) certificate versions that expire within 90 days or have expired, grouped
 * by supplier, with days left or overdue; a supplier is flagged once one of its certificates
 * has been expired for more than `graceDays` (CERTIFICATE_GRACE_DAYS). Manufacturer QA and
 * administrators see every supplier, a supplier user only its own organisation. `expiredOnly`:
 * only the suppliers with an expired certificate.
 */
export async function listCertificateExpiry(ctx: UseCaseContext, actor: Actor, options: { graceDays: number; expiredOnly?: boolean }): Promise<CertificateExpiryList> {
  requireRole(actor, 'supplier_user', 'manufacturer_qa', 'manufacturer_admin');
  const scope = certificateScope(actor)!;
  const today = utcDay(ctx.clock.now());
  const rows = await ctx.db.all<{
    id: string;
    series_id: string;
    version: number;
    type: CertificateType;
    number: string;
    issuer: string;
    valid_to: string;
    organisation_id: string;
    supplier_name: string;
    supplier_erp_id: string | null;
    renewal_pending: number;
  }>(
    `SELECT c.id, c.series_id, c.version, c.type, c.number, c.issuer, c.valid_to, c.organisation_id, o.name AS supplier_name, o.erp_id AS supplier_erp_id,
            EXISTS (SELECT 1 FROM certificates n WHERE n.series_id = c.series_id AND n.version > c.version AND n.state = 'submitted') AS renewal_pending
       FROM certificates c JOIN organisations o ON o.id = c.organisation_id
      WHERE c.state = 'approved' AND c.valid_to <= ? AND ${scope.sql}
      ORDER BY c.valid_to, c.id`,
    [addDays(today, expiryHorizonDays), ...scope.args],
  );
  const bySupplier = new Map<string, SupplierExpiry>();
  for (const r of rows) {
    const left = daysLeft(r.valid_to, today);
    const expired = left < 0;
    const pastGrace = expired && -left > options.graceDays;
    let supplier = bySupplier.get(r.organisation_id);
    if (!supplier) {
      supplier = { organisationId: r.organisation_id, name: r.supplier_name, erpId: r.supplier_erp_id, expiring: 0, expired: 0, flagged: false, certificates: [] };
      bySupplier.set(r.organisation_id, supplier);
    }
    if (expired) supplier.expired++;
    else supplier.expiring++;
    if (pastGrace) supplier.flagged = true;
    supplier.certificates.push({
      id: r.id,
      seriesId: r.series_id,
      version: r.version,
      type: r.type,
      number: r.number,
      issuer: r.issuer,
      validTo: r.valid_to,
      daysLeft: left,
      expired,
      pastGrace,
      renewalPending: Boolean(r.renewal_pending),
    });
  }
  // Rows come ordered by valid_to, so each supplier's first certificate is its most urgent.
  const suppliers = [...bySupplier.values()].filter((s) => !options.expiredOnly || s.expired > 0).sort(
    (a, b) => Number(b.flagged) - Number(a.flagged) || a.certificates[0]!.daysLeft - b.certificates[0]!.daysLeft || a.name.localeCompare(b.name),
  );
  return { today, graceDays: options.graceDays, suppliers };
}
