import { json } from '@sveltejs/kit';
import { startApprovalSignature } from '$shared/supplier-approvals/start-approval-signature.ts';
import { field } from '$lib/server/form-fields.ts';
import { jsonFailure } from '$lib/server/errors.ts';
import { relyingParty } from '$lib/server/relying-party.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { readDecision } from '../form.ts';
import type { RequestHandler } from './$types';

/**
 * The first half of signing an approved supplier list decision with a passkey: the form as the
 * browser would submit it in (with `approvalId` for a change), the WebAuthn request options
 * (challenge bound to the hash of exactly that decision), their id and a new entry's id out.
 */
export const POST: RequestHandler = async (event) => {
  try {
    const form = await event.request.formData();
    const { values, decision } = readDecision(form);
    const approvalId = field(form, 'approvalId') || undefined;
    return json(
      await startApprovalSignature(event.locals.ctx, requireActor(event.locals), relyingParty(event), {
        status: decision.status,
        requiredCertificates: decision.requiredCertificates,
        reason: decision.reason,
        ...(approvalId ? { approvalId } : { supplierId: values.supplierId, itemGtin: values.itemGtin, itemCategory: values.itemCategory }),
      }),
    );
  } catch (e) {
    return jsonFailure(e, event.locals);
  }
};
