import type { Db } from '../db/index.ts';

/** One audit entry about a record, as a history page shows it. */
export interface HistoryEntry {
  seq: number;
  at: string;
  actorType: string;
  actorName: string | null;
  action: string;
  entityType: string;
  oldValues: Record<string, unknown> | null;
  newValues: Record<string, unknown> | null;
  reason: string | null;
}

/** The audit trail entries about one record, or a record and the records it owns (its file, say). */
export type HistoryRef = { entityType: string; entityId: string; organisationId?: string };

function parse(json: string | null): Record<string, unknown> | null {
  return json ? (JSON.parse(json) as Record<string, unknown>) : null;
}

/**
 * A record's history, drawn from the audit trail in order. `organisationId` narrows a ref whose
 * id is only unique within an organisation (an invoice number, say).
 */
export async function recordHistory(db: Db, refs: HistoryRef[]): Promise<HistoryEntry[]> {
  if (refs.length === 0) return [];
  const where = refs.map((r) => `(entity_type = ? AND entity_id = ?${r.organisationId ? ' AND organisation_id = ?' : ''})`).join(' OR ');
  const args = refs.flatMap((r) => [r.entityType, r.entityId, ...(r.organisationId ? [r.organisationId] : [])]);
  const rows = await db.all<{ seq: number; at: string; actor_type: string; actor_name: string | null; action: string; entity_type: string; old_values: string | null; new_values: string | null; reason: string | null }>(
    `SELECT seq, at, actor_type, actor_name, action, entity_type, old_values, new_values, reason FROM audit_log WHERE ${where} ORDER BY seq`,
    args,
  );
  return rows.map((h) => ({
    seq: h.seq,
    at: h.at,
    actorType: h.actor_type,
    actorName: h.actor_name,
    action: h.action,
    entityType: h.entity_type,
    oldValues: parse(h.old_values),
    newValues: parse(h.new_values),
    reason: h.reason,
  }));
}
