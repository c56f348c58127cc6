import { fail, redirect } from '@sveltejs/kit';
import { isAppError } from '$shared/errors.ts';
import { listLots } from '$shared/lots/list-lots.ts';
import { rowProblemsOf, submitLots } from '$shared/lots/submit-lots.ts';
import { parseLotsCsv } from '$shared/lots/parse-lots-csv.ts';
import { translate } from '$shared/i18n/index.ts';
import { loadFailure, userMessage } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { problemMessage, readLotForm, translateProblems, type ShownProblem } from './form.ts';
import type { Actions, PageServerLoad } from './$types';

/** The filters are the page's query (a GET form), so a filtered list is a link to share. */
export const load = (async ({ locals, url }) => {
  const actor = requireActor(locals);
  const q = (name: string) => url.searchParams.get(name)?.trim() ?? '';
  const filters = { gtin: q('gtin'), lot: q('lot'), po: q('po'), supplier: q('supplier'), sort: q('sort'), order: q('order') };
  const page = Number(q('page'));
  try {
    const list = await listLots(locals.ctx, actor, {
      gtin: filters.gtin || undefined,
      lot: filters.lot || undefined,
      poNumber: filters.po || undefined,
      supplierId: filters.supplier || undefined,
      sort: filters.sort === 'expiry' ? 'expiry' : 'submitted',
      order: filters.order === 'asc' ? 'asc' : 'desc',
      page: Number.isInteger(page) && page > 0 ? page : 1,
    });
    return { filters, list, canSubmit: actor.role === 'supplier_user', staff: actor.organisationKind === 'manufacturer' };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

/** A refusal of submitLots: its row problems translated, or the general message. */
function refused(e: unknown, locals: App.Locals): { status: number; message: string; problems: ShownProblem[] } {
  const m = userMessage(e, locals.locale, locals.requestId, locals.log);
  const problems = isAppError(e) ? translateProblems(locals.locale, rowProblemsOf(e.fields)) : [];
  return { status: m.status, message: m.message, problems };
}

export const actions = {
  submit: async ({ request, locals }) => {
    const { lot, values, barcodeProblem, fromBarcode } = readLotForm(await request.formData());
    const failure = (status: number, message: string, fields: Record<string, string>) => fail(status, { action: 'submit' as const, message, fields, values });
    if (barcodeProblem) return failure(400, translate(locals.locale, 'lots.notSubmitted'), { barcode: problemMessage(locals.locale, barcodeProblem) });
    let id: string;
    try {
      const result = await submitLots(locals.ctx, requireActor(locals), { source: fromBarcode ? 'barcode' : 'form', lots: [lot] });
      id = result.stored[0]!.id;
    } catch (e) {
      const r = refused(e, locals);
      const fields = Object.fromEntries(r.problems.map((p) => [p.column ?? 'gtin', p.message]));
      return failure(r.status, r.problems.length ? translate(locals.locale, 'lots.notSubmitted') : r.message, fields);
    }
    redirect(303, `/lots/${id}?submitted=1`);
  },

  upload: async ({ request, locals }) => {
    const form = await request.formData();
    const keepValid = form.get('keepValid') === 'on';
    const file = form.get('file');
    const failure = (status: number, message: string, problems: ShownProblem[]) => fail(status, { action: 'upload' as const, message, problems, keepValid, stored: [] as { id: string; gtin: string; lot: string }[], warnings: [] as ShownProblem[] });
    if (!(file instanceof File) || (file.size === 0 && !file.name)) return failure(400, translate(locals.locale, 'lots.csv.noFile'), []);
    const parsed = parseLotsCsv(new Uint8Array(await file.arrayBuffer()));
    if (parsed.fileProblem) {
      const message = problemMessage(locals.locale, parsed.fileProblem.message);
      return failure(400, message, [{ row: null, column: parsed.fileProblem.column, message }]);
    }
    try {
      const result = await submitLots(locals.ctx, requireActor(locals), { source: 'csv', lots: parsed.lots, rejected: parsed.rejected, keepValid });
      const stored = result.stored.map((l) => ({ id: l.id, gtin: l.gtin, lot: l.lot }));
      return {
        action: 'upload' as const,
        message: result.rejected.length
          ? translate(locals.locale, 'lots.csv.storedSome', { stored: stored.length, rejected: new Set(result.rejected.map((p) => p.row)).size })
          : translate(locals.locale, 'lots.csv.storedAll', { stored: stored.length }),
        stored,
        problems: translateProblems(locals.locale, result.rejected),
        warnings: translateProblems(locals.locale, result.warnings),
        keepValid,
      };
    } catch (e) {
      const r = refused(e, locals);
      const message = r.problems.length ? translate(locals.locale, 'lots.csv.nothingStored', { count: r.problems.length }) : r.message;
      return failure(r.status, message, r.problems);
    }
  },
} satisfies Actions;
