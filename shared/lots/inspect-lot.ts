import type { FilesContext } from '../context.ts';
import type { Tx } from '../db/index.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { queueSubmissionMails } from '../mail/queue-submission-mails.ts';
import type { SignatureMeaning } from '../signatures/record-hash.ts';
import { verifySigner, type SignerCredential } from '../signatures/verify-signer.ts';
import { recordSignature, type Signature } from '../signatures/record-signature.ts';
import { AppError, isAppError, problem, refusal, type Problems } from '../errors.ts';
import { checkAttachment, putFiles, recordStoredFile, removeFiles, type CheckedUpload, type Upload, type UploadLimits } from '../files/store-upload.ts';
import { newId } from '../ids.ts';
import { decisionValues, inspectionHash, type InspectionDecision } from './inspection-hash.ts';

export { inspectionHash, type AttachedFile, type InspectionDecision } from './inspection-hash.ts';
import { inspectLots } from './lot-permissions.ts';
import { inspectionOutcomes, lotEventData, lotRecordHash, lotSelect, toLot, type InspectionOutcome, type Lot, type LotRow } from './lot.ts';

/** One measured characteristic of the sample, as QA names it. */
export interface Measurement {
  name: string;
  value: string;
  unit: string;
  withinSpec: boolean;
}

export interface InspectionInput {
  lotId: string;
  outcome: string;
  sampleSize: number;
  defectsFound: number;
  measurements: Measurement[];
  /** Accepted with deviation: what is accepted although out of specification. */
  deviation?: string;
  /** Rejected: why. */
  reason?: string;
  /** Files QA attaches to the decision (photos, measurement reports, PDFs), each within the upload limits. */
  attachments?: { uploads: UploadLimits; files: Upload[] };
}

/** What each outcome's signature means (21 CFR 11.50(a)(3)). */
const meaningOf: Record<InspectionOutcome, SignatureMeaning> = { accepted: 'approval', accepted_with_deviation: 'approval', rejected: 'rejection' };
export const maxMeasurements = 50;
export const maxAttachments = 10;

/** The attachments checked by content (`checkAttachment`); a problem on `attachments` for too many or the first bad one. */
async function checkAttachments(input: InspectionInput['attachments'], fields: Problems): Promise<CheckedUpload[]> {
  const files = input?.files ?? [];
  if (files.length > maxAttachments) {
    fields.attachments = problem('qualityRelease.tooManyFiles', { max: maxAttachments });
    return [];
  }
  const checked: CheckedUpload[] = [];
  for (const file of files) {
    try {
      checked.push(await checkAttachment(input!.uploads, file));
    } catch (e) {
      if (!isAppError(e) || !e.problems?.file) throw e;
      fields.attachments = e.problems.file;
      return [];
    }
  }
  return checked;
}

/**
 * The decision as QA signs it, checked: every problem at once as field problems
 * (`measurements/<i>/<field>` for a measurement).
 */
export function checkInspection(input: InspectionInput, lot: Pick<Lot, 'quantity'>): InspectionDecision {
  const fields: Problems = {};
  const outcome = inspectionOutcomes.find((o) => o === input.outcome);
  if (!outcome) fields.outcome = problem('lotInspection.outcomeRequired');
  const { sampleSize, defectsFound } = input;
  if (!Number.isInteger(sampleSize) || sampleSize < 1 || sampleSize > lot.quantity) fields.sampleSize = problem('lotInspection.sampleSize', { max: lot.quantity });
  if (!Number.isInteger(defectsFound) || defectsFound < 0) fields.defectsFound = problem('lotInspection.defectsFound');
  else if (Number.isInteger(sampleSize) && defectsFound > sampleSize) fields.defectsFound = problem('lotInspection.defectsOverSample', { sample: sampleSize });
  const deviation = input.deviation?.trim() || null;
  const reason = input.reason?.trim() || null;
  if (outcome === 'accepted_with_deviation' && !deviation) fields.deviation = problem('lotInspection.deviationRequired');
  if (outcome === 'rejected' && !reason) fields.reason = problem('lotInspection.reasonRequired');
  if (deviation && deviation.length > 2000) fields.deviation = problem('common.tooLong', { max: 2000 });
  if (reason && reason.length > 2000) fields.reason = problem('common.tooLong', { max: 2000 });
  if (input.measurements.length > maxMeasurements) fields.measurements = problem('lotInspection.tooManyMeasurements', { max: maxMeasurements });
  const measurements = input.measurements.map((m, i) => {
    const measurement = { name: m.name.trim(), value: m.value.trim(), unit: m.unit.trim(), withinSpec: m.withinSpec };
    if (!measurement.name || measurement.name.length > 100) fields[`measurements/${i}/name`] = problem('lotInspection.measurementName');
    if (!measurement.value || measurement.value.length > 100) fields[`measurements/${i}/value`] = problem('lotInspection.measurementValue');
    if (measurement.unit.length > 20) fields[`measurements/${i}/unit`] = problem('common.tooLong', { max: 20 });
    return measurement;
  });
  if (Object.keys(fields).length || !outcome) throw refusal('invalid_input', 'the inspection cannot be recorded as entered', fields);
  // Only what the outcome asks for is recorded: no deviation on a rejection, no reason on a release.
  return {
    outcome,
    sampleSize,
    defectsFound,
    measurements,
    deviation: outcome === 'accepted_with_deviation' ? deviation : null,
    reason: outcome === 'rejected' ? reason : null,
  };
}

