import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { ownedBy } from '../auth/scope.ts';
import type { AuditRow } from './entry.ts';

export interface AuditTrailPage {
  entries: AuditRow[];
  /** Pass as `beforeSeq` for the next (older) page; null at the start of the trail. */
  nextBeforeSeq: number | null;
}

export interface AuditTrailQuery {
  /** An actor's id, or part of their printed name. */
  actor?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  /** Manufacturer staff only: one organisation's entries. */
  organisationId?: string;
  /** ISO date-times: from inclusive, to exclusive. */
  from?: string;
  to?: string;
  beforeSeq?: number;
  limit?: number;
}

/** The WHERE clause of a query, always scoped to what the actor may see. */
function filter(actor: Actor, query: AuditTrailQuery): { sql: string; args: (string | number)[] } {
  const where: string[] = [];
  const args: (string | number)[] = [];
  const add = (sql: string, ...values: (string | number)[]) => {
    where.push(sql);
    args.push(...values);
  };
  if (actor.organisationKind !== 'manufacturer') {
    const scope = ownedBy(actor);
    add(scope.sql, ...scope.args);
  } else if (query.organisationId) add('organisation_id = ?', query.organisationId);
  if (query.actor) add("(actor_id = ? OR actor_name LIKE ? ESCAPE '\\')", query.actor, `%${query.actor.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (query.action) add('action = ?', query.action);
  if (query.entityType) add('entity_type = ?', query.entityType);
  if (query.entityId) add('entity_id = ?', query.entityId);
  if (query.from) add('at >= ?', query.from);
  if (query.to) add('at < ?', query.to);
  if (query.beforeSeq) add('seq < ?', query.beforeSeq);
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', args };
}

/**
 * The audit trail, newest first. The manufacturer runs the regulated system, so its staff see
 * every entry; suppliers and distributors see the entries of their own organisation.
 */
export async function listAuditTrail(ctx: UseCaseContext, actor: Actor, query: AuditTrailQuery = {}): Promise<AuditTrailPage> {
  const { sql, args } = filter(actor, query);
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 1000);
  const entries = await ctx.db.all<AuditRow>(`SELECT * FROM audit_log ${sql} ORDER BY seq DESC LIMIT ?`, [...args, limit + 1]);
  const more = entries.length > limit;
  const page = entries.slice(0, limit);
  return { entries: page, nextBeforeSeq: more ? page[page.length - 1]!.seq : null };
}

/** Every entry the query selects, newest first, a page at a time (for the CSV export). */
export async function* allAuditEntries(ctx: UseCaseContext, actor: Actor, query: Omit<AuditTrailQuery, 'beforeSeq' | 'limit'>): AsyncGenerator<AuditRow[]> {
  let beforeSeq: number | undefined;
  for (;;) {
    const page = await listAuditTrail(ctx, actor, { ...query, beforeSeq, limit: 1000 });
    if (page.entries.length) yield page.entries;
    if (page.nextBeforeSeq === null) return;
    beforeSeq = page.nextBeforeSeq;
  }
}

/** The organisations an actor may filter by (the manufacturer's staff: all). */
export async function auditOrganisations(ctx: UseCaseContext, actor: Actor): Promise<{ id: string; name: string }[]> {
  if (actor.organisationKind !== 'manufacturer') return [];
  return ctx.db.all<{ id: string; name: string }>('SELECT id, name FROM organisations ORDER BY name');
}
