import { isLocale } from '$shared/i18n/index.ts';
import { getNoticePdfByLink } from '$shared/recalls/get-notice-pdf-by-link.ts';
import { loadFailure } from '$lib/server/errors.ts';
import type { RequestHandler } from './$types';
import { attachment } from '$lib/server/content-disposition.ts';

/** The notice PDF through the e-mail link; the link is the only key (getNoticePdfByLink). */
export const GET = (async ({ locals, params, url }) => {
  const lang = url.searchParams.get('lang');
  const locale = isLocale(lang) ? lang : locals.locale;
  try {
    const { pdf, recallNumber } = await getNoticePdfByLink(locals.ctx, { token: params.token, locale, portalUrl: url.origin });
    return new Response(pdf as Uint8Array<ArrayBuffer>, {
      headers: {
        'Content-Type': 'application/pdf',
        'Content-Disposition': attachment(`field-safety-notice-${recallNumber}-${locale}.pdf`),
        'Cache-Control': 'private, no-store',
      },
    });
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies RequestHandler;
