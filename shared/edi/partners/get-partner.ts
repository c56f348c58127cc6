import type { UseCaseContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { authoriseOperator, type Operator } from '../../auth/operator.ts';
import { readPartnerCertificates, type PartnerCertificate } from './partner-certificates.ts';
import { partnerFromRow, partnerSelect, type EdiPartner, type PartnerRow } from './partner-profile.ts';

/** One partner with all its certificates, removed ones included (they say when they were removed). */
export async function getPartner(ctx: UseCaseContext, by: Operator, input: { partnerId: string }): Promise<EdiPartner & { certificates: PartnerCertificate[] }> {
  authoriseOperator(by);
  const row = await ctx.db.get<PartnerRow>(`${partnerSelect} WHERE p.id = ?`, [input.partnerId]);
  if (!row) throw new AppError('not_found', `no EDI partner has the id "${input.partnerId}"`);
  const certificates = (await readPartnerCertificates(ctx.db, [row.id], ctx.clock.now())).get(row.id)!;
  return { ...partnerFromRow(row), certificates };
}
