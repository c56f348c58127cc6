import { startApprovalSignature } from '$shared/supplier-approvals/start-approval-signature.ts';
import { field } from '$lib/server/form-fields.ts';
import { startSignature } from '$lib/server/start-signature.ts';
import { readDecision } from '../form.ts';
import type { RequestHandler } from './$types';

/**
 * The first half of signing an approved supplier list decision with a passkey: the form as the
 * browser would submit it in (with `approvalId` for a change), the WebAuthn request options
 * (challenge bound to the hash of exactly that decision), their id and a new entry's id out.
 */
export const POST: RequestHandler = async (event) => {
  const form = await event.request.formData();
  return startSignature(event, (actor, rp) => {
    const { values, decision } = readDecision(form);
    const approvalId = field(form, 'approvalId') || undefined;
    return startApprovalSignature(event.locals.ctx, actor, rp, {
      status: decision.status,
      requiredCertificates: decision.requiredCertificates,
      reason: decision.reason,
      ...(approvalId ? { approvalId } : { supplierId: values.supplierId, itemGtin: values.itemGtin, itemCategory: values.itemCategory }),
    });
  });
};
