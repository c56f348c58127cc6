import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { ownedBy } from '../auth/scope.ts';
import type { AuditRow } from './entry.ts';

export interface AuditTrailPage {
  entries: AuditRow[];
  /** Pass as `beforeSeq` for the next (older) page; null at the start of the trail. */
  nextBeforeSeq: number | null;
}

/**
 * The audit trail, newest first. The manufacturer runs the regulated system, so its staff see
 * every entry; suppliers and distributors see the entries of their own organisation.
 */
export async function listAuditTrail(
  ctx: UseCaseContext,
  actor: Actor,
  query: { entityType?: string; entityId?: string; beforeSeq?: number; limit?: number } = {},
): Promise<AuditTrailPage> {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (actor.organisationKind !== 'manufacturer') {
    const scope = ownedBy(actor);
    where.push(scope.sql);
    args.push(...scope.args);
  }
  if (query.entityType) {
    where.push('entity_type = ?');
    args.push(query.entityType);
  }
  if (query.entityId) {
    where.push('entity_id = ?');
    args.push(query.entityId);
  }
  if (query.beforeSeq) {
    where.push('seq < ?');
    args.push(query.beforeSeq);
  }
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
  const entries = await ctx.db.all<AuditRow>(
    `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`,
    [...args, limit + 1],
  );
  const more = entries.length > limit;
  const page = entries.slice(0, limit);
  return { entries: page, nextBeforeSeq: more ? page[page.length - 1]!.seq : null };
}
