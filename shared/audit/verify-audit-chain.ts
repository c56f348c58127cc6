import type { Db } from '../db/index.ts';
import { entryHash, genesisHash, type AuditRow } from './entry.ts';

export type ChainVerdict =
  | { ok: true; entries: number; headHash: string }
  | { ok: false; entries: number; firstBrokenSeq: number; problem: string };

const pageSize = 1000;

/**
 * Recomputes the whole chain: every entry's hash from its own columns, every link to the
 * entry before, sequence numbers without gaps, and the head kept beside the log. Reads in
 * pages so a long trail does not have to fit in memory.
 */
export async function verifyAuditChain(db: Db): Promise<ChainVerdict> {
  let expectedSeq = 1;
  let prevHash = genesisHash;
  let count = 0;
  for (;;) {
    const rows = await db.all<AuditRow>('SELECT * FROM audit_log WHERE seq >= ? ORDER BY seq LIMIT ?', [expectedSeq, pageSize]);
    for (const row of rows) {
      const broken = (problem: string): ChainVerdict => ({ ok: false, entries: count, firstBrokenSeq: row.seq, problem });
      if (row.seq !== expectedSeq) {
        return { ok: false, entries: count, firstBrokenSeq: expectedSeq, problem: `entry ${expectedSeq} is missing (next entry is ${row.seq})` };
      }
      if (row.prev_hash !== prevHash) return broken(`entry ${row.seq} does not link to entry ${row.seq - 1} (prev_hash differs)`);
      const { hash, ...rest } = row;
      if (entryHash(rest) !== hash) return broken(`entry ${row.seq} was altered (its hash does not match its content)`);
      prevHash = hash;
      expectedSeq++;
      count++;
    }
    if (rows.length < pageSize) break;
  }
  const head = await db.get<{ last_seq: number; last_hash: string }>('SELECT last_seq, last_hash FROM audit_head WHERE id = 1');
  if (!head || head.last_seq !== count || head.last_hash !== prevHash) {
    const headSeq = head?.last_seq ?? 0;
    return {
      ok: false,
      entries: count,
      firstBrokenSeq: headSeq > count ? count + 1 : headSeq + 1,
      problem: `the log ends at entry ${count} but its head records entry ${headSeq}: entries were removed from the end or the head was changed`,
    };
  }
  return { ok: true, entries: count, headHash: prevHash };
}
