import type { UseCaseContext } from '../../context.ts';
import type { ExpiryWarning } from './certificate-expiry.ts';
import { authoriseOperator, type Operator } from '../../auth/operator.ts';
import { readPartnerCertificates, type PartnerCertificate } from './partner-certificates.ts';
import { partnerFromRow, partnerSelect, type EdiPartner, type PartnerRow } from './partner-profile.ts';

export interface ListedPartner extends EdiPartner {
  /** Current certificates (removed ones are left out), newest first. */
  certificates: PartnerCertificate[];
  /** The warning of the best current certificate ('none' when the partner has none at all). */
  certificateWarning: ExpiryWarning | 'none';
}

// From best to worst: a partner is as well off as its best current certificate.
const rank: ExpiryWarning[] = [null, 'expiring', 'not_yet_valid', 'expired'];

/** The partner's warning: that of its best current certificate ('none' when it has none). */
export function partnerCertificateWarning(certs: PartnerCertificate[]): ListedPartner['certificateWarning'] {
  if (certs.length === 0) return 'none';
  return rank[Math.min(...certs.map((c) => rank.indexOf(c.validity.warning)))] ?? null;
}

/** Every EDI partner with its current certificates and their expiry warnings (expired, under 30 days). */
export async function listPartners(ctx: UseCaseContext, by: Operator): Promise<ListedPartner[]> {
  authoriseOperator(by);
  const now = ctx.clock.now();
  const rows = await ctx.db.all<PartnerRow>(`${partnerSelect} ORDER BY o.name, p.as2_id`);
  const certs = await readPartnerCertificates(ctx.db, rows.map((r) => r.id), now);
  return rows.map((r) => {
    const current = certs.get(r.id)!.filter((c) => c.removedAt === null);
    return { ...partnerFromRow(r), certificates: current, certificateWarning: partnerCertificateWarning(current) };
  });
}
