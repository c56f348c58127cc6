import { auditTrailCsv } from '$shared/audit/audit-trail-csv.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { auditFilters } from '../filters.ts';
import type { RequestHandler } from './$types';
import { attachment } from '$lib/server/content-disposition.ts';

/** The filtered trail as CSV, streamed a page at a time. */
export const GET: RequestHandler = async ({ locals, url }) => {
  const chunks = auditTrailCsv(locals.ctx, requireActor(locals), auditFilters(url.searchParams).query);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
  });
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': attachment(`audit-trail-${locals.ctx.clock.now().toISOString().slice(0, 10)}.csv`),
      'cache-control': 'no-store',
    },
  });
};
