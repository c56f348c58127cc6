// Record hashes re-verified: shipments from the ERP through the real use case (hashed and audited,
// BENCH_SHIPMENTS of 10 lines each, over BENCH_DISTRIBUTORS distributors), a recall of
// BENCH_RECALL_LOTS lots resolved from them, then (1) what the recall pages add per view
// (recallRecordFindings: the staff page, and one distributor's reply page with its shipments),
// and (2) `lotbridge audit verify`'s record half: verifyRecordHashes over every record, paged,
// with the peak resident memory while it runs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, tuneEmbedded } from '../shared/db/index.ts';
import { migrate } from '../shared/db/migrate.ts';
import { systemClock } from '../shared/clock.ts';
import { defaultPolicy } from '../shared/auth/policy.ts';
import { gtinCheckDigit } from '../shared/gs1/gtin.ts';
import { receiveErpEvent } from '../shared/erp/receive-erp-event.ts';
import { applyShipmentDispatched } from '../shared/erp/apply-shipment-dispatched.ts';
import { recallRecordFindings, verifyRecordHashes } from '../shared/signatures/verify-record-hashes.ts';
import { percentile, trackPeakMemory } from './_report.ts';

const distributors = Number(process.env.BENCH_DISTRIBUTORS ?? 500);
const shipments = Number(process.env.BENCH_SHIPMENTS ?? 20_000);
const lotsPerGtin = 250;
const gtinCount = 4;
const recalledLots = Number(process.env.BENCH_RECALL_LOTS ?? 50);

const dir = mkdtempSync(join(tmpdir(), 'lotbridge-bench-records-'));
const url = `file:${join(dir, 'bench.db')}`;
const db = openDb(url);
await tuneEmbedded(db, url);
await migrate(db, join(import.meta.dirname, '../migrations'));
const ctx = { db, clock: systemClock, policy: defaultPolicy };

const gtins = Array.from({ length: gtinCount }, (_, g) => {
  const first13 = `095060020${String(g).padStart(4, '0')}`;
  return first13 + gtinCheckDigit(first13);
});
const lotName = (l: number) => `LR${String(l).padStart(5, '0')}`;

await db.run(
  `WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i + 1 < ?)
   INSERT INTO organisations (id, name, kind, erp_id, created_at) SELECT 'org_bench_' || i, 'Bench distributor ' || i, 'distributor', 'C-R' || i, ? FROM k`,
  [BigInt(distributors), new Date().toISOString()],
);
const built = performance.now();
for (let s = 0; s < shipments; s += 500) {
  await db.transaction(async (tx) => {
    for (let i = s; i < Math.min(shipments, s + 500); i++) {
      await applyShipmentDispatched(tx, systemClock, {
        shipmentNumber: `SH-R-${i}`,
        distributor: { erpId: `C-R${(i * 7919) % distributors}` },
        dispatchedAt: '2026-01-15T08:00:00Z',
        lines: Array.from({ length: 10 }, (_, j) => ({ gtin: gtins[(i + j) % gtinCount]!, lot: lotName((i * 13 + j * 7) % lotsPerGtin), quantity: 10 })),
      });
    }
  });
}
console.log(`built ${shipments} shipments (${shipments * 10} lines) over ${distributors} distributors in ${((performance.now() - built) / 1000).toFixed(1)} s`);

const outcome = (
  await receiveErpEvent(ctx, {
    webhookId: 'msg_bench_records',
    sentAt: Math.floor(Date.now() / 1000),
    body: {
      type: 'recall.issued',
      timestamp: new Date().toISOString(),
      data: { recallNumber: 'FSCA-BENCH-R', issuedAt: new Date().toISOString(), reason: 'Bench', hazard: 'Bench hazard', products: [{ gtin: gtins[0], lots: Array.from({ length: recalledLots }, (_, l) => lotName(l)) }] },
    },
  })
).outcome as { recall: string; consignees: number; lines: number };
console.log(`recall of ${recalledLots} lots: ${outcome.consignees} consignees, ${outcome.lines} consignee rows`);

async function timed(name: string, work: () => Promise<unknown[]>): Promise<void> {
  const ms: number[] = [];
  let found = 0;
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    found = (await work()).length;
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  console.log(`${name}: p50 ${percentile(ms, 50).toFixed(1)} ms, p99 ${percentile(ms, 99).toFixed(1)} ms, findings ${found}`);
}
const busiest = (await db.get<{ id: string; n: number }>(
  'SELECT distributor_organisation_id AS id, COUNT(*) AS n FROM recall_consignees WHERE recall_id = ? GROUP BY 1 ORDER BY 2 DESC LIMIT 1',
  [outcome.recall],
))!;
const behind = (await db.get<{ n: number }>(
  `SELECT COUNT(DISTINCT l.shipment_id) AS n FROM recall_consignees AS c JOIN shipment_lines AS l ON l.gtin = c.gtin AND l.lot IS c.lot
   JOIN shipments AS s ON s.id = l.shipment_id AND s.distributor_organisation_id = c.distributor_organisation_id WHERE c.recall_id = ?`,
  [outcome.recall],
))!.n;
console.log(`the recall rests on ${behind} shipments; its busiest distributor has ${busiest.n} consignee rows`);
await timed('recall page (staff): recall, consignees, replies', () => recallRecordFindings(db, outcome.recall));
await timed('reply page (busiest distributor): + its shipments', () => recallRecordFindings(db, outcome.recall, busiest.id));

const before = process.memoryUsage().rss / 1024 / 1024;
const peak = trackPeakMemory();
const t0 = performance.now();
const verdict = await verifyRecordHashes(db);
const seconds = (performance.now() - t0) / 1000;
console.log(
  `audit verify, record half: ${Object.entries(verdict.checked)
    .map(([t, n]) => `${n} ${t}`)
    .join(', ')} in ${seconds.toFixed(2)} s (${(verdict.checked.shipment / seconds).toFixed(0)} shipments/s), ok ${verdict.ok}, RSS ${before.toFixed(0)} MiB before, peak ${peak().toFixed(0)} MiB while verifying`,
);

db.close();

// The real CLI in its own process, measured by /usr/bin/time: its peak memory should not grow with the records.
const cli = spawnSync('/usr/bin/time', ['-f', 'max RSS %M KiB, %e s', process.execPath, join(import.meta.dirname, '../bin/lotbridge.js'), 'audit', 'verify'], {
  // BENCH_CLI_HEAP_MB caps the CLI's V8 heap, to show the record pass needs no more than a page at a time.
  env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn', ...(process.env.BENCH_CLI_HEAP_MB ? { NODE_OPTIONS: `--max-old-space-size=${process.env.BENCH_CLI_HEAP_MB}` } : {}) },
  encoding: 'utf8',
});
console.log(`lotbridge audit verify (chain and records, exit ${cli.status}): ${cli.stderr.trim().split('\n').pop()}`);
rmSync(dir, { recursive: true, force: true });
