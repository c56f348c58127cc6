import type { FilesContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { checkAttachment, storeUpload, type Upload, type UploadLimits } from '../files/store-upload.ts';
import { newId } from '../ids.ts';
import type { Tx } from '../db/index.ts';
import { problem, refusal } from '../errors.ts';
import { answerScars } from './scar-record.ts';
import { findSupplierStep, refuseUnlessAnswerable } from './submit-scar-answer.ts';

/** Evidence kept per step at most: uploads are never deleted, so without a bound one supplier could fill the file storage. */
export const maxEvidence = 20;

export interface ScarEvidence {
  id: string;
  step: string;
  fileName: string;
  sha256: string;
  sizeBytes: number;
  /** As judged by content at upload: application/pdf, image/png, image/jpeg or text/csv. */
  contentType: string;
  uploadedAt: string;
}

/** Refused as data on `file` when the step already holds maxEvidence files. */
async function refuseIfFull(db: Tx, scarId: string, step: string): Promise<void> {
  const kept = (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM scar_evidence WHERE scar_id = ? AND step = ?', [scarId, step]))!.n;
  if (kept >= maxEvidence) throw refusal('invalid_input', `${step} already holds ${kept} evidence files`, { file: problem('scar-rules.tooManyEvidence', { max: maxEvidence }) });
}

/**
 * The SCAR's supplier uploads evidence (a PDF, a PNG or JPEG photo or a CSV table, judged by its
 * content and named as it is: `checkAttachment`, as a lot inspection's files) to a step it may
 * still answer (at most maxEvidence per step), stored through FileStorage (stored_files) and kept (scar_evidence, no delete).
 * Audited. Problems as data under `file` (files.*) and `step`; another supplier's SCAR is not_found.
 */
export async function uploadScarEvidence(
  ctx: FilesContext,
  actor: Actor,
  limits: UploadLimits,
  input: { scarId: string; step: string; file: Upload },
): Promise<ScarEvidence> {
  answerScars.require(actor);
  const found = await findSupplierStep(ctx.db, actor, input.scarId, input.step);
  refuseUnlessAnswerable(found.scar, found.step);
  await refuseIfFull(ctx.db, found.scar.id, found.step.step);
  const checked = await checkAttachment(limits, input.file);
  const { result } = await storeUpload(ctx, actor, limits, checked, async (tx, file) => {
    // Again under the write lock: the step may have been submitted or the SCAR cancelled meanwhile.
    const { scar, step } = await findSupplierStep(tx, actor, input.scarId, input.step);
    refuseUnlessAnswerable(scar, step);
    await refuseIfFull(tx, scar.id, step.step);
    const id = newId('scev');
    await tx.run('INSERT INTO scar_evidence (id, scar_id, step, file_id, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?)', [id, scar.id, step.step, file.id, actor.userId, file.uploadedAt]);
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: scar.supplier_id,
      action: 'scar.evidence_added',
      entityType: 'scar',
      entityId: scar.id,
      newValues: { step: step.step, evidence: id, file: file.id, name: file.originalName, sha256: file.sha256, sizeBytes: file.sizeBytes, contentType: file.contentType },
      requestId: ctx.requestId,
    });
    return { id, step: step.step, fileName: file.originalName, sha256: file.sha256, sizeBytes: file.sizeBytes, contentType: file.contentType, uploadedAt: file.uploadedAt };
  });
  return result;
}
