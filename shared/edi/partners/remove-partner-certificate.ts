import type { UseCaseContext } from '../../context.ts';
import { recordAudit } from '../../audit/record-audit.ts';
import { AppError } from '../../errors.ts';
import { authoriseOperator, type Operator } from '../../auth/operator.ts';

/**
 * Stops using a partner certificate: the row stays with its removal time (a message verified
 * with it stays explainable), so removal is a timestamp, never a DELETE.
 */
export async function removePartnerCertificate(
  ctx: UseCaseContext,
  by: Operator,
  input: { partnerId: string; certificateId: string; reason?: string },
): Promise<{ removedAt: string }> {
  const { actor } = authoriseOperator(by);
  const now = ctx.clock.now().toISOString();
  return ctx.db.transaction(async (tx) => {
    const cert = await tx.get<{ id: string; fingerprint_sha256: string; subject: string; removed_at: string | null; as2_id: string; organisation_id: string }>(
      `SELECT c.id, c.fingerprint_sha256, c.subject, c.removed_at, p.as2_id, p.organisation_id
         FROM edi_partner_certificates c JOIN edi_partners p ON p.id = c.partner_id WHERE c.id = ? AND c.partner_id = ?`,
      [input.certificateId, input.partnerId],
    );
    if (!cert) throw new AppError('not_found', `partner ${input.partnerId} has no certificate ${input.certificateId}`);
    if (cert.removed_at) throw new AppError('conflict', `certificate "${cert.subject}" of partner "${cert.as2_id}" was already removed at ${cert.removed_at}`);
    await tx.run('UPDATE edi_partner_certificates SET removed_at = ? WHERE id = ?', [now, cert.id]);
    await tx.run('UPDATE edi_partners SET updated_at = ? WHERE id = ?', [now, input.partnerId]);
    await recordAudit(tx, ctx.clock, {
      actor,
      organisationId: cert.organisation_id,
      action: 'edi_partner_certificate.removed',
      entityType: 'edi_partner_certificate',
      entityId: cert.id,
      oldValues: { removedAt: null },
      newValues: { partnerId: input.partnerId, as2Id: cert.as2_id, fingerprintSha256: cert.fingerprint_sha256, subject: cert.subject, removedAt: now },
      reason: input.reason?.trim() || undefined,
      requestId: ctx.requestId,
    });
    return { removedAt: now };
  });
}
