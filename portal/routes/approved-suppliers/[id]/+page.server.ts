import { getSupplierApproval } from '$shared/supplier-approvals/get-supplier-approval.ts';
import { setSupplierApproval } from '$shared/supplier-approvals/set-supplier-approval.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { relyingParty } from '$lib/server/relying-party.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { signerCredential } from '$lib/server/signer-credential.ts';
import { decisionFailure, readDecision } from '../form.ts';
import type { Actions, PageServerLoad } from './$types';

export const load = (async ({ locals, params, url }) => {
  const actor = requireActor(locals);
  try {
    return { ...(await getSupplierApproval(locals.ctx, actor, params.id)), saved: url.searchParams.has('saved') };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

export const actions = {
  change: async (event) => {
    const form = await event.request.formData();
    const { values, decision } = readDecision(form);
    try {
      await setSupplierApproval(event.locals.ctx, requireActor(event.locals), relyingParty(event), { ...decision, credential: signerCredential(form), approvalId: event.params.id });
    } catch (e) {
      return decisionFailure(e, event.locals, 'change', values);
    }
    return { action: 'change' as const, done: true };
  },
} satisfies Actions;
