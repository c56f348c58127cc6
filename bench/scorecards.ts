// Supplier scorecards at scale: a year (2026) of records for 500 suppliers in a real SQLite file,
// 100,000 lots against 50,000 purchase order lines (10,000 orders), 80,000 inspections, 50,000
// invoices with ~115,000 ERP status updates, 2,000 certificates, 1,000 approved supplier list
// entries and 1,000 SCARs with 8,000 8D steps, built with INSERT … SELECT from recursive CTEs.
// Then, through the real use cases: one supplier's card (getScorecard: the quarter and its trend of
// 8 quarters, and a month with its trend of 12 months; target < 100 ms) and QA's ranking of every
// supplier for a quarter (listScorecards; target < 1 s), each timed over several runs (median, p95).
// `--suppliers N` (or BENCH_SUPPLIERS) scales every count with it; the target is judged at 500.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, tuneEmbedded } from '../shared/db/index.ts';
import { migrate } from '../shared/db/migrate.ts';
import { fixedClock } from '../shared/clock.ts';
import { defaultPolicy } from '../shared/auth/policy.ts';
import type { Actor } from '../shared/auth/actor.ts';
import { getScorecard } from '../shared/scorecards/get-scorecard.ts';
import { listScorecards } from '../shared/scorecards/list-scorecards.ts';
import { percentile } from './_report.ts';

const i = process.argv.indexOf('--suppliers');
const suppliers = Number(i >= 0 ? process.argv[i + 1] : (process.env.BENCH_SUPPLIERS ?? 500));
const targetSuppliers = 500;
const lots = suppliers * 200;
const invoices = suppliers * 100;
const ordersPerSupplier = 20;
const linesPerOrder = 5;
const cardTargetMs = 100;
const rankingTargetMs = 1000;

const dir = mkdtempSync(join(tmpdir(), 'lotbridge-bench-scorecards-'));
const url = `file:${join(dir, 'bench.db')}`;
const db = openDb(url);
await tuneEmbedded(db, url);
await migrate(db, join(import.meta.dirname, '../migrations'));
const clock = fixedClock('2026-12-31T12:00:00.000Z');
const ctx = { db, clock, policy: defaultPolicy };
const n = (x: number) => BigInt(x); // libsql binds a JS number as REAL
const day = (expr: string) => `date('2026-01-01', '+' || (${expr}) || ' days')`;
const seq = (count: number) => `WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n + 1 < ${count})`;

