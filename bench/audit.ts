// The audit trail's cost: every regulated change appends one hash-chained entry in its own
// transaction. Baseline, in the same run and database: the same row inserted in the same
// kind of transaction without reading the head or hashing. Then the chain verification rate,
// and what a view of /audit costs for the chain status against a whole-chain recomputation.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, tuneEmbedded } from '../shared/db/index.ts';
import { migrate } from '../shared/db/migrate.ts';
import { systemClock } from '../shared/clock.ts';
import { recordAudit } from '../shared/audit/record-audit.ts';
import { verifyAuditChain } from '../shared/audit/verify-audit-chain.ts';
import { checkAuditTrail, latestAuditVerification } from '../shared/audit/check-audit-trail.ts';
import { printTable, summarise, trackPeakMemory } from './_report.ts';

const entries = Number(process.env.BENCH_ENTRIES ?? 5000);
const dir = mkdtempSync(join(tmpdir(), 'lotbridge-bench-audit-'));
const url = `file:${join(dir, 'bench.db')}`;
const db = openDb(url);
await tuneEmbedded(db, url);
await migrate(db, join(import.meta.dirname, '../migrations'));
await db.run(`CREATE TABLE baseline_log AS SELECT * FROM audit_log WHERE 0`);
const peak = trackPeakMemory();

const event = (i: number) => ({
  actor: { type: 'user' as const, id: 'usr_bench', name: 'Bench User' },
  organisationId: 'org_bench',
  action: 'lot.submitted' as const,
  entityType: 'lot',
  entityId: `lot_${i}`,
  newValues: { gtin: '09506000134352', lot: `L${i}`, quantity: i % 500 },
});

async function timed(n: number, one: (i: number) => Promise<unknown>): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await one(i);
    latencies.push(performance.now() - t);
  }
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

const insertBaseline = (i: number) =>
  db.transaction((tx) =>
    tx.run(
      `INSERT INTO baseline_log (seq, at, actor_type, actor_id, actor_name, organisation_id, action, entity_type, entity_id, new_values, prev_hash, hash)
       VALUES (?, ?, 'user', 'usr_bench', 'Bench User', 'org_bench', 'lot.submitted', 'lot', ?, ?, '', '')`,
      [i + 1, new Date().toISOString(), `lot_${i}`, JSON.stringify(event(i).newValues)],
    ),
  );
const appendAudit = (i: number) => db.transaction((tx) => recordAudit(tx, systemClock, event(i)));

// Alternating rounds so warm-up, WAL checkpoints and machine noise fall on both sides alike.
const rounds = 5;
const perRound = Math.ceil(entries / rounds);
const baseline = { latencies: [] as number[], seconds: 0 };
const chained = { latencies: [] as number[], seconds: 0 };
for (let r = 0; r < rounds; r++) {
  for (const [into, one] of [[baseline, insertBaseline], [chained, appendAudit]] as const) {
    const run = await timed(perRound, (i) => one(r * perRound + i));
    into.latencies.push(...run.latencies);
    into.seconds += run.seconds;
  }
}

const verifyStarted = performance.now();
const verdict = await verifyAuditChain(db);
const verifySeconds = (performance.now() - verifyStarted) / 1000;

// What a view of /audit costs for the chain's status now (the newest background result, read
// and its MAC checked), against the whole-chain recomputation each view used to do; and the
// background check that goes on from the last verified entry after 1 % more entries.
await checkAuditTrail(db, systemClock, 'full');
const more = Math.max(1, Math.round(entries / 100));
for (let i = 0; i < more; i++) await appendAudit(entries + i);
const incrementalStarted = performance.now();
const incremental = await checkAuditTrail(db, systemClock, 'incremental');
const incrementalSeconds = (performance.now() - incrementalStarted) / 1000;
const views: number[] = [];
for (let i = 0; i < 200; i++) {
  const t = performance.now();
  await latestAuditVerification(db);
  views.push(performance.now() - t);
}
views.sort((x, y) => x - y);
const viewP99 = views[Math.floor(views.length * 0.99)]!;
const peakMiB = peak();

console.log(`bench audit: ${entries} entries, one transaction each, embedded SQLite (WAL) in ${dir}`);
printTable([
  summarise('baseline: plain INSERT per transaction', baseline.latencies, baseline.seconds),
  summarise('audit: recordAudit (head read + SHA-256 chain + HMAC)', chained.latencies, chained.seconds),
]);
const ratio = baseline.seconds / chained.seconds;
console.log(`audit append rate = ${(ratio * 100).toFixed(0)} % of the baseline in the same run`);
console.log(`verify: ${verdict.ok ? 'intact' : 'BROKEN'}, ${verdict.entries} entries in ${verifySeconds.toFixed(3)} s = ${(verdict.entries / verifySeconds).toFixed(0)} entries/s`);
console.log(`background check, incremental: ${incremental.ok ? 'intact' : 'BROKEN'}, entries ${incremental.fromSeq + 1}–${incremental.throughSeq} in ${(incrementalSeconds * 1000).toFixed(1)} ms`);
const target = (verifySeconds * 1000) / 100;
console.log(
  `chain status per /audit view: p99 ${viewP99.toFixed(2)} ms; a whole-chain recomputation (what each view did before) ${(verifySeconds * 1000).toFixed(0)} ms; target ≤ 1 % of it (${target.toFixed(2)} ms): ${viewP99 <= target ? 'met' : 'NOT met'}`,
);
console.log(`peak RSS: ${peakMiB.toFixed(0)} MiB`);
db.close();
rmSync(dir, { recursive: true, force: true });
