import type { Db } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import { canonicalJson, genesisHash } from './entry.ts';
import { verifyAuditChain, type ChainProblemCode, type ChainVerdict, type VerifyFrom } from './verify-audit-chain.ts';

/** One recorded verification of the chain, as the audit page shows it. */
export interface AuditVerification {
  at: string;
  kind: 'incremental' | 'full';
  fromSeq: number;
  throughSeq: number;
  ok: boolean;
  firstBrokenSeq: number | null;
  code: ChainProblemCode | 'record_forged' | null;
  /** False when the row's own MAC does not verify: someone wrote it without the key. */
  authentic: boolean;
}

interface VerificationRow {
  id: number;
  at: string;
  kind: 'incremental' | 'full';
  from_seq: number;
  through_seq: number;
  through_hash: string;
  ok: number;
  first_broken_seq: number | null;
  problem: string | null;
  mac: string;
  mac_key: string;
}

function material(r: Omit<VerificationRow, 'id' | 'mac' | 'mac_key'>): string {
  const { at, kind, from_seq, through_seq, through_hash, ok, first_broken_seq, problem } = r;
  return canonicalJson({ at, kind, from_seq, through_seq, through_hash, ok, first_broken_seq, problem });
}

function authentic(db: Db, r: VerificationRow): boolean {
  return db.keys.verifyMac('audit-verification', r.mac_key, material(r), r.mac);
}

function present(db: Db, r: VerificationRow): AuditVerification {
  const isAuthentic = authentic(db, r);
  return {
    at: r.at,
    kind: r.kind,
    fromSeq: r.from_seq,
    throughSeq: r.through_seq,
    ok: r.ok === 1 && isAuthentic,
    firstBrokenSeq: r.first_broken_seq,
    code: isAuthentic ? ((r.problem as ChainProblemCode | null) ?? null) : 'record_forged',
    authentic: isAuthentic,
  };
}

/** The newest verification result, for the audit page (null before the first check). */
export async function latestAuditVerification(db: Db): Promise<AuditVerification | null> {
  const row = await db.get<VerificationRow>('SELECT * FROM audit_verifications ORDER BY id DESC LIMIT 1');
  return row ? present(db, row) : null;
}

/**
 * Verifies the audit trail and records the result (MACed, so it cannot be forged by someone
 * holding only the database). `incremental` goes on from the newest authentic successful
 * verification: it re-reads that entry's hash and verifies only what was appended since, so a
 * page view never recomputes the whole trail; `full` starts at the first entry.
 */
export async function checkAuditTrail(db: Db, clock: Clock, kind: 'incremental' | 'full'): Promise<AuditVerification> {
  let from: VerifyFrom = { seq: 0, hash: genesisHash };
  let effectiveKind = kind;
  // What an authentic earlier verification saw must still be there: an entry it verified that
  // is gone or different is a finding, even when the trail that is left is consistent.
  const last = await db.get<VerificationRow>('SELECT * FROM audit_verifications WHERE ok = 1 ORDER BY id DESC LIMIT 1');
  let verdict: ChainVerdict | undefined;
  if (last && last.through_seq > 0 && authentic(db, last)) {
    const seen = await db.get<{ hash: string }>('SELECT hash FROM audit_log WHERE seq = ?', [last.through_seq]);
    if (!seen) verdict = { ok: false, entries: 0, firstBrokenSeq: last.through_seq, code: 'entry_missing', problem: `entry ${last.through_seq}, verified at ${last.at}, is gone` };
    else if (seen.hash !== last.through_hash) verdict = { ok: false, entries: 0, firstBrokenSeq: last.through_seq, code: 'entry_altered', problem: `entry ${last.through_seq} differs from when it was verified at ${last.at}` };
    else if (kind === 'incremental') from = { seq: last.through_seq, hash: last.through_hash };
  }
  if (kind === 'incremental' && from.seq === 0) effectiveKind = 'full';
  verdict ??= await verifyAuditChain(db, from);
  const row = {
    at: clock.now().toISOString(),
    kind: effectiveKind,
    from_seq: from.seq,
    through_seq: verdict.ok ? verdict.headSeq : verdict.firstBrokenSeq - 1,
    through_hash: verdict.ok ? verdict.headHash : '',
    ok: verdict.ok ? 1 : 0,
    first_broken_seq: verdict.ok ? null : verdict.firstBrokenSeq,
    problem: verdict.ok ? null : verdict.code,
  };
  const { keyId, mac } = db.keys.mac('audit-verification', material(row));
  await db.run(
    `INSERT INTO audit_verifications (at, kind, from_seq, through_seq, through_hash, ok, first_broken_seq, problem, mac, mac_key)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [row.at, row.kind, row.from_seq, row.through_seq, row.through_hash, row.ok, row.first_broken_seq, row.problem, mac, keyId],
  );
  return present(db, { id: 0, ...row, mac, mac_key: keyId });
}