// ---- build ------------------------------------------------------------------------------------
const buildStarted = performance.now();
const now = '2026-01-01T00:00:00.000Z';
await db.run("INSERT INTO organisations (id, name, kind, created_at) VALUES ('org_m', 'Meridian Medical Devices Inc.', 'manufacturer', ?)", [now]);
await db.run(`${seq(suppliers)} INSERT INTO organisations (id, name, kind, created_at) SELECT 'org_s' || n, 'Supplier ' || printf('%04d', n), 'supplier', ? FROM s`, [now]);
await db.run("INSERT INTO users (id, email, display_name, created_at) VALUES ('usr_qa', 'qa@bench.example', 'QA', ?), ('usr_s', 'supplier@bench.example', 'Supplier', ?)", [now, now]);
await db.run("INSERT INTO memberships (user_id, organisation_id, role, created_at) VALUES ('usr_qa', 'org_m', 'manufacturer_qa', ?)", [now]);
await db.run(
  `INSERT INTO signatures (id, entity_type, entity_id, record_hash, meaning, signer_id, signer_name, signer_email, organisation_id, method, signed_at)
   VALUES ('sig_bench', 'bench', 'bench', 'h', 'approval', 'usr_qa', 'QA', 'qa@bench.example', 'org_m', 'password', ?)`,
  [now],
);
// Orders: 20 per supplier, 5 lines each, delivery dates spread over the year.
await db.run(
  `${seq(suppliers * ordersPerSupplier)} INSERT INTO purchase_orders (id, po_number, supplier_organisation_id, status, currency, order_date, version, updated_at)
   SELECT 'po' || n, 'PO' || n, 'org_s' || (n / ?), 'open', 'EUR', '2026-01-01', 1, ? FROM s`,
  [n(ordersPerSupplier), now],
);
await db.run(
  `${seq(suppliers * ordersPerSupplier * linesPerOrder)} INSERT INTO purchase_order_lines (purchase_order_id, line_number, gtin, quantity, unit_price, delivery_date)
   SELECT 'po' || (n / ?), n % ? + 1, '09506000134352', 100, '1.00', ${day('(n * 13) % 365')} FROM s`,
  [n(linesPerOrder), n(linesPerOrder)],
);
// Lots: 200 per supplier over the year, each against one of its order lines.
await db.run(
  `${seq(lots)} INSERT INTO lots (id, organisation_id, purchase_order_id, po_line_number, gtin, lot, quantity, source, state, submitted_by, submitted_at, record_hash)
   SELECT 'lot' || n, 'org_s' || (n % ?), 'po' || ((n % ?) * ? + (n / ?) % ?), (n / ?) % ? + 1, '09506000134352', 'L' || n, 10, 'edifact', 'submitted', 'usr_s',
          ${day('(n * 37) % 365')} || 'T10:00:00.000Z', 'h' FROM s`,
  [n(suppliers), n(suppliers), n(ordersPerSupplier), n(suppliers), n(ordersPerSupplier), n(suppliers * ordersPerSupplier), n(linesPerOrder)],
);
// Inspections of 4 lots in 5, two days after submission; every 23rd rejected, every 17th accepted with a deviation.
await db.run(
  `INSERT INTO lot_inspections (id, lot_id, outcome, sample_size, defects_found, deviation, reason, decided_by, decided_at, signature_id, record_hash)
   SELECT 'insp' || k, id, CASE WHEN k % 23 = 0 THEN 'rejected' WHEN k % 17 = 0 THEN 'accepted_with_deviation' ELSE 'accepted' END, 5, 0,
          CASE WHEN k % 23 != 0 AND k % 17 = 0 THEN 'within tolerance' END, CASE WHEN k % 23 = 0 THEN 'defects' END,
          'usr_qa', date(substr(submitted_at, 1, 10), '+2 days') || 'T09:00:00.000Z', 'sig_bench', 'h'
     FROM (SELECT CAST(substr(id, 4) AS INTEGER) AS k, id, submitted_at FROM lots) WHERE k % 5 != 0`,
);
// Invoices: 100 per supplier; every one received by the ERP, 9 in 10 matched, every 13th disputed, every 3rd paid.
await db.run(
  `${seq(invoices)} INSERT INTO invoices (id, organisation_id, invoice_number, invoice_date, due_date, currency, purchase_order_id, net_total, tax_total, gross_total, tax_breakdown, state, record_hash, submitted_by, submitted_at)
   SELECT 'inv' || n, 'org_s' || (n % ?), 'INV' || n, '2026-01-01', '2026-12-31', 'EUR', 'po' || ((n % ?) * ? + (n / ?) % ?), '100.00', '19.00', '119.00', '[]', 'submitted', 'h', 'usr_s',
          ${day('(n * 53) % 365')} || 'T11:00:00.000Z' FROM s`,
  [n(suppliers), n(suppliers), n(ordersPerSupplier), n(suppliers), n(ordersPerSupplier)],
);
for (const [status, where] of [
  ['received', '1'],
  ['matched', 'k % 10 != 0'],
  ['disputed', 'k % 13 = 0'],
  ['paid', 'k % 3 = 0'],
] as const) {
  await db.run(
    `INSERT INTO invoice_status_updates (id, invoice_number, supplier_organisation_id, status, reason, occurred_at, received_at)
     SELECT 'isu_${status}' || k, invoice_number, organisation_id, '${status}', ${status === 'disputed' ? "'price'" : 'NULL'}, submitted_at, submitted_at
       FROM (SELECT CAST(substr(id, 4) AS INTEGER) AS k, invoice_number, organisation_id, submitted_at FROM invoices) WHERE ${where}`,
  );
}
// Certificates (4 per supplier, one file each): ISO 13485 v1 (superseded) and v2 with a gap of a few days
// between them, CE until a date in the autumn that varies by supplier, a CoA (per lot: not counted).
const certificates = [
  ['iso13485', 'superseded', "'2025-01-01'", "'2026-05-31'"],
  ['iso13485', 'approved', "'2026-06-05'", "'2028-01-01'"],
  ['ce_mdr', 'approved', "'2025-01-01'", `${day('240 + n % 90')}`],
  ['coa', 'approved', "'2026-01-01'", "'2026-12-31'"],
] as const;
for (const [c, [type, state, from, to]] of certificates.entries()) {
  await db.run(
    `${seq(suppliers)} INSERT INTO stored_files (id, organisation_id, sha256, size_bytes, content_type, original_name, storage_key, uploaded_by, uploaded_at)
     SELECT 'file${c}_' || n, 'org_s' || n, 'h', 1, 'application/pdf', 'c.pdf', 'k${c}_' || n, 'usr_s', ? FROM s`,
    [now],
  );
  await db.run(
    `${seq(suppliers)} INSERT INTO certificates (id, series_id, version, organisation_id, type, number, issuer, scope, covers, valid_from, valid_to, file_id, record_hash, state, submitted_by, submitted_at, decided_at, decided_by)
     SELECT 'cert${c}_' || n, 'series${type}_' || n, ${c + 1}, 'org_s' || n, '${type}', 'C${c}-' || n, 'TÜV', 'all', '{}', ${from}, ${to}, 'file${c}_' || n, 'h', '${state}', 'usr_s', ?, ${from} || 'T00:00:00.000Z', 'usr_qa' FROM s`,
    [now],
  );
}
for (const [category, required] of [
  ['A', '["iso13485","coc"]'],
  ['B', '["ce_mdr"]'],
]) {
  await db.run(
    `${seq(suppliers)} INSERT INTO supplier_approvals (id, supplier_id, item_category, status, required_certificates, reason, decided_at, created_at)
     SELECT 'asl${category}_' || n, 'org_s' || n, '${category}', 'approved', '${required}', 'bench', ?, ? FROM s`,
    [now, now],
  );
}
// SCARs: 2 per supplier, opened in the year, 8 steps a week apart; answers from 7 days early to 3 late, every 9th never.
await db.run(
  `${seq(suppliers * 2)} INSERT INTO scars (id, number, supplier_id, title, problem, severity, state, opened_by, opened_at, open_signature_id, updated_at)
   SELECT 'scar' || n, 'SCAR-' || n, 'org_s' || (n % ?), 'Burrs', 'Burrs', 'major', 'open', 'usr_qa', ${day('(n * 41) % 300')} || 'T08:00:00.000Z', 'sig_bench', ? FROM s`,
  [n(suppliers), now],
);
await db.run(
  `${seq(8)} INSERT INTO scar_steps (scar_id, step, due_date, submitted_at, first_submitted_at)
   SELECT id, step, due, at, at FROM (
     SELECT x.id, 'D' || (s.n + 1) AS step, date(substr(x.opened_at, 1, 10), '+' || (7 * (s.n + 1)) || ' days') AS due,
            CASE WHEN (CAST(substr(x.id, 5) AS INTEGER) + s.n) % 9 = 0 THEN NULL
                 ELSE date(substr(x.opened_at, 1, 10), '+' || (7 * (s.n + 1) + (CAST(substr(x.id, 5) AS INTEGER) + s.n) % 11 - 7) || ' days') || 'T12:00:00.000Z' END AS at
       FROM scars x CROSS JOIN s)`,
);
await db.run('ANALYZE');
const count = async (table: string) => (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n;
const counts = Object.fromEntries(
  await Promise.all(['organisations', 'purchase_orders', 'purchase_order_lines', 'lots', 'lot_inspections', 'invoices', 'invoice_status_updates', 'certificates', 'supplier_approvals', 'scars', 'scar_steps'].map(async (t) => [t, await count(t)])),
);
console.log(`bench scorecards: built in ${((performance.now() - buildStarted) / 1000).toFixed(1)} s:`, counts);

// ---- measure ----------------------------------------------------------------------------------
const qa: Actor = { userId: 'usr_qa', email: 'qa@bench.example', displayName: 'QA', organisationId: 'org_m', organisationName: 'Meridian', organisationKind: 'manufacturer', role: 'manufacturer_qa' };
/** Wall-clock times of the runs (sorted) and this process's CPU time per run (the machine is shared: both are printed). */
async function time(runs: number, work: (run: number) => Promise<unknown>): Promise<{ ms: number[]; cpuMs: number }> {
  await work(-1); // warm-up (statement cache, pages)
  const ms: number[] = [];
  const cpu = process.cpuUsage();
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    await work(r);
    ms.push(performance.now() - started);
  }
  const used = process.cpuUsage(cpu);
  return { ms: ms.sort((a, b) => a - b), cpuMs: (used.user + used.system) / 1000 / runs };
}
const supplierOf = (run: number) => `org_s${(run * 97 + 13) % suppliers}`;
const card = await getScorecard(ctx, qa, supplierOf(0), { period: '2026-Q4' });
console.log(`one card (${card.supplier.name}, 2026-Q4):`, Object.fromEntries(Object.entries(card.current.measures).map(([m, r]) => [m, `${r.numerator}/${r.denominator}`])), 'score', card.current.score?.toFixed(1));
const rows = [
  { name: 'card, quarter + 8 quarters of trend', target: cardTargetMs, ...(await time(25, (r) => getScorecard(ctx, qa, supplierOf(r + 1), { period: '2026-Q4' }))) },
  { name: 'card, month + 12 months of trend', target: cardTargetMs, ...(await time(25, (r) => getScorecard(ctx, qa, supplierOf(r + 1), { period: '2026-12' }))) },
  { name: `ranking of ${suppliers} suppliers, quarter`, target: rankingTargetMs, ...(await time(7, () => listScorecards(ctx, qa, { period: '2026-Q4' }))) },
  { name: `ranking of ${suppliers} suppliers, month`, target: rankingTargetMs, ...(await time(7, () => listScorecards(ctx, qa, { period: '2026-12' }))) },
];
console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores (wall-clock times include waiting for a core)`);
console.log(['workload'.padEnd(40), 'runs'.padStart(5), 'median ms'.padStart(11), 'p95 ms'.padStart(9), 'CPU ms/run'.padStart(12), 'target ms'.padStart(11), '  result (p95)'].join(''));
let allMet = true;
for (const r of rows) {
  const p95 = percentile(r.ms, 95);
  const met = p95 < r.target;
  allMet &&= met;
  console.log(
    [r.name.padEnd(40), String(r.ms.length).padStart(5), percentile(r.ms, 50).toFixed(1).padStart(11), p95.toFixed(1).padStart(9), r.cpuMs.toFixed(1).padStart(12), String(r.target).padStart(11), `  ${met ? 'met' : 'NOT met'}`].join(''),
  );
}
if (suppliers < targetSuppliers) console.log(`(at ${suppliers} suppliers: the target is judged at ${targetSuppliers})`);
console.log(`targets (p95): one card < ${cardTargetMs} ms, the ranking < ${rankingTargetMs} ms: ${allMet ? 'met' : 'NOT met'}`);
db.close();
if (process.env.BENCH_KEEP) console.log(`kept ${url}`);
else rmSync(dir, { recursive: true, force: true });
