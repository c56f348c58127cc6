import { getTerminationPackage } from '$shared/recalls/get-termination-package.ts';
import { renderTerminationPackagePdf } from '$shared/recalls/render-termination-package-pdf.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { attachment } from '$lib/server/content-disposition.ts';
import type { RequestHandler } from './$types';

/**
 * The recall termination request package (21 CFR 7.55) as PDF in the reader's language:
 * closing, disposition per lot, effectiveness check records and the final status report.
 * Manufacturer staff only (anyone else: 404, as for an unknown recall).
 */
export const GET: RequestHandler = async ({ locals, params }) => {
  try {
    const pkg = await getTerminationPackage(locals.ctx, requireActor(locals), params.id);
    const bytes = await renderTerminationPackagePdf(pkg, locals.locale);
    return new Response(bytes as Uint8Array<ArrayBuffer>, {
      headers: {
        'content-type': 'application/pdf',
        'content-length': String(bytes.length),
        'content-disposition': attachment(`${pkg.report.dashboard.recall.recallNumber}-termination-${pkg.report.dashboard.asOf.slice(0, 10)}.pdf`),
        'x-content-type-options': 'nosniff',
        'cache-control': 'private, no-store',
      },
    });
  } catch (e) {
    loadFailure(e, locals);
  }
};
