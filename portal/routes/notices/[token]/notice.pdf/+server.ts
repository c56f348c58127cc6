import { error } from '@sveltejs/kit';
import { isLocale } from '$shared/i18n/index.ts';
import { checkNoticeToken, noticeUrl } from '$shared/recalls/notice-link.ts';
import { noticeForDistributor } from '$shared/recalls/notice-for-distributor.ts';
import { getNoticeData } from '$shared/recalls/get-notice-data.ts';
import { renderNoticePdf } from '$shared/recalls/render-notice-pdf.ts';
import type { RequestHandler } from './$types';

/** The notice PDF through the e-mail link: the link's signature and expiry are the only key. */
export const GET = (async ({ locals, params, url }) => {
  const check = await checkNoticeToken(locals.ctx.db, params.token, locals.ctx.clock.now());
  if (!check.ok) error(check.reason === 'expired' ? 403 : 404, { message: 'this notice link is not valid', requestId: locals.requestId });
  const notice = await noticeForDistributor(locals.ctx.db, null, check.noticeId);
  const lang = url.searchParams.get('lang');
  const locale = isLocale(lang) ? lang : locals.locale;
  const data = await getNoticeData(locals.ctx.db, { recallId: notice.recallId, distributorOrganisationId: notice.distributorOrganisationId });
  const pdf = await renderNoticePdf(data, locale, { replyUrl: noticeUrl(url.origin, params.token) });
  return new Response(pdf as Uint8Array<ArrayBuffer>, {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="field-safety-notice-${data.recallNumber}-${locale}.pdf"`,
      'Cache-Control': 'private, no-store',
    },
  });
}) satisfies RequestHandler;
