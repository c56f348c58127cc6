// QA's decision on a submitted certificate version, shared by approve-certificate.ts and
// reject-certificate.ts (and the passkey challenge of start-certificate-signature.ts).
import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { asAuditActor } from '../auth/actor.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { queueSubmissionMails } from '../mail/queue-submission-mails.ts';
import { translate, type MessageKey } from '../i18n/index.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { AppError, problem, refusal } from '../errors.ts';
import type { SignatureMeaning } from '../signatures/record-hash.ts';
import { verifySigner, type SignerCredential } from '../signatures/verify-signer.ts';
import { recordSignature, type Signature } from '../signatures/record-signature.ts';
import { decideCertificates, decisionConflict } from './certificate-permissions.ts';
import { downgradeApprovals } from '../supplier-approvals/downgrade-approvals.ts';
import { certificateEventData, certificateSelect, toCertificate, type Certificate, type CertificateRow } from './certificate.ts';

export type CertificateDecision = 'approved' | 'rejected';

/** What signing each decision means (21 CFR 11.50(a)(3)). */
export const decisionMeaning: Record<CertificateDecision, SignatureMeaning> = { approved: 'approval', rejected: 'rejection' };

async function loadCertificate(db: UseCaseContext['db'], id: string): Promise<Certificate | undefined> {
  const row = await db.get<CertificateRow>(`${certificateSelect} WHERE c.id = ?`, [id]);
  return row && toCertificate(row);
}

/**
 * The version QA is about to sign, refused unless the caller is manufacturer QA, it waits
 * for a decision, its stored content still has its record hash, and that hash is the one
 * the reviewer saw (`expectedHash`): a signature is only ever applied to the exact version
 * that was reviewed.
 */
export async function certificateForDecision(ctx: UseCaseContext, actor: Actor, certificateId: string, expectedHash: string): Promise<Certificate> {
  decideCertificates.require(actor);
  const certificate = await loadCertificate(ctx.db, certificateId);
  if (!certificate) throw new AppError('not_found', 'no such certificate');
  refuseUnlessDecidable(certificate, expectedHash);
  return certificate;
}

function refuseUnlessDecidable(certificate: Certificate, expectedHash: string): void {
  const conflict = decisionConflict(certificate);
  if (conflict) throw conflict;
  if (expectedHash !== certificate.recordHash) {
    throw new AppError('conflict', 'the certificate version changed since you opened it: review it again before signing');
  }
}

/**
 * Applies QA's decision with an electronic signature: re-authenticates the signer first
 * (outside any transaction, so a wrong password is counted even though nothing else is
 * written), then in ONE transaction moves the state, writes the signature bound to the record
 * hash, audits both and puts the event in the outbox. On approval the series' previously
 * approved version becomes superseded.
 */
