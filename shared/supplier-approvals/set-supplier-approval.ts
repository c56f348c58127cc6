import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { verifySigner, type SignerCredential } from '../signatures/verify-signer.ts';
import { recordSignature } from '../signatures/record-signature.ts';
import { AppError, problem, refusal, type Problems } from '../errors.ts';
import { isValidGtin, toGtin14 } from '../gs1/gtin.ts';
import { isCertificateType, type CertificateType } from '../certificates/kinds.ts';
import { newId } from '../ids.ts';
import { approvalSelect, decideApprovals, isApprovalStatus, toApproval, type ApprovalRow, type ApprovalStatus, type SupplierApproval } from './approval.ts';
import { approvalEventData } from './approval-event.ts';
import { approvalDecisionHash, type ApprovalDecision } from './approval-hash.ts';

export interface ApprovalChange {
  /** Change this entry; else a new one for supplierId and the scope. */
  approvalId?: string;
  supplierId?: string;
  itemGtin?: string;
  itemCategory?: string;
  status: string;
  requiredCertificates: string[];
  reason: string;
  credential: SignerCredential;
  /**
   * A new entry signed with a passkey: the id `startApprovalSignature` minted for it, which the
   * signed hash (and so the passkey's challenge) includes. Ignored when signing with a password.
   */
  newApprovalId?: string;
}

/** A decision checked and ready to sign: the entry before (a change), what is decided and the hash the signature binds. */
interface PreparedApproval {
  before: SupplierApproval | undefined;
  decision: ApprovalDecision;
  hash: string;
}

/**
 * Everything before the signature, shared by `setSupplierApproval` and the first half of signing
 * with a passkey (`startApprovalSignature`): QA only, every field checked (all problems at once),
 * and the hash of the decision under the entry's id (`newEntryId` for a new entry).
 */
export async function prepareApproval(ctx: UseCaseContext, actor: Actor, input: Omit<ApprovalChange, 'credential'>, newEntryId: string, password?: string): Promise<PreparedApproval> {
  decideApprovals.require(actor);
  const fields: Problems = {};
  const reason = input.reason?.trim() ?? '';
  if (!reason) fields.reason = problem('asl.reasonRequired');
  else if (reason.length > 2000) fields.reason = problem('common.tooLong', { max: 2000 });
  if (!isApprovalStatus(input.status)) fields.status = problem('asl.badStatus');
  const required = [...new Set((input.requiredCertificates ?? []).map((t) => t.trim()).filter(Boolean))];
  const bad = required.find((t) => !isCertificateType(t));
  if (bad) fields.requiredCertificates = problem('asl.badCertificate', { type: bad });

  let before: SupplierApproval | undefined;
  let supplierId = '';
  let itemGtin: string | null = null;
  let itemCategory: string | null = null;
  if (input.approvalId) {
    const row = await ctx.db.get<ApprovalRow>(`${approvalSelect} WHERE a.id = ?`, [input.approvalId]);
    if (!row) throw new AppError('not_found', 'no such approved supplier list entry');
    before = toApproval(row);
    ({ itemGtin, itemCategory } = before);
    supplierId = before.supplier.organisationId;
  } else {
    const supplier = input.supplierId
      ? await ctx.db.get<{ id: string }>("SELECT id FROM organisations WHERE id = ? AND kind = 'supplier'", [input.supplierId])
      : undefined;
    if (!supplier) fields.supplierId = problem('asl.unknownSupplier');
    else supplierId = supplier.id;
    const gtin = input.itemGtin?.trim() ?? '';
    const category = input.itemCategory?.trim() ?? '';
    if (gtin && category) fields.itemGtin = problem('asl.scopeBoth');
    else if (!gtin && !category) fields.itemGtin = problem('asl.scopeRequired');
    else if (gtin && !isValidGtin(gtin)) fields.itemGtin = problem('lots.badGtin', { gtin });
    else if (gtin) itemGtin = toGtin14(gtin);
    else if (category.length > 100) fields.itemCategory = problem('common.tooLong', { max: 100 });
    else itemCategory = category;
    if (supplierId && (itemGtin || itemCategory)) {
      const existing = await ctx.db.get('SELECT id FROM supplier_approvals WHERE supplier_id = ? AND (item_gtin = ? OR item_category = ?)', [supplierId, itemGtin, itemCategory]);
      if (existing) fields.itemGtin = problem('asl.exists');
    }
  }
  if (password !== undefined && !password) fields.password = problem('signatures.passwordRequired');
  if (Object.keys(fields).length) throw refusal('invalid_input', 'the approved supplier list entry cannot be saved as asked', fields);

  const status = input.status as ApprovalStatus;
  const id = before?.id ?? newEntryId;
  const decision: ApprovalDecision = { approvalId: id, supplierId, itemGtin, itemCategory, status, requiredCertificates: required as CertificateType[], reason };
  return { before, decision, hash: approvalDecisionHash(decision) };
}

