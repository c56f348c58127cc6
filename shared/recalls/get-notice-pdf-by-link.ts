import type { UseCaseContext } from '../context.ts';
import type { Locale } from '../i18n/index.ts';
import { checkNoticeToken, noticeLinkRefusal, noticeUrl } from './notice-link.ts';
import { noticeForDistributor } from './notice-for-distributor.ts';
import { getNoticeData } from './get-notice-data.ts';
import { renderNoticePdf } from './render-notice-pdf.ts';

/**
 * The notice PDF through the link in its e-mail: the link's signature and expiry are the only
 * key (no account), an expired link is `forbidden`, any other bad one `not_found`. The PDF
 * points back to the same link for the reply.
 */
export async function getNoticePdfByLink(ctx: UseCaseContext, input: { token: string; locale: Locale; portalUrl: string }): Promise<{ pdf: Uint8Array; recallNumber: string }> {
  const check = await checkNoticeToken(ctx.db, input.token, ctx.clock.now());
  if (!check.ok) throw noticeLinkRefusal(check.reason, 'this notice link is not valid');
  const notice = await noticeForDistributor(ctx.db, null, check.noticeId);
  const data = await getNoticeData(ctx.db, { recallId: notice.recallId, distributorOrganisationId: notice.distributorOrganisationId });
  const pdf = await renderNoticePdf(data, input.locale, { replyUrl: noticeUrl(input.portalUrl, input.token) });
  return { pdf, recallNumber: data.recallNumber };
}
