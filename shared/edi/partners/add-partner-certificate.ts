import type { UseCaseContext } from '../../context.ts';
import { recordAudit } from '../../audit/record-audit.ts';
import { AppError, problem, refusal, type Problems } from '../../errors.ts';
import { authoriseOperator, type Operator } from '../../auth/operator.ts';
import {
  certificateAuditValues,
  certificateWarnings,
  checkCertificateUpload,
  currentCertificateId,
  insertPartnerCertificate,
  readPartnerCertificates,
  type CertificateUpload,
  type PartnerCertificate,
} from './partner-certificates.ts';

/**
 * Adds a certificate to a partner beside the ones it has: a partner rolling over sends its
 * next certificate while the current one is still valid, and both stay usable.
 */
export async function addPartnerCertificate(
  ctx: UseCaseContext,
  by: Operator,
  input: { partnerId: string; certificate: CertificateUpload },
): Promise<{ certificate: PartnerCertificate; warnings: string[] }> {
  const { actor } = authoriseOperator(by);
  const now = ctx.clock.now();
  const problems: Problems = {};
  const checked = checkCertificateUpload(input.certificate, 'certificate', now, problems);
  return ctx.db.transaction(async (tx) => {
    const partner = await tx.get<{ id: string; as2_id: string; organisation_id: string }>('SELECT id, as2_id, organisation_id FROM edi_partners WHERE id = ?', [input.partnerId]);
    if (!partner) throw new AppError('not_found', `no EDI partner has the id "${input.partnerId}"`);
    if (checked && (await currentCertificateId(tx, partner.id, checked.parsed.fingerprintSha256))) {
      problems.certificate = problem('partners.certificateTaken', { file: input.certificate.fileName, as2Id: partner.as2_id, fingerprint: checked.parsed.fingerprintSha256 });
    }
    if (!checked || Object.keys(problems).length) throw refusal('invalid_input', `the certificate for partner "${partner.as2_id}" was not added`, problems);
    const nowIso = now.toISOString();
    const id = await insertPartnerCertificate(tx, partner.id, checked, nowIso);
    await tx.run('UPDATE edi_partners SET updated_at = ? WHERE id = ?', [nowIso, partner.id]);
    await recordAudit(tx, ctx.clock, {
      actor,
      organisationId: partner.organisation_id,
      action: 'edi_partner_certificate.added',
      entityType: 'edi_partner_certificate',
      entityId: id,
      newValues: { partnerId: partner.id, as2Id: partner.as2_id, ...certificateAuditValues(checked) },
      requestId: ctx.requestId,
    });
    const certificate = (await readPartnerCertificates(tx, [partner.id], now)).get(partner.id)!.find((c) => c.id === id)!;
    return { certificate, warnings: certificateWarnings([checked], now) };
  });
}
