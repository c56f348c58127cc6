import { getRecallStatusReport } from '$shared/recalls/recall-status-report.ts';
import { recallReportCsv } from '$shared/recalls/recall-report-csv.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { RequestHandler } from './$types';
import { attachment } from '$lib/server/content-disposition.ts';

/** RFC 6266: an ASCII fallback and the UTF-8 name. */
/**
 * The recall status report as CSV, one row per consignee and lot, in the reader's language;
 * manufacturer staff only (anyone else: 404). `?names=0` leaves the non-responders' names out.
 */
export const GET: RequestHandler = async ({ locals, params, url }) => {
  try {
    const report = await getRecallStatusReport(locals.ctx, requireActor(locals), params.id, { nonResponderNames: url.searchParams.get('names') !== '0' });
    const body = new TextEncoder().encode(recallReportCsv(report, locals.locale));
    const day = report.dashboard.asOf.slice(0, 10);
    return new Response(body, {
      headers: {
        'content-type': 'text/csv; charset=utf-8; header=present',
        'content-length': String(body.length),
        'content-disposition': attachment(`${report.dashboard.recall.recallNumber}-status-${day}.csv`),
        'x-content-type-options': 'nosniff',
        'cache-control': 'private, no-store',
      },
    });
  } catch (e) {
    loadFailure(e, locals);
  }
};
