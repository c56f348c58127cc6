import { isLocale } from '$shared/i18n/index.ts';
import { getRecallNoticePdf } from '$shared/recalls/get-recall-notice-pdf.ts';
import { loadFailure } from '$lib/server/errors.ts';
import type { RequestHandler } from './$types';
import { attachment } from '$lib/server/content-disposition.ts';

/** A distributor's notice PDF; who may have which is getRecallNoticePdf's to decide. */
export const GET = (async ({ locals, params, url }) => {
  const lang = url.searchParams.get('lang');
  const locale = isLocale(lang) ? lang : locals.locale;
  try {
    const { pdf, recallNumber } = await getRecallNoticePdf(locals.ctx, locals.actor, { recallId: params.id, distributorOrganisationId: url.searchParams.get('distributor'), locale });
    return new Response(pdf as Uint8Array<ArrayBuffer>, {
      headers: { 'Content-Type': 'application/pdf', 'Content-Disposition': attachment(`field-safety-notice-${recallNumber}-${locale}.pdf`) },
    });
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies RequestHandler;
