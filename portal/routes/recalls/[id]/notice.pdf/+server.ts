import { error } from '@sveltejs/kit';
import { isLocale } from '$shared/i18n/index.ts';
import { getNoticeData } from '$shared/recalls/get-notice-data.ts';
import { renderNoticePdf } from '$shared/recalls/render-notice-pdf.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { RequestHandler } from './$types';

/**
 * A distributor's notice PDF: a distributor user gets its own organisation's; manufacturer
 * staff name the distributor (?distributor=org_…). Nobody else gets one, and nobody gets one
 * before the notice was sent to that distributor (at release): a recall under review has none.
 */
export const GET = (async ({ locals, params, url }) => {
  const actor = requireActor(locals);
  const distributor = actor.organisationKind === 'distributor' ? actor.organisationId : actor.organisationKind === 'manufacturer' ? url.searchParams.get('distributor') : null;
  if (!distributor) error(404, { message: 'no such notice', requestId: locals.requestId });
  const lang = url.searchParams.get('lang');
  const locale = isLocale(lang) ? lang : locals.locale;
  try {
    const data = await getNoticeData(locals.ctx.db, { recallId: params.id, distributorOrganisationId: distributor, onlySent: true });
    const pdf = await renderNoticePdf(data, locale);
    return new Response(pdf as Uint8Array<ArrayBuffer>, {
      headers: { 'Content-Type': 'application/pdf', 'Content-Disposition': `attachment; filename="field-safety-notice-${data.recallNumber}-${locale}.pdf"` },
    });
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies RequestHandler;
