import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { csvCell } from '../recalls/recall-report-csv.ts';
import { allAuditEntries, type AuditTrailQuery } from './list-audit-trail.ts';

const columns = ['seq', 'at', 'actor_type', 'actor_id', 'actor_name', 'organisation_id', 'action', 'entity_type', 'entity_id', 'old_values', 'new_values', 'reason', 'request_id', 'prev_hash', 'hash', 'mac', 'mac_key'] as const;

/**
 * The entries the actor may see and the query selects, as CSV lines (a BOM and the header
 * first, then a chunk per page of entries): every column, hashes and MACs included, so the
 * export can be checked offline. Scoped like the audit page.
 */
export async function* auditTrailCsv(ctx: UseCaseContext, actor: Actor, query: Omit<AuditTrailQuery, 'beforeSeq' | 'limit'>): AsyncGenerator<string> {
  yield '\ufeff' + columns.join(',') + '\r\n';
  for await (const page of allAuditEntries(ctx, actor, query)) {
    yield page.map((row) => columns.map((c) => csvCell(row[c])).join(',') + '\r\n').join('');
  }
}
