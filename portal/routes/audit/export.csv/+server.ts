import { allAuditEntries } from '$shared/audit/list-audit-trail.ts';
import { csvCell } from '$shared/recalls/recall-report-csv.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { auditFilters } from '../filters.ts';
import type { RequestHandler } from './$types';

const columns = ['seq', 'at', 'actor_type', 'actor_id', 'actor_name', 'organisation_id', 'action', 'entity_type', 'entity_id', 'old_values', 'new_values', 'reason', 'request_id', 'prev_hash', 'hash', 'mac', 'mac_key'] as const;

/** The filtered trail as CSV (every column, hashes and MACs included, so it can be checked offline), streamed a page at a time. */
export const GET: RequestHandler = async ({ locals, url }) => {
  const actor = requireActor(locals);
  const { query } = auditFilters(url.searchParams);
  const pages = allAuditEntries(locals.ctx, actor, query);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode('\ufeff' + columns.join(',') + '\r\n'));
    },
    async pull(controller) {
      const next = await pages.next();
      if (next.done) return controller.close();
      controller.enqueue(encoder.encode(next.value.map((row) => columns.map((c) => csvCell(row[c])).join(',') + '\r\n').join('')));
    },
  });
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="audit-trail-${locals.ctx.clock.now().toISOString().slice(0, 10)}.csv"`,
      'cache-control': 'no-store',
    },
  });
};
