import { redirect } from '@sveltejs/kit';
import { listInvoices } from '$shared/invoices/list-invoices.ts';
import { listInvoiceableOrders } from '$shared/invoices/list-invoiceable-orders.ts';
import { submitInvoice } from '$shared/invoices/submit-invoice.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { invoiceFailure, readInvoiceForm } from './form.ts';
import type { Actions, PageServerLoad } from './$types';

/** The filters are the page's query (a GET form), so a filtered list is a link to share. */
export const load = (async ({ locals, url }) => {
  const actor = requireActor(locals);
  const q = (name: string) => url.searchParams.get(name)?.trim() ?? '';
  const filters = { state: q('state'), erpStatus: q('erpStatus'), supplier: q('supplier'), sort: q('sort'), order: q('order') };
  const page = Number(q('page'));
  const sorts = ['submitted', 'invoice_date', 'due_date', 'number'] as const;
  try {
    const list = await listInvoices(locals.ctx, actor, {
      state: filters.state || undefined,
      erpStatus: filters.erpStatus || undefined,
      supplierId: filters.supplier || undefined,
      sort: sorts.find((s) => s === filters.sort) ?? 'submitted',
      order: filters.order === 'asc' ? 'asc' : 'desc',
      page: Number.isInteger(page) && page > 0 ? page : 1,
    });
    const canSubmit = actor.role === 'supplier_user';
    const orders = canSubmit ? await listInvoiceableOrders(locals.ctx, actor) : [];
    const wanted = q('po');
    return {
      filters,
      list,
      canSubmit,
      staff: actor.organisationKind === 'manufacturer',
      orders,
      selectedPo: orders.find((o) => o.poNumber === wanted)?.poNumber ?? orders[0]?.poNumber ?? '',
      today: locals.ctx.clock.now().toISOString().slice(0, 10),
    };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

export const actions = {
  submit: async ({ request, locals }) => {
    const { submission, values, rows } = readInvoiceForm(await request.formData());
    let id: string;
    try {
      id = (await submitInvoice(locals.ctx, requireActor(locals), submission)).id;
    } catch (e) {
      return invoiceFailure(e, locals, values, rows);
    }
    redirect(303, `/invoices/${id}?submitted=1`);
  },
} satisfies Actions;
