import { createHash } from 'node:crypto';

export const genesisHash = '0'.repeat(64);

/** Who did it: a signed-in person, a partner's system (AS2, API, ERP) or Lotbridge itself. */
export type AuditActor =
  | { type: 'user'; id: string; name: string }
  | { type: 'partner'; id: string; name: string }
  | { type: 'system'; id?: string; name: string };

/** One row of audit_log, as stored. */
export interface AuditRow {
  seq: number;
  at: string;
  actor_type: AuditActor['type'];
  actor_id: string | null;
  actor_name: string | null;
  organisation_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  old_values: string | null;
  new_values: string | null;
  reason: string | null;
  request_id: string | null;
  prev_hash: string;
  hash: string;
  /** HMAC-SHA256 of `hash` with the audit key `mac_key` (kept outside the database); null before keys existed. */
  mac: string | null;
  mac_key: string | null;
}

/** JSON with object keys sorted at every depth: one byte sequence per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** SHA-256 over the canonical encoding of every column but the hash and its MAC. */
export function entryHash(row: Omit<AuditRow, 'hash' | 'mac' | 'mac_key'>): string {
  const { seq, at, actor_type, actor_id, actor_name, organisation_id, action, entity_type, entity_id } = row;
  const material = canonicalJson({
    seq,
    at,
    actor_type,
    actor_id,
    actor_name,
    organisation_id,
    action,
    entity_type,
    entity_id,
    old_values: row.old_values,
    new_values: row.new_values,
    reason: row.reason,
    request_id: row.request_id,
    prev_hash: row.prev_hash,
  });
  return createHash('sha256').update(material).digest('hex');
}
