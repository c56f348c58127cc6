import type { auditEn } from '../i18n/audit.en.ts';
import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import { canonicalJson, entryHash, genesisHash, type AuditActor, type AuditRow } from './entry.ts';

/** Every action the audit trail knows, from its readable names (`audit.act.<action>` in the catalogue). */
export type AuditAction = Extract<keyof typeof auditEn, `audit.act.${string}`> extends `audit.act.${infer A}` ? A : never;

export interface AuditEvent {
  actor: AuditActor;
  organisationId: string | null;
  /** One of the actions the catalogue names (`audit.act.<action>`): a new action without a readable name does not compile. */
  action: AuditAction;
  entityType: string;
  entityId: string | null;
  oldValues?: unknown;
  newValues?: unknown;
  reason?: string;
  requestId?: string;
}

function json(v: unknown): string | null {
  return v === undefined ? null : canonicalJson(v);
}

/**
 * Appends one entry to the audit trail inside the caller's transaction, so the entry and the
 * change it records commit or roll back together. The caller never supplies time or hashes.
 */
export async function recordAudit(tx: Tx, clock: Clock, event: AuditEvent): Promise<AuditRow> {
  const head = await tx.get<{ last_seq: number; last_hash: string }>('SELECT last_seq, last_hash FROM audit_head WHERE id = 1');
  const prev = head ?? { last_seq: 0, last_hash: genesisHash };
  const row: Omit<AuditRow, 'hash' | 'mac' | 'mac_key'> = {
    seq: prev.last_seq + 1,
    at: clock.now().toISOString(),
    actor_type: event.actor.type,
    actor_id: event.actor.id ?? null,
    actor_name: event.actor.name,
    organisation_id: event.organisationId,
    action: event.action,
    entity_type: event.entityType,
    entity_id: event.entityId,
    old_values: json(event.oldValues),
    new_values: json(event.newValues),
    reason: event.reason ?? null,
    request_id: event.requestId ?? null,
    prev_hash: prev.last_hash,
  };
  const hash = entryHash(row);
  // The MAC, with a key kept outside the database, is what someone holding only the database
  // file cannot recompute after changing an entry (the hash alone they could).
  const { keyId, mac } = tx.keys.mac('audit-entry', hash);
  const full: AuditRow = { ...row, hash, mac, mac_key: keyId };
  await tx.run(
    `INSERT INTO audit_log (seq, at, actor_type, actor_id, actor_name, organisation_id, action, entity_type, entity_id,
                            old_values, new_values, reason, request_id, prev_hash, hash, mac, mac_key)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      full.seq, full.at, full.actor_type, full.actor_id, full.actor_name, full.organisation_id, full.action, full.entity_type, full.entity_id,
      full.old_values, full.new_values, full.reason, full.request_id, full.prev_hash, full.hash, full.mac, full.mac_key,
    ],
  );
  return full;
}
