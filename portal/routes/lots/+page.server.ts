import { fail, redirect } from '@sveltejs/kit';
import { isAppError, type Problems } from '$shared/errors.ts';
import { lotStates, type RowProblem } from '$shared/lots/lot.ts';
import { listLots } from '$shared/lots/list-lots.ts';
import { rowProblemsOf, submitLots } from '$shared/lots/submit-lots.ts';
import { parseLotsCsv } from '$shared/lots/parse-lots-csv.ts';
import { DesadvFileError, submitDesadvFile, type DesadvFileResult } from '$shared/lots/submit-desadv-file.ts';
import type { EdifactProblem } from '$shared/edifact/problems.ts';
import { translate, translateProblem } from '$shared/i18n/index.ts';
import { loadFailure, userMessage } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { problemFailure } from '$lib/server/problems.ts';
import { uploadProblem } from '$lib/server/edifact-upload.ts';
import { readLotForm } from './form.ts';
import type { Actions, PageServerLoad } from './$types';

/** The filters are the page's query (a GET form), so a filtered list is a link to share. */
export const load = (async ({ locals, url }) => {
  const actor = requireActor(locals);
  const q = (name: string) => url.searchParams.get(name)?.trim() ?? '';
  const filters = { gtin: q('gtin'), lot: q('lot'), po: q('po'), supplier: q('supplier'), flagged: q('flagged') === '1' ? '1' : '', state: q('state'), sort: q('sort'), order: q('order') };
  const page = Number(q('page'));
  try {
    const list = await listLots(locals.ctx, actor, {
      gtin: filters.gtin || undefined,
      lot: filters.lot || undefined,
      poNumber: filters.po || undefined,
      supplierId: filters.supplier || undefined,
      flagged: filters.flagged === '1',
      state: lotStates.find((s) => s === filters.state),
      sort: filters.sort === 'expiry' ? 'expiry' : 'submitted',
      order: filters.order === 'asc' ? 'asc' : 'desc',
      page: Number.isInteger(page) && page > 0 ? page : 1,
    });
    return { filters, list, staff: list.staff, states: lotStates };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

/** A problem of the file, a row or a row's column, as the problem table shows it (row null: the file). */
type ShownProblem = Omit<RowProblem, 'row'> & { row: number | null };

/** What submitDesadvFile returned, per interchange and message, worded for the page. */
function shownDesadvFile(locale: App.Locals['locale'], result: DesadvFileResult) {
  const word = (problems: EdifactProblem[]) => problems.map((p) => uploadProblem(locale, p, 'lots.edifact.problem'));
  return result.interchanges.map((ic) => ({
    reference: ic.reference,
    duplicate: ic.duplicate,
    status: ic.status,
    problems: word(ic.problems),
    messages: ic.messages.map((m) => ({ reference: m.reference, type: m.type, status: m.status, lots: m.lots.map((l) => ({ id: l.id, gtin: l.gtin, lot: l.lot })), problems: word(m.problems) })),
  }));
}

export const actions = {
  submit: async ({ request, locals }) => {
    const { lot, values, barcodeProblem, fromBarcode } = readLotForm(await request.formData());
    const notSubmitted = translate(locals.locale, 'lots.notSubmitted');
    if (barcodeProblem) return fail(400, { action: 'submit' as const, message: notSubmitted, problems: { barcode: barcodeProblem } as Problems, values });
    let id: string;
    try {
      const result = await submitLots(locals.ctx, requireActor(locals), { source: fromBarcode ? 'barcode' : 'form', lots: [lot] });
      id = result.stored[0]!.id;
    } catch (e) {
      // The form is row 1: "rows/1/gtin" is the field "gtin"; a problem of the whole row is shown at the GTIN.
      const { status, data } = problemFailure(e, locals, 'submit', values, (path) => path.split('/')[2] ?? 'gtin');
      return fail(status, { ...data, action: 'submit' as const, message: Object.keys(data.problems).length ? notSubmitted : data.message });
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
    if (parsed.fileProblem) return failure(400, translateProblem(locals.locale, parsed.fileProblem), [{ row: null, ...parsed.fileProblem }]);
    try {
      const result = await submitLots(locals.ctx, requireActor(locals), { source: 'csv', lots: parsed.lots, rejected: parsed.rejected, keepValid });
      const stored = result.stored.map((l) => ({ id: l.id, gtin: l.gtin, lot: l.lot }));
      return {
        action: 'upload' as const,
        message: result.rejected.length
          ? translate(locals.locale, 'lots.csv.storedSome', { stored: stored.length, rejected: new Set(result.rejected.map((p) => p.row)).size })
          : translate(locals.locale, 'lots.csv.storedAll', { stored: stored.length }),
        stored,
        problems: result.rejected as ShownProblem[],
        warnings: result.warnings as ShownProblem[],
        keepValid,
      };
    } catch (e) {
      const m = userMessage(e, locals.locale, locals.requestId, locals.log);
      const problems: ShownProblem[] = isAppError(e) ? rowProblemsOf(e.problems) : [];
      const message = problems.length ? translate(locals.locale, 'lots.csv.nothingStored', { count: problems.length }) : m.message;
      return failure(m.status, message, problems);
    }
  },

  /** An EDIFACT DESADV file (a supplier's EDI software without AS2): each message's lines as lots, through submitDesadvFile. */
  edifact: async ({ request, locals }) => {
    const form = await request.formData();
    const file = form.get('file');
    const lenient = form.get('lenient') === 'on';
    const outcome = (status: number, message: string, problems: EdifactProblem[], interchanges: ReturnType<typeof shownDesadvFile> = []) => {
      const data = { action: 'edifact' as const, refused: status !== 200, message, problems: problems.map((p) => uploadProblem(locals.locale, p, 'lots.edifact.problem')), interchanges, lenient };
      return status === 200 ? data : fail(status, data);
    };
    if (!(file instanceof File) || file.size === 0) return outcome(400, translate(locals.locale, 'lots.edifact.noFile'), []);
    let result: DesadvFileResult;
    try {
      result = await submitDesadvFile(locals.ctx, requireActor(locals), { bytes: new Uint8Array(await file.arrayBuffer()), name: file.name }, { mode: lenient ? 'lenient' : 'strict' });
    } catch (e) {
      if (e instanceof DesadvFileError) return outcome(400, translate(locals.locale, 'lots.edifact.refused', { count: e.ediProblems.length }), e.ediProblems);
      const m = userMessage(e, locals.locale, locals.requestId, locals.log);
      return outcome(m.status, m.message, []);
    }
    const messages = result.interchanges.flatMap((ic) => ic.messages);
    const stored = messages.reduce((n, m) => n + m.lots.length, 0);
    const refusedMessages = messages.filter((m) => m.status !== 'accepted').length;
    const refusedInterchanges = result.interchanges.filter((ic) => !ic.duplicate && ic.problems.length > 0).length;
    const refused = refusedMessages + refusedInterchanges;
    const message = [
      stored || !refused ? translate(locals.locale, 'lots.edifact.stored', { count: stored }) : '',
      refusedMessages ? translate(locals.locale, 'lots.edifact.someRefused', { count: refusedMessages }) : '',
      refusedInterchanges ? translate(locals.locale, 'lots.edifact.interchangesRefused', { count: refusedInterchanges }) : '',
    ].filter(Boolean).join(' ');
    return outcome(refused ? 400 : 200, message, [], shownDesadvFile(locals.locale, result));
  },
} satisfies Actions;
