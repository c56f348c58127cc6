import { redirect } from '@sveltejs/kit';
import { getPurchaseOrder } from '$shared/orders/get-purchase-order.ts';
import { respondToPurchaseOrder, type ResponseLineInput } from '$shared/orders/respond-to-purchase-order.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { problemFailure } from '$lib/server/problems.ts';
import { field } from '$lib/server/form-fields.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { Actions, PageServerLoad } from './$types';

export const load = (async ({ locals, params, url }) => {
  const actor = requireActor(locals);
  try {
    return { ...(await getPurchaseOrder(locals.ctx, actor, params.id)), justAnswered: url.searchParams.has('answered') };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

export const actions = {
  /**
   * The supplier's answer: "accept" takes every line as ordered, "reject" rejects the order,
   * "change" takes each line as typed (a line accepted with another quantity or date is changed).
   */
  respond: async ({ request, locals, params }) => {
    const actor = requireActor(locals);
    const form = await request.formData();
    const answer = field(form, 'answer');
    const note = field(form, 'note');
    let detail;
    try {
      detail = await getPurchaseOrder(locals.ctx, actor, params.id);
    } catch (e) {
      loadFailure(e, locals);
    }
    const values: Record<string, string> = { note };
    const lines: ResponseLineInput[] = detail.lines.map((l, i) => {
      const ordered = { quantity: String(l.quantity), deliveryDate: l.deliveryDate ?? '' };
      if (answer === 'accept') return { lineNumber: l.lineNumber, status: 'accepted', ...ordered };
      if (answer === 'reject') return { lineNumber: l.lineNumber, status: 'rejected' };
      const status = field(form, `lines.${i}.status`) || 'accepted';
      const quantity = field(form, `lines.${i}.quantity`).trim();
      const deliveryDate = field(form, `lines.${i}.deliveryDate`).trim();
      Object.assign(values, { [`lines.${i}.status`]: status, [`lines.${i}.quantity`]: quantity, [`lines.${i}.deliveryDate`]: deliveryDate });
      const differs = quantity !== ordered.quantity || deliveryDate !== ordered.deliveryDate;
      return { lineNumber: l.lineNumber, status: status === 'accepted' && differs ? 'changed' : status, quantity, deliveryDate };
    });
    try {
      await respondToPurchaseOrder(locals.ctx, actor, { purchaseOrder: detail.order.poNumber, status: answer === 'reject' ? 'rejected' : undefined, lines, note }, { source: 'portal' });
    } catch (e) {
      return problemFailure(e, locals, 'respond', values, (path) => path.replace(/\//g, '.'));
    }
    redirect(303, `/orders/${detail.order.id}?answered=1`);
  },
} satisfies Actions;
