import { error } from '@sveltejs/kit';
import { isLocale } from '$shared/i18n/index.ts';
import { getAcknowledgement } from '$shared/recalls/get-acknowledgement.ts';
import { renderReceiptPdf } from '$shared/recalls/render-receipt-pdf.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { RequestHandler } from './$types';
import { attachment } from '$lib/server/content-disposition.ts';

/** The receipt of one signed reply, for its distributor and the manufacturer's staff. */
export const GET = (async ({ locals, params, url }) => {
  const actor = requireActor(locals);
  let ack;
  try {
    ack = await getAcknowledgement(locals.ctx.db, actor, params.ackId);
  } catch (e) {
    loadFailure(e, locals);
  }
  if (ack.recallId !== params.id) error(404, { message: 'no such reply', requestId: locals.requestId });
  const lang = url.searchParams.get('lang');
  const pdf = await renderReceiptPdf(ack, isLocale(lang) ? lang : locals.locale);
  return new Response(pdf as Uint8Array<ArrayBuffer>, {
    headers: { 'Content-Type': 'application/pdf', 'Content-Disposition': attachment(`recall-${ack.recallNumber}-reply-v${ack.version}.pdf`) },
  });
}) satisfies RequestHandler;
