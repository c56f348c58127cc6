import type { FilesContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError, isAppError, problem, refusal, type Problems } from '../errors.ts';
import { checkUpload, sanitiseFilename, storeUploads, type CheckedUpload, type UploadLimits } from '../files/store-upload.ts';
import { newId } from '../ids.ts';
import { recordSignature, type Signature } from '../signatures/record-signature.ts';
import { verifySigner, type SignerCredential } from '../signatures/verify-signer.ts';
import { checkPackage, type CheckedReport, type PackageUpload } from './check-report.ts';
import { approveValidationReports } from './validation-permissions.ts';
import { getValidationReport, type ValidationReportView } from './list-validation-reports.ts';
import { validationReportHash } from './report-hash.ts';

export { validationReportHash } from './report-hash.ts';

export interface ValidationApprovalInput extends PackageUpload {
  /** Needed when the report failed: why QA approves it nevertheless (the deviation accepted). */
  deviation?: string;
  credential: SignerCredential;
}


/** The package checked, every problem at once by field: the files, the deviation, the password. */
async function checkInput(limits: UploadLimits, input: Omit<ValidationApprovalInput, 'credential'>, password?: string): Promise<{ checked: CheckedReport; pdf: CheckedUpload; deviation: string | null }> {
  const fields: Problems = {};
  let checked: CheckedReport | undefined;
  try {
    checked = checkPackage(input);
  } catch (e) {
    if (!isAppError(e)) throw e;
    Object.assign(fields, e.problems);
  }
  // The PDF is a real PDF within the upload limit (files.* problems), as any uploaded PDF.
  let pdf: CheckedUpload | undefined;
  if (input.pdf && input.pdf.bytes.length && !fields.pdf) {
    try {
      pdf = await checkUpload(limits, input.pdf);
    } catch (e) {
      if (!isAppError(e)) throw e;
      fields.pdf = e.problems?.file ?? problem('files.unreadable');
    }
  }
  if (input.json && input.json.bytes.length > limits.maxBytes && !fields.json) {
    fields.json = problem('files.tooLarge', { max: (limits.maxBytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '') });
  }
  const deviation = input.deviation?.trim() || null;
  if (checked && !checked.report.passed && !deviation) fields.deviation = problem('validationPortal.deviationRequired', { failed: checked.summary.checks.failed + checked.summary.requirements.failed });
  if (deviation && deviation.length > 2000) fields.deviation = problem('common.tooLong', { max: 2000 });
  if (password !== undefined && !password) fields.password = problem('signatures.passwordRequired');
  if (Object.keys(fields).length || !checked || !pdf) throw refusal('invalid_input', 'the validation report cannot be approved as uploaded', fields);
  // A passed report carries no deviation: nothing is accepted against it.
  return { checked, pdf, deviation: checked.report.passed ? null : deviation };
}

/**
 * Everything before the signature, shared by `approveValidationReport` and the first half of
 * signing with a passkey (`startValidationSignature`): QA only, the package checked, not approved
 * before, and the hash over both files' SHA-256, the verdict and the deviation.
 */
export async function prepareValidationApproval(ctx: FilesContext, actor: Actor, limits: UploadLimits, input: Omit<ValidationApprovalInput, 'credential'>, password?: string) {
  approveValidationReports.require(actor);
  const { checked, pdf, deviation } = await checkInput(limits, input, password);
  const refuseIfApproved = async (db: Pick<FilesContext['db'], 'get'>) => {
    const before = await db.get<{ approved_at: string }>(
      'SELECT r.approved_at FROM validation_reports r JOIN stored_files f ON f.id = r.json_file_id WHERE r.organisation_id = ? AND f.sha256 = ?',
      [actor.organisationId, checked.jsonSha256],
    );
    if (before) {
      throw refusal('conflict', 'this validation report was already approved', { json: problem('validationPortal.alreadyApproved', { at: `${before.approved_at.slice(0, 16).replace('T', ' ')} UTC` }) });
    }
  };
  await refuseIfApproved(ctx.db);
  const hash = validationReportHash({
    organisationId: actor.organisationId,
    jsonSha256: checked.jsonSha256,
    pdfSha256: checked.pdfSha256,
    passed: checked.report.passed,
    commit: checked.report.commit,
    generatedAt: checked.report.generatedAt,
    deviation,
  });
  return { checked, pdf, deviation, hash, refuseIfApproved };
}

/**
 * Manufacturer QA uploads a validation package (report.json, report.pdf and the checksums
 * `lotbridge validate` wrote) and approves it with an electronic signature of meaning approval
 * (password or passkey re-authentication), bound to both files' SHA-256 and the report's verdict.
 * A failed report is approved only with the deviation QA accepts stated (signed with it). The
 * package is checked first (the JSON's format and structure, the hashes), the signer
 * re-authenticated outside any transaction, then both files, their rows, the signature, the
 * report row and the audit entry commit together. The same report.json is approved once.
 */
export async function approveValidationReport(
  ctx: FilesContext,
  actor: Actor,
  rp: RelyingParty,
  limits: UploadLimits,
  input: ValidationApprovalInput,
): Promise<{ report: ValidationReportView; signature: Signature }> {
  const { checked, pdf, deviation, hash, refuseIfApproved } = await prepareValidationApproval(
    ctx,
    actor,
    limits,
    input,
    'password' in input.credential ? input.credential.password : undefined,
  );
  const { report, summary } = checked;
  const signer = await verifySigner(ctx, actor, rp, { recordHash: hash, meaning: 'approval', credential: input.credential });

  const json: CheckedUpload = {
    checked: true,
    name: sanitiseFilename(input.json!.name || 'report.json'),
    bytes: input.json!.bytes,
    sha256: checked.jsonSha256,
    sizeBytes: input.json!.bytes.length,
    contentType: 'application/json',
  };
  const id = newId('vrp');
  const { result: signature } = await storeUploads(ctx, actor, [json, pdf], async (tx, [jsonFile, pdfFile]) => {
    await refuseIfApproved(tx);
    const signature = await recordSignature(tx, ctx.clock, actor, signer, {
      entityType: 'validation_report',
      entityId: id,
      recordHash: hash,
      meaning: 'approval',
      reason: deviation ?? undefined,
      requestId: ctx.requestId,
    });
    await tx.run(
      `INSERT INTO validation_reports (id, organisation_id, json_file_id, pdf_file_id, passed, commit_sha, generated_at, summary, deviation, record_hash, signature_id, approved_by, approved_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [id, actor.organisationId, jsonFile!.id, pdfFile!.id, report.passed ? 1 : 0, report.commit, report.generatedAt, JSON.stringify(summary), deviation, hash, signature.id, actor.userId, signature.signedAt],
    );
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: actor.organisationId,
      action: 'validation_report.approved',
      entityType: 'validation_report',
      entityId: id,
      newValues: {
        passed: report.passed,
        commit: report.commit,
        generatedAt: report.generatedAt,
        jsonSha256: checked.jsonSha256,
        pdfSha256: checked.pdfSha256,
        summary,
        signature: signature.id,
        meaning: 'approval',
        recordHash: hash,
      },
      reason: deviation ?? undefined,
      requestId: ctx.requestId,
    });
    return signature;
  });
  const view = await getValidationReport(ctx, actor, id);
  if (!view) throw new AppError('not_found', 'no such validation report');
  return { report: view, signature };
}