/** Refused when the lot already has its decision: by whom and when. */
async function refuseIfDecided(db: Tx, lotId: string): Promise<void> {
  const decided = await db.get<{ decided_at: string; name: string }>(
    'SELECT li.decided_at, u.display_name AS name FROM lot_inspections li JOIN users u ON u.id = li.decided_by WHERE li.lot_id = ?',
    [lotId],
  );
  if (decided) {
    throw refusal('conflict', `the lot was already decided by ${decided.name} at ${decided.decided_at}`, {
      outcome: problem('lotInspection.alreadyDecided', { name: decided.name, at: `${decided.decided_at.slice(0, 16).replace('T', ' ')} UTC` }),
    });
  }
}

/** A decision checked and ready to sign: the lot as it was, the decision, its checked files, the hash and meaning the signature binds. */
interface PreparedInspection {
  before: Lot;
  decision: InspectionDecision;
  checkedFiles: CheckedUpload[];
  hash: string;
  meaning: SignatureMeaning;
}

/**
 * Everything before the signature, shared by `inspectLot` and the first half of signing with a
 * passkey (`startInspectionSignature`): QA only, the lot exists and is undecided and intact, the
 * decision and its files pass their checks (every problem at once), and the hash to sign.
 */
export async function prepareInspection(ctx: FilesContext, actor: Actor, input: InspectionInput): Promise<PreparedInspection> {
  inspectLots.require(actor);
  const row = await ctx.db.get<LotRow>(`${lotSelect} WHERE l.id = ?`, [input.lotId]);
  if (!row) throw new AppError('not_found', 'no such lot');
  const before = toLot(row);
  await refuseIfDecided(ctx.db, before.id);
  if (lotRecordHash(before) !== before.recordHash) throw new AppError('conflict', `lot ${before.lot} no longer matches its record hash: it cannot be released or rejected (run lotbridge audit verify)`);
  const fileProblems: Problems = {};
  const checkedFiles = await checkAttachments(input.attachments, fileProblems);
  let decision: InspectionDecision;
  try {
    decision = checkInspection(input, before);
  } catch (e) {
    if (isAppError(e) && e.problems) throw refusal('invalid_input', e.message, { ...e.problems, ...fileProblems });
    throw e;
  }
  if (Object.keys(fileProblems).length) throw refusal('invalid_input', 'the attached files cannot be recorded', fileProblems);
  const attached = checkedFiles.map((f) => ({ name: f.name, sha256: f.sha256 }));
  return { before, decision, checkedFiles, hash: inspectionHash(before, decision, attached), meaning: meaningOf[decision.outcome] };
}

/**
 * Manufacturer QA decides a submitted lot after incoming inspection: accepted (released),
 * accepted with a deviation (released, the deviation stated) or rejected (the reason stated),
 * with the sample size, the defects found, free measurements and attached files (checked by
 * content, stored in the file storage). Signed (password or passkey) over the lot's record hash
 * and the whole decision, the files' checksums included; one decision per lot. The inspection,
 * its files, the signature, the audit entry, lot.released / lot.rejected for the ERP and, on
 * rejection, the supplier's mail commit together.
 */