/**
 * Manufacturer QA creates an approved supplier list entry (a supplier and an item or item
 * category) or changes one's status and required certificates, with a reason and an electronic
 * signature of meaning "approval" over what is decided. The entry, the signature, the audit
 * entry and the supplier_approval.changed event commit together.
 */
export async function setSupplierApproval(ctx: UseCaseContext, actor: Actor, rp: RelyingParty, input: ApprovalChange): Promise<SupplierApproval> {
  const minted = 'passkey' in input.credential && input.newApprovalId && /^asl_[a-z2-7]{32}$/.test(input.newApprovalId) ? input.newApprovalId : newId('asl');
  const { before, decision, hash } = await prepareApproval(ctx, actor, input, minted, 'password' in input.credential ? input.credential.password : undefined);
  const { approvalId: id, supplierId, itemGtin, itemCategory, status, requiredCertificates: required, reason } = decision;
  const signer = await verifySigner(ctx, actor, rp, { recordHash: hash, meaning: 'approval', credential: input.credential });

  return ctx.db.transaction(async (tx) => {
    const signature = await recordSignature(tx, ctx.clock, actor, signer, { entityType: 'supplier_approval', entityId: id, recordHash: hash, meaning: 'approval', reason, requestId: ctx.requestId });
    const now = signature.signedAt;
    const values = [status, JSON.stringify(required), reason, actor.userId, now, signature.id];
    if (before) {
      const changed = await tx.run(
        `UPDATE supplier_approvals SET status = ?, required_certificates = ?, reason = ?, reason_code = NULL, reason_params = NULL, decided_by = ?, decided_at = ?, signature_id = ?
          WHERE id = ? AND decided_at = ?`,
        [...values, id, before.decidedAt],
      );
      if (changed.changes === 0) throw new AppError('conflict', 'the entry was changed meanwhile: open it again');
    } else {
      try {
        await tx.run(
          `INSERT INTO supplier_approvals (id, supplier_id, item_gtin, item_category, status, required_certificates, reason, decided_by, decided_at, signature_id, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [id, supplierId, itemGtin, itemCategory, ...values, now],
        );
      } catch (e) {
        if (String(e).includes('UNIQUE')) throw refusal('conflict', 'an entry for this supplier and scope was made meanwhile', { itemGtin: problem('asl.exists') });
        throw e;
      }
    }
    const approval = toApproval((await tx.get<ApprovalRow>(`${approvalSelect} WHERE a.id = ?`, [id]))!);
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: supplierId,
      action: before ? 'supplier_approval.changed' : 'supplier_approval.created',
      entityType: 'supplier_approval',
      entityId: id,
      oldValues: before ? { status: before.status, requiredCertificates: before.requiredCertificates } : undefined,
      newValues: { status, requiredCertificates: required, itemGtin, itemCategory, signature: signature.id, recordHash: hash },
      reason,
      requestId: ctx.requestId,
    });
    await enqueueEvent(tx, ctx.clock, {
      type: 'supplier_approval.changed',
      aggregateType: 'supplier_approval',
      aggregateId: id,
      organisationId: supplierId,
      data: approvalEventData(approval, {
        previousStatus: before?.status ?? null,
        signature: { signerName: signature.signerName, meaning: signature.meaning, signedAt: signature.signedAt, method: signature.method },
      }),
    });
    return approval;
  });
}
