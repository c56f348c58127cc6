import { getRecallStatusReport } from '$shared/recalls/recall-status-report.ts';
import { renderRecallReportPdf } from '$shared/recalls/render-recall-report-pdf.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { RequestHandler } from './$types';
import { attachment } from '$lib/server/content-disposition.ts';

/** RFC 6266: an ASCII fallback and the UTF-8 name. */
/**
 * The recall status report (21 CFR 7.53(b)) as PDF in the reader's language; manufacturer
 * staff only (anyone else: 404). `?names=0` leaves the non-responders' names out.
 */
export const GET: RequestHandler = async ({ locals, params, url }) => {
  try {
    const report = await getRecallStatusReport(locals.ctx, requireActor(locals), params.id, { nonResponderNames: url.searchParams.get('names') !== '0' });
    const bytes = await renderRecallReportPdf(report, locals.locale);
    const day = report.dashboard.asOf.slice(0, 10);
    return new Response(bytes as Uint8Array<ArrayBuffer>, {
      headers: {
        'content-type': 'application/pdf',
        'content-length': String(bytes.length),
        'content-disposition': attachment(`${report.dashboard.recall.recallNumber}-status-${day}.pdf`),
        'x-content-type-options': 'nosniff',
        'cache-control': 'private, no-store',
      },
    });
  } catch (e) {
    loadFailure(e, locals);
  }
};