export async function inspectLot(
  ctx: FilesContext,
  actor: Actor,
  rp: RelyingParty,
  input: InspectionInput & { credential: SignerCredential; portalUrl?: string },
): Promise<{ lot: Lot; signature: Signature }> {
  const { before, decision, checkedFiles, hash, meaning } = await prepareInspection(ctx, actor, input);
  if ('password' in input.credential && !input.credential.password) {
    throw refusal('invalid_input', 'enter your password to sign', { password: problem('signatures.passwordRequired') });
  }
  const signer = await verifySigner(ctx, actor, rp, { recordHash: hash, meaning, credential: input.credential });

  const files = await putFiles(ctx, actor, checkedFiles);
  const recorded = ctx.db.transaction(async (tx) => {
    // Checked again under the write lock: another inspector may have decided meanwhile.
    await refuseIfDecided(tx, before.id);
    const signature = await recordSignature(tx, ctx.clock, actor, signer, {
      entityType: 'lot',
      entityId: before.id,
      recordHash: hash,
      meaning,
      reason: decision.reason ?? decision.deviation ?? undefined,
      requestId: ctx.requestId,
    });
    const decidedAt = signature.signedAt;
    const inspectionId = newId('lin');
    await tx.run(
      `INSERT INTO lot_inspections (id, lot_id, outcome, sample_size, defects_found, measurements, deviation, reason, decided_by, decided_at, signature_id, record_hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        inspectionId,
        before.id,
        decision.outcome,
        decision.sampleSize,
        decision.defectsFound,
        JSON.stringify(decision.measurements),
        decision.deviation,
        decision.reason,
        actor.userId,
        decidedAt,
        signature.id,
        hash,
      ],
    );
    for (const [position, file] of files.entries()) {
      await recordStoredFile(tx, ctx, actor, file);
      await tx.run('INSERT INTO lot_inspection_files (inspection_id, file_id, position) VALUES (?, ?, ?)', [inspectionId, file.id, position]);
    }
    const lot = toLot((await tx.get<LotRow>(`${lotSelect} WHERE l.id = ?`, [before.id]))!);
    const rejected = decision.outcome === 'rejected';
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: lot.supplier.organisationId,
      action: rejected ? 'lot.rejected' : 'lot.released',
      entityType: 'lot',
      entityId: lot.id,
      oldValues: { state: 'submitted' },
      newValues: {
        state: lot.state,
        ...decisionValues(decision),
        ...(files.length ? { attachments: files.map((f) => ({ file: f.id, name: f.originalName, sha256: f.sha256 })) } : {}),
        signature: signature.id,
        recordHash: hash,
      },
      reason: decision.reason ?? decision.deviation ?? undefined,
      requestId: ctx.requestId,
    });
    const manifestation = { signerName: signature.signerName, meaning: signature.meaning, signedAt: signature.signedAt, method: signature.method };
    await enqueueEvent(tx, ctx.clock, {
      type: rejected ? 'lot.rejected' : 'lot.released',
      aggregateType: 'lot',
      aggregateId: lot.id,
      organisationId: lot.supplier.organisationId,
      data: lotEventData(lot, {
        ...(rejected ? {} : { deviation: decision.deviation !== null }),
        inspection: { ...decisionValues(decision), decidedAt },
        signature: manifestation,
      }),
    });
    if (rejected) {
      await queueSubmissionMails(tx, ctx.clock, {
        purpose: 'lot.rejected',
        organisationId: lot.supplier.organisationId,
        entity: { type: 'lot', id: lot.id },
        params: () => ({
          lot: lot.lot,
          gtin: lot.gtin,
          manufacturer: actor.organisationName,
          date: `${decidedAt.slice(0, 16).replace('T', ' ')}`,
          reason: decision.reason!,
          sample: decision.sampleSize,
          defects: decision.defectsFound,
        }),
        path: `/lots/${lot.id}`,
        portalUrl: input.portalUrl,
      });
    }
    return { lot, signature };
  });
  // Files put whose records did not commit are removed again.
  return recorded.catch(async (e: unknown) => {
    await removeFiles(ctx, files);
    throw e;
  });
}
