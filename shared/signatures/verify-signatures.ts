import type { Db } from '../db/index.ts';

export type SignatureProblemCode = 'signature_not_audited' | 'signature_differs_from_trail' | 'signature_removed';

export interface SignatureProblem {
  signatureId: string;
  entityType: string;
  entityId: string;
  code: SignatureProblemCode;
  problem: string;
}

interface SignatureRow {
  id: string;
  entity_type: string;
  entity_id: string;
  record_hash: string;
  meaning: string;
  signer_id: string;
  signer_name: string;
  method: string;
  signed_at: string;
}

const pageSize = 500;

/**
 * Checks every signature row against the `signature.applied` entry written with it: same
 * record, signer, printed name, time, meaning, method and record hash; and every such entry
 * against its row. The trail is MACed with a key kept outside the database, so a signature
 * inserted, edited or deleted by someone holding only the file (triggers dropped) is
 * reported. Pages through both.
 */
export async function verifySignatures(db: Db): Promise<{ checked: number; problems: SignatureProblem[] }> {
  const problems: SignatureProblem[] = [];
  let checked = 0;
  let after = '';
  for (;;) {
    const page = await db.all<SignatureRow>(
      'SELECT id, entity_type, entity_id, record_hash, meaning, signer_id, signer_name, method, signed_at FROM signatures WHERE id > ? ORDER BY id LIMIT ?',
      [after, pageSize],
    );
    if (page.length === 0) break;
    const entries = await db.all<{ at: string; entity_type: string; entity_id: string; actor_id: string | null; actor_name: string | null; new_values: string | null }>(
      `SELECT at, entity_type, entity_id, actor_id, actor_name, new_values FROM audit_log
        WHERE action = 'signature.applied' AND entity_id IN (SELECT value FROM json_each(?))`,
      [JSON.stringify([...new Set(page.map((s) => s.entity_id))])],
    );
    const bySignature = new Map<string, (typeof entries)[number] & { values: Record<string, unknown> }>();
    for (const e of entries) {
      const values = JSON.parse(e.new_values ?? '{}') as Record<string, unknown>;
      if (typeof values.signature === 'string') bySignature.set(values.signature, { ...e, values });
    }
    for (const s of page) {
      checked++;
      const e = bySignature.get(s.id);
      const report = (code: SignatureProblemCode, problem: string) => problems.push({ signatureId: s.id, entityType: s.entity_type, entityId: s.entity_id, code, problem });
      if (!e) report('signature_not_audited', `signature ${s.id} on ${s.entity_type} ${s.entity_id} has no signature.applied entry in the audit trail: it was not made by Lotbridge`);
      else if (
        e.entity_type !== s.entity_type ||
        e.entity_id !== s.entity_id ||
        e.actor_id !== s.signer_id ||
        e.actor_name !== s.signer_name ||
        (e.values.signedAt !== undefined && e.values.signedAt !== s.signed_at) ||
        e.values.recordHash !== s.record_hash ||
        e.values.meaning !== s.meaning ||
        e.values.method !== s.method
      ) {
        report('signature_differs_from_trail', `signature ${s.id} on ${s.entity_type} ${s.entity_id} differs from its audit entry (record, signer, printed name, time, meaning, method or record hash): it was altered`);
      }
    }
    after = page[page.length - 1]!.id;
    if (page.length < pageSize) break;
  }
  // Every signature the trail says was applied must still be there.
  let afterSeq = 0;
  for (;;) {
    const applied = await db.all<{ seq: number; entity_type: string; entity_id: string; signature: string | null }>(
      `SELECT seq, entity_type, entity_id, json_extract(new_values, '$.signature') AS signature FROM audit_log
        WHERE action = 'signature.applied' AND seq > ? ORDER BY seq LIMIT ?`,
      [afterSeq, pageSize],
    );
    if (applied.length === 0) break;
    const ids = applied.map((a) => a.signature).filter((id): id is string => typeof id === 'string');
    const present = new Set((await db.all<{ id: string }>('SELECT id FROM signatures WHERE id IN (SELECT value FROM json_each(?))', [JSON.stringify(ids)])).map((r) => r.id));
    for (const a of applied) {
      if (a.signature && !present.has(a.signature)) {
        problems.push({
          signatureId: a.signature,
          entityType: a.entity_type,
          entityId: a.entity_id,
          code: 'signature_removed',
          problem: `signature ${a.signature} on ${a.entity_type} ${a.entity_id}, applied at audit entry ${a.seq}, is gone: it was deleted`,
        });
      }
    }
    afterSeq = applied[applied.length - 1]!.seq;
    if (applied.length < pageSize) break;
  }
  return { checked, problems };
}
