import { isLocale, type Locale } from '$shared/i18n/index.ts';
import { getNmpaDocument } from '$shared/recalls/nmpa-documents.ts';
import { renderNmpaDocumentPdf } from '$shared/recalls/render-nmpa-document-pdf.ts';
import { attachment } from '$lib/server/content-disposition.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { RequestHandler } from './$types';

/**
 * One of the documents filed with the NMPA provincial authority (report-form 召回事件报告表,
 * plan 召回计划, summary 召回总结评估报告) as PDF, in Chinese unless `?lang=` names another
 * language; manufacturer staff only, for a recall with a CN-NMPA classification (anyone else,
 * any other recall: 404). Each download is audited.
 */
export const GET: RequestHandler = async ({ locals, params, url }) => {
  try {
    const asked = url.searchParams.get('lang');
    const locale: Locale = asked && isLocale(asked) ? asked : 'zh-CN';
    const data = await getNmpaDocument(locals.ctx, requireActor(locals), { recallId: params.id, document: params.document, locale });
    const bytes = await renderNmpaDocumentPdf(data, locale);
    const recallNumber = data.timeline.recall.recallNumber;
    return new Response(bytes as Uint8Array<ArrayBuffer>, {
      headers: {
        'content-type': 'application/pdf',
        'content-length': String(bytes.length),
        'content-disposition': attachment(`${recallNumber}-nmpa-${data.document}-${data.report.dashboard.asOf.slice(0, 10)}.pdf`),
        'x-content-type-options': 'nosniff',
        'cache-control': 'private, no-store',
      },
    });
  } catch (e) {
    loadFailure(e, locals);
  }
};
