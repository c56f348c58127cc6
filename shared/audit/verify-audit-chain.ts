import type { Db } from '../db/index.ts';
import { entryHash, genesisHash, type AuditRow } from './entry.ts';

/** Why a chain does not verify: stable codes the portal words; `problem` is for the CLI. */
export type ChainProblemCode = 'entry_missing' | 'link_broken' | 'entry_altered' | 'mac_invalid' | 'mac_missing' | 'head_mismatch';

export type ChainVerdict =
  | { ok: true; entries: number; headSeq: number; headHash: string }
  | { ok: false; entries: number; firstBrokenSeq: number; code: ChainProblemCode; problem: string };

export interface VerifyFrom {
  /** The last entry already verified (0 from the start) and its hash. */
  seq: number;
  hash: string;
}

/**
 * Entries read and checked at a time. Between pages the check gives way to the event loop
 * (a timer turn): a local database answers synchronously, so without that a full check held
 * the server's only thread for the whole trail (1.7 s at the portal bench's 10x data on a busy machine,
 * every request waiting); a page of this size is a few milliseconds.
 */
export const verifyPageSize = 200;

/** A turn of the event loop (setTimeout: there is no setImmediate on Workers). */
const giveWay = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Verifies the chain from `from` (the start by default) to its head: every entry's hash from
 * its own columns, every link to the entry before, sequence numbers without gaps, every MAC
 * with the audit key kept outside the database, and the head kept beside the log.
 *
 * Someone holding the database file can recompute SHA-256 hashes but not MACs, so every entry
 * after those from before keys must carry a valid MAC. Up to which entry the trail predates
 * keys is kept beside the keys (the key file), out of the database holder's reach; where it was
 * not recorded yet (keys never installed), every entry after the first MACed one, and the
 * newest, must carry one. Reads in pages, so a long trail never has to fit in memory.
 */
export async function verifyAuditChain(db: Db, from: VerifyFrom = { seq: 0, hash: genesisHash }): Promise<ChainVerdict> {
  let expectedSeq = from.seq + 1;
  let prevHash = from.hash;
  // Resuming after a verified entry means resuming inside the keyed part of the chain.
  let keyed = from.seq > 0;
  let lastMacced = from.seq > 0;
  let count = 0;
  const keys = db.keys;
  const legacyThrough = keys.installation?.legacyThrough;
  // The head is read first and the chain verified up to it: entries appended while we page (a
  // running server goes on writing) are the next run's. Entry and head are written in one
  // transaction, so every entry up to the head read is there.
  const readHead = () => db.get<{ last_seq: number; last_hash: string }>('SELECT last_seq, last_hash FROM audit_head WHERE id = 1');
  const head = await readHead();
  let through = head?.last_seq ?? 0;
  for (;;) {
    const rows = await db.all<AuditRow>('SELECT * FROM audit_log WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT ?', [expectedSeq, through, verifyPageSize]);
    for (const row of rows) {
      const broken = (code: ChainProblemCode, problem: string): ChainVerdict => ({ ok: false, entries: count, firstBrokenSeq: row.seq, code, problem });
      if (row.seq !== expectedSeq) {
        return { ok: false, entries: count, firstBrokenSeq: expectedSeq, code: 'entry_missing', problem: `entry ${expectedSeq} is missing (next entry is ${row.seq})` };
      }
      if (row.prev_hash !== prevHash) return broken('link_broken', `entry ${row.seq} does not link to entry ${row.seq - 1} (prev_hash differs)`);
      const { hash, mac, mac_key, ...rest } = row;
      if (entryHash(rest) !== hash) return broken('entry_altered', `entry ${row.seq} was altered (its hash does not match its content)`);
      if (mac === null || mac_key === null) {
        if (keyed || (legacyThrough !== undefined && row.seq > legacyThrough)) return broken('mac_missing', `entry ${row.seq} carries no MAC although entries before it do: the chain was rewritten`);
        lastMacced = false;
      } else {
        if (!keys.verifyMac('audit-entry', mac_key, hash, mac)) {
          return broken('mac_invalid', `entry ${row.seq} has a MAC that the audit key does not confirm: the chain was recomputed without the key (or the key file is not this database's)`);
        }
        keyed = true;
        lastMacced = true;
      }
      prevHash = hash;
      expectedSeq++;
      count++;
    }
    if (rows.length < verifyPageSize) {
      // Entries past the head while the head stays where it was were not appended by Lotbridge:
      // they are verified too (and reported as what they are).
      if (through !== Number.MAX_SAFE_INTEGER && (await db.get('SELECT 1 AS x FROM audit_log WHERE seq > ? LIMIT 1', [through])) && (await readHead())?.last_seq === head?.last_seq) {
        through = Number.MAX_SAFE_INTEGER;
        continue;
      }
      break;
    }
    await giveWay();
  }
  const headSeq = expectedSeq - 1;
  if (!head || head.last_seq !== headSeq || head.last_hash !== prevHash) {
    const recorded = head?.last_seq ?? 0;
    return {
      ok: false,
      entries: count,
      firstBrokenSeq: recorded > headSeq ? headSeq + 1 : recorded + 1,
      code: 'head_mismatch',
      problem: `the log ends at entry ${headSeq} but its head records entry ${recorded}: entries were removed from the end or the head was changed`,
    };
  }
  if (headSeq > 0 && !lastMacced) {
    return {
      ok: false,
      entries: count,
      firstBrokenSeq: headSeq,
      code: 'mac_missing',
      problem: `the newest entry (${headSeq}) carries no MAC: the keyed part of the chain was removed or rewritten`,
    };
  }
  return { ok: true, entries: count, headSeq, headHash: prevHash };
}
