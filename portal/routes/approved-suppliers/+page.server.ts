import { redirect } from '@sveltejs/kit';
import { listSupplierApprovals } from '$shared/supplier-approvals/list-supplier-approvals.ts';
import { setSupplierApproval } from '$shared/supplier-approvals/set-supplier-approval.ts';
import { unapprovedOrders } from '$shared/supplier-approvals/unapproved-orders.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { relyingParty } from '$lib/server/relying-party.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { signerCredential } from '$lib/server/signer-credential.ts';
import { decisionFailure, readDecision } from './form.ts';
import type { Actions, PageServerLoad } from './$types';

/** The filters are the page's query (a GET form), so a filtered list is a link to share. */
export const load = (async ({ locals, url }) => {
  const actor = requireActor(locals);
  const q = (name: string) => url.searchParams.get(name)?.trim() ?? '';
  const filters = { supplier: q('supplier'), item: q('item'), status: q('status') };
  try {
    const list = await listSupplierApprovals(locals.ctx, actor, { supplierId: filters.supplier || undefined, item: filters.item || undefined, status: filters.status || undefined });
    // QA's alerts: purchase orders to suppliers not approved for the item (the home work list links here).
    const orders = list.permissions.decide ? await unapprovedOrders(locals.ctx, 50) : null;
    return { filters, list, orders };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

export const actions = {
  create: async (event) => {
    const form = await event.request.formData();
    const { values, decision } = readDecision(form);
    let id: string;
    try {
      const approval = await setSupplierApproval(event.locals.ctx, requireActor(event.locals), relyingParty(event), {
        ...decision,
        credential: signerCredential(form),
        supplierId: values.supplierId,
        itemGtin: values.itemGtin,
        itemCategory: values.itemCategory,
      });
      id = approval.id;
    } catch (e) {
      return decisionFailure(e, event.locals, 'create', values);
    }
    redirect(303, `/approved-suppliers/${id}?saved=1`);
  },
} satisfies Actions;
