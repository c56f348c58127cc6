import { fail, redirect } from '@sveltejs/kit';
import { actorTimeZone } from '$shared/auth/actor.ts';
import { todayIn } from '$shared/time-zone.ts';
import { listInvoices } from '$shared/invoices/list-invoices.ts';
import { listInvoiceableOrders } from '$shared/invoices/list-invoiceable-orders.ts';
import { submitInvoice } from '$shared/invoices/submit-invoice.ts';
import { submitInvoicFile, type InvoicFileError } from '$shared/invoices/submit-invoic-file.ts';
import { translate } from '$shared/i18n/index.ts';
import { isAppError } from '$shared/errors.ts';
import type { EdifactProblem } from '$shared/edifact/problems.ts';
import { userMessage } from '$lib/server/errors.ts';
import { uploadProblem } from '$lib/server/edifact-upload.ts';
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
    const orders = list.permissions.submit ? await listInvoiceableOrders(locals.ctx, actor) : [];
    const wanted = q('po');
    return {
      filters,
      list,
      staff: list.staff,
      orders,
      selectedPo: orders.find((o) => o.poNumber === wanted)?.poNumber ?? orders[0]?.poNumber ?? '',
      // The invoice date the form starts with: the supplier's today, in its own time zone.
      today: todayIn(actorTimeZone(actor), locals.ctx.clock.now()),
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
  /** An EDIFACT INVOIC file: every INVOIC message of it submitted through the same use case. */
  edifact: async ({ request, locals }) => {
    const form = await request.formData();
    const file = form.get('file');
    const lenient = form.get('lenient') === 'on';
    const upload = (status: number, message: string, problems: EdifactProblem[], stored: { id: string; number: string }[] = []) =>
      fail(status, { edifact: { message, problems: problems.map((p) => uploadProblem(locals.locale, p)), stored, lenient } });
    if (!(file instanceof File) || file.size === 0) return upload(400, translate(locals.locale, 'invoices.edifact.noFile'), []);
    let result;
    try {
      result = await submitInvoicFile(locals.ctx, requireActor(locals), { bytes: new Uint8Array(await file.arrayBuffer()), name: file.name }, { mode: lenient ? 'lenient' : 'strict' });
    } catch (e) {
      const problems = isAppError(e) && 'ediProblems' in e ? (e as InvoicFileError).ediProblems : null;
      if (problems) return upload(400, translate(locals.locale, 'invoices.edifact.refused', { count: problems.length }), problems);
      const m = userMessage(e, locals.locale, locals.requestId, locals.log);
      return upload(m.status, m.message, []);
    }
    const stored = result.outcomes.filter((o) => o.invoice).map((o) => ({ id: o.invoice!.id, number: o.invoice!.number }));
    const refused = result.outcomes.filter((o) => !o.invoice);
    if (refused.length === 0 && stored.length === 1) redirect(303, `/invoices/${stored[0]!.id}?submitted=1`);
    const problems = refused.flatMap((o) => o.problems);
    const message = refused.length
      ? [stored.length ? translate(locals.locale, 'invoices.edifact.stored', { count: stored.length }) : '', translate(locals.locale, stored.length ? 'invoices.edifact.someRefused' : 'invoices.edifact.refused', { count: stored.length ? refused.length : problems.length })].filter(Boolean).join(' ')
      : translate(locals.locale, 'invoices.edifact.stored', { count: stored.length });
    return upload(refused.length ? 400 : 200, message, problems, stored);
  },
} satisfies Actions;