export async function decideCertificate(
  ctx: UseCaseContext,
  actor: Actor,
  rp: RelyingParty,
  input: { certificateId: string; recordHash: string; decision: CertificateDecision; reason?: string; credential: SignerCredential; portalUrl?: string },
): Promise<{ certificate: Certificate; signature: Signature }> {
  decideCertificates.require(actor);
  const reason = input.reason?.trim() || undefined;
  if (input.decision === 'rejected' && !reason) throw refusal('invalid_input', 'a rejection needs a reason', { reason: problem('certificates.reasonRequired') });
  if (reason && reason.length > 2000) throw refusal('invalid_input', 'the reason is too long', { reason: problem('common.tooLong', { max: 2000 }) });
  const before = await certificateForDecision(ctx, actor, input.certificateId, input.recordHash);
  const meaning = decisionMeaning[input.decision];
  // An empty password is a form left blank, not a wrong password: it is not counted.
  if ('password' in input.credential && !input.credential.password) {
    throw refusal('invalid_input', 'enter your password or sign with a passkey', { password: problem('certificates.passwordRequired') });
  }

  const signer = await verifySigner(ctx, actor, rp, { recordHash: before.recordHash, meaning, credential: input.credential });

  return ctx.db.transaction(async (tx) => {
    // Checked again under the write lock: another reviewer may have decided meanwhile.
    const currentRow = await tx.get<CertificateRow>(`${certificateSelect} WHERE c.id = ?`, [before.id]);
    if (!currentRow) throw new AppError('not_found', 'no such certificate');
    refuseUnlessDecidable(toCertificate(currentRow), before.recordHash);

    const signature = await recordSignature(tx, ctx.clock, actor, signer, {
      entityType: 'certificate',
      entityId: before.id,
      recordHash: before.recordHash,
      meaning,
      reason,
      requestId: ctx.requestId,
    });
    // The decision takes the time of its signature: one instant for both.
    const now = signature.signedAt;
    await tx.run("UPDATE certificates SET state = ?, state_reason = ?, decided_at = ?, decided_by = ? WHERE id = ? AND state = 'submitted'", [
      input.decision,
      reason ?? null,
      now,
      actor.userId,
      before.id,
    ]);
    const certificate = toCertificate((await tx.get<CertificateRow>(`${certificateSelect} WHERE c.id = ?`, [before.id]))!);
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: certificate.supplier.organisationId,
      action: `certificate.${input.decision}`,
      entityType: 'certificate',
      entityId: certificate.id,
      oldValues: { state: 'submitted' },
      newValues: { state: input.decision, signature: signature.id, meaning, recordHash: certificate.recordHash },
      reason,
      requestId: ctx.requestId,
    });
    const manifestation = { signerName: signature.signerName, meaning: signature.meaning, signedAt: signature.signedAt, method: signature.method };
    await enqueueEvent(tx, ctx.clock, {
      type: `certificate.${input.decision}`,
      aggregateType: 'certificate',
      aggregateId: certificate.seriesId,
      organisationId: certificate.supplier.organisationId,
      data: certificateEventData(certificate, { decidedAt: now, signature: manifestation, ...(reason ? { reason } : {}) }),
    });
    // The supplier's users hear of the decision (unless they turned that off), with the decision.
    await queueSubmissionMails(tx, ctx.clock, {
      purpose: `certificate.${input.decision}`,
      organisationId: certificate.supplier.organisationId,
      entity: { type: 'certificate', id: certificate.id },
      params: (locale) => ({
        type: translate(locale, `mail.kind.${certificate.type}` as MessageKey),
        number: certificate.number,
        version: certificate.version,
        manufacturer: actor.organisationName,
        date: `${now.slice(0, 16).replace('T', ' ')}`,
        reason: reason ?? translate(locale, 'supplierMail.noReason'),
      }),
      path: `/certificates/${certificate.id}`,
      portalUrl: input.portalUrl,
    });

    // A rejected certificate the approved supplier list requires moves the supplier's approved entries to conditional.
    if (input.decision === 'rejected') {
      await downgradeApprovals(
        tx,
        ctx.clock,
        { kind: 'certificate_rejected', certificateId: certificate.id, supplierId: certificate.supplier.organisationId, type: certificate.type, number: certificate.number, validTo: certificate.validTo },
        ctx.requestId,
        input.portalUrl,
      );
    }
    if (input.decision === 'approved') {
      const previous = await tx.all<CertificateRow>(`${certificateSelect} WHERE c.series_id = ? AND c.state = 'approved' AND c.id != ? ORDER BY c.version`, [
        certificate.seriesId,
        certificate.id,
      ]);
      for (const row of previous) {
        const why = `superseded by version ${certificate.version}, approved`;
        await tx.run("UPDATE certificates SET state = 'superseded', state_reason = ? WHERE id = ? AND state = 'approved'", [why, row.id]);
        await recordAudit(tx, ctx.clock, {
          actor: asAuditActor(actor),
          organisationId: row.organisation_id,
          action: 'certificate.superseded',
          entityType: 'certificate',
          entityId: row.id,
          oldValues: { state: 'approved' },
          newValues: { state: 'superseded', supersededBy: certificate.id, supersededByVersion: certificate.version },
          reason: why,
          requestId: ctx.requestId,
        });
        await enqueueEvent(tx, ctx.clock, {
          type: 'certificate.superseded',
          aggregateType: 'certificate',
          aggregateId: row.series_id,
          organisationId: row.organisation_id,
          data: certificateEventData(toCertificate({ ...row, state: 'superseded' }), { supersededBy: { certificateId: certificate.id, version: certificate.version } }),
        });
      }
    }
    return { certificate, signature };
  });
}
