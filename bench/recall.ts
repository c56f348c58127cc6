// Recall consignee resolution at scale: a database of 20,000 distributors and 10,000,000
// shipment lines (the scale the target is judged at; smaller with --lines/--distributors), then recall.issued for 200 lots through the real use case (receiveErpEvent: schema
// validation, applyRecallIssued, resolveConsignees, audit, inbound record, one transaction),
// timed from the call to the commit of all recall_consignees rows, then QA's release of the
// notices (sendRecallNotices: a notice, a mail with its signed link and a recall.notice_sent
// event with a webhook delivery per consignee, one transaction). Target: recall.issued → all
// notices queued under 2 s. Baseline, in the same run and database: a plain SELECT COUNT(*),
// SUM(quantity) over the matching lines.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { openDb, tuneEmbedded } from '../shared/db/index.ts';
import { migrate } from '../shared/db/migrate.ts';
import { systemClock } from '../shared/clock.ts';
import { defaultPolicy } from '../shared/auth/policy.ts';
import { gtinCheckDigit } from '../shared/gs1/gtin.ts';
import { receiveErpEvent } from '../shared/erp/receive-erp-event.ts';
import { createOrganisation } from '../shared/organisations/create-organisation.ts';
import { addUser } from '../shared/organisations/add-user.ts';
import { configureDefaultEndpoint } from '../shared/webhooks/configure-default-endpoint.ts';
import { generateSecret } from '../shared/webhooks/signature.ts';
import { sendRecallNotices } from '../shared/recalls/send-recall-notices.ts';
import type { Actor } from '../shared/auth/actor.ts';
import { getNoticeData } from '../shared/recalls/get-notice-data.ts';
import { renderNoticePdf } from '../shared/recalls/render-notice-pdf.ts';
import { percentile, trackPeakMemory } from './_report.ts';

// The scale: `--lines N --distributors N` (or BENCH_LINES / BENCH_DISTRIBUTORS); the target is
// judged at 10,000,000 lines and 20,000 distributors, the default. `--db PATH` builds the
// database there once and reuses it on later runs (it is kept; without it a temporary one is
// built and removed).
function option(name: string, env: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : (process.env[env] ?? fallback);
}
const targetLines = 10_000_000;
const targetDistributors = 20_000;
const distributors = Number(option('distributors', 'BENCH_DISTRIBUTORS', String(targetDistributors)));
const lines = Number(option('lines', 'BENCH_LINES', String(targetLines)));
const keptDb = option('db', 'BENCH_DB', '');
const gtinCount = Number(process.env.BENCH_GTINS ?? 20);
const lotsPerGtin = Number(process.env.BENCH_LOTS_PER_GTIN ?? 250);
const recalledLots = Number(process.env.BENCH_RECALL_LOTS ?? 200);
const linesPerShipment = 10;
const batch = 1_000_000;
const targetMs = 2000;
const atTargetScale = lines >= targetLines && distributors >= targetDistributors;

const dir = keptDb ? dirname(resolve(keptDb)) : mkdtempSync(join(tmpdir(), 'lotbridge-bench-recall-'));
const file = keptDb ? resolve(keptDb) : join(dir, 'bench.db');
const reuse = keptDb !== '' && existsSync(file);
const url = `file:${file}`;
const db = openDb(url);
await tuneEmbedded(db, url);
await migrate(db, join(import.meta.dirname, '../migrations'));
const peak = trackPeakMemory();

const gtins = Array.from({ length: gtinCount }, (_, g) => {
  const first13 = `095060010${String(g).padStart(4, '0')}`;
  return first13 + gtinCheckDigit(first13);
});
const lotName = (l: number) => `LB${String(l).padStart(5, '0')}`;

// (Integers are bound as BigInt: libsql binds a JS number as REAL, and 'x' || 5.0 is 'x5.0'.)
// ---- build -------------------------------------------------------------------------------
// Each line gets a pseudo-random (GTIN, lot) from a multiplicative hash of its number, so a
// lot's lines are spread over many shipments and distributors. Every 20th line is serialised;
// every 10th has no expiry date. All inserts are INSERT … SELECT from a recursive CTE, in
// key order (the shipment numbers zero-padded), with the secondary indexes of shipment_lines
// dropped during the load and made again after it from their own definitions: one sort of
// 10 M entries instead of 10 M random inserts. (A bench database: no fsync while it is built.)
if (reuse) {
  const n = (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM shipment_lines'))!.n;
  const d = (await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM organisations WHERE kind = 'distributor'"))!.n;
  if (n !== lines || d !== distributors) throw new Error(`${file} holds ${n} lines and ${d} distributors, not ${lines} and ${distributors}`);
  console.log(`bench recall: reusing ${file}: ${d} distributors, ${n} shipment lines`);
} else {
  const buildStarted = performance.now();
  const synchronous = (await db.get<{ synchronous: number }>('PRAGMA synchronous'))!.synchronous;
  const cacheSize = (await db.get<{ cache_size: number }>('PRAGMA cache_size'))!.cache_size;
  await db.run('PRAGMA synchronous = OFF');
  await db.run('PRAGMA cache_size = -262144'); // 256 MiB: the index builds sort in memory
  const now = new Date().toISOString();
  await db.transaction(async (tx) => {
    await tx.run(
      `WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i + 1 < ?)
       INSERT INTO organisations (id, name, kind, erp_id, created_at)
       SELECT 'org_bench_' || i, 'Bench distributor ' || i, 'distributor', 'C-B' || i, ? FROM k`,
      [BigInt(distributors), now],
    );
    await tx.run(
      `WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i + 1 < ?)
       INSERT INTO shipments (id, shipment_number, distributor_organisation_id, dispatched_at, received_at)
       SELECT printf('shp_bench_%08d', i), printf('SH-B-%08d', i), 'org_bench_' || ((i * 7919) % ?), '2026-01-15T08:00:00Z', ? FROM k`,
      [BigInt(Math.ceil(lines / linesPerShipment)), BigInt(distributors), now],
    );
  });
  const indexes = await db.all<{ name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'shipment_lines' AND sql IS NOT NULL");
  for (const i of indexes) await db.run(`DROP INDEX ${i.name}`);
  for (let from = 0; from < lines; from += batch) {
    const to = Math.min(lines, from + batch);
    await db.transaction((tx) =>
      tx.run(
        `WITH RECURSIVE a(first, stop, gtins, lots, per, gtin_list) AS (SELECT ?, ?, ?, ?, ?, ?),
         k(i) AS (SELECT first FROM a UNION ALL SELECT i + 1 FROM k, a WHERE i + 1 < stop),
         h(i, pair) AS (SELECT i, ((i * 2654435761) % 4294967291) % (gtins * lots) FROM k, a)
         INSERT INTO shipment_lines (shipment_id, line_number, gtin, lot, serials, quantity, expiry_date)
         SELECT printf('shp_bench_%08d', i / per), (i % per) + 1,
                json_extract(gtin_list, '$[' || (pair / lots) || ']'),
                printf('LB%05d', pair % lots),
                CASE WHEN i % 20 = 0 THEN json_array('SN' || i || 'a', 'SN' || i || 'b') ELSE '[]' END,
                CASE WHEN i % 20 = 0 THEN 2 ELSE 1 + (i % 97) END,
                CASE WHEN i % 10 = 5 THEN NULL ELSE date('2027-01-01', '+' || (pair % lots) || ' days') END
         FROM h, a`,
        [BigInt(from), BigInt(to), BigInt(gtinCount), BigInt(lotsPerGtin), BigInt(linesPerShipment), JSON.stringify(gtins)],
      ),
    );
  }
  const loadedSeconds = (performance.now() - buildStarted) / 1000;
  for (const i of indexes) await db.run(i.sql);
  await db.run(`PRAGMA synchronous = ${synchronous}`);
  await db.run(`PRAGMA cache_size = ${cacheSize}`);
  const buildSeconds = (performance.now() - buildStarted) / 1000;
  const size = statSync(file).size / 1024 / 1024;
  console.log(
    `bench recall: built ${distributors} distributors, ${Math.ceil(lines / linesPerShipment)} shipments, ${lines} shipment lines ` +
      `(${gtinCount} GTINs × ${lotsPerGtin} lots) in ${buildSeconds.toFixed(1)} s (rows ${loadedSeconds.toFixed(1)} s, ${indexes.length} indexes ${(buildSeconds - loadedSeconds).toFixed(1)} s); ` +
      `database ${size.toFixed(0)} MiB in ${file}`,
  );
}

// ---- the recall --------------------------------------------------------------------------
// 200 lots spread over the first GTINs (50 lots each), a different set per round.
function productsFor(round: number) {
  const perGtin = Math.min(lotsPerGtin, 50);
  const gtinsUsed = Math.ceil(recalledLots / perGtin);
  return Array.from({ length: gtinsUsed }, (_, g) => ({
    gtin: gtins[(round * gtinsUsed + g) % gtinCount]!,
    lots: Array.from({ length: Math.min(perGtin, recalledLots - g * perGtin) }, (_, l) => lotName((round * 37 + l) % lotsPerGtin)),
  }));
}

// (CROSS JOIN: the lots first, then the (gtin, lot) index, as the resolution reads them; left to
// itself, with no ANALYZE statistics as in production, the planner may take the lot index.)
const countSql = `SELECT COUNT(*) AS n, SUM(l.quantity) AS units
  FROM json_each(?) AS p CROSS JOIN json_each(p.value -> '$.lots') AS x
  CROSS JOIN shipment_lines AS l ON l.gtin = p.value ->> '$.gtin' AND l.lot = x.value`;

const ctx = { db, clock: systemClock, policy: defaultPolicy };
// Every distributor has a recall contact (one mail per notice) and the ERP an endpoint (one
// delivery per event): what a real release writes. Part of the database (kept with --db).
const by = { type: 'system' as const, name: 'bench' };
if (!reuse) {
  await db.run("UPDATE organisations SET recall_contact_email = 'recall@' || lower(erp_id) || '.example' WHERE kind = 'distributor'");
  await configureDefaultEndpoint(ctx, { url: 'http://127.0.0.1:9/erp', secret: generateSecret() });
  const manufacturer = await createOrganisation(ctx, by, { name: 'Bench Medical', kind: 'manufacturer' });
  await addUser(ctx, by, { email: 'qa@bench.example', displayName: 'Bench QA', password: 'bench-qa-password', organisationId: manufacturer.id, role: 'manufacturer_qa' });
}
const qaUser = (await db.get<{ id: string; organisation: string }>(
  "SELECT u.id, m.organisation_id AS organisation FROM users AS u JOIN memberships AS m ON m.user_id = u.id WHERE u.email = 'qa@bench.example'",
))!;
const qa: Actor = { userId: qaUser.id, email: 'qa@bench.example', displayName: 'Bench QA', organisationId: qaUser.organisation, organisationName: 'Bench Medical', organisationKind: 'manufacturer', role: 'manufacturer_qa' };
// Recall numbers unique per run: a kept database has the recalls of earlier runs.
const runTag = Date.now().toString(36).toUpperCase();
const recallNumber = (round: number) => `FSCA-BENCH-${runTag}-${round}`;
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const results: { recallMs: number; sendMs: number; countMs: number; matched: number; units: number; consignees: number; rows: number; mails: number }[] = [];
for (let r = 0; r < rounds; r++) {
  const products = productsFor(r);
  // Baseline first, on the same lots: it also warms the pages the recall will read.
  const c0 = performance.now();
  const counted = (await db.get<{ n: number; units: number }>(countSql, [JSON.stringify(products)]))!;
  const countMs = performance.now() - c0;

  const body = {
    type: 'recall.issued',
    timestamp: new Date().toISOString(),
    data: { recallNumber: recallNumber(r), issuedAt: new Date().toISOString(), reason: 'Bench recall', hazard: 'Bench hazard', products },
  };
  const t0 = performance.now();
  const received = await receiveErpEvent(ctx, { webhookId: `msg_bench_recall_${runTag}_${r}`, sentAt: Math.floor(Date.now() / 1000), body });
  const recallMs = performance.now() - t0;
  const outcome = received.outcome as { recall: string; consignees: number; lines: number };
  const written = (await db.get<{ n: number; units: number }>('SELECT COUNT(*) AS n, SUM(quantity_shipped) AS units FROM recall_consignees WHERE recall_id = ?', [outcome.recall]))!;
  if (written.n !== outcome.lines || written.units !== counted.units) {
    throw new Error(`round ${r}: outcome says ${outcome.lines} rows, table has ${written.n}; units ${written.units} vs ${counted.units} by COUNT`);
  }
  const s0 = performance.now();
  const sent = await sendRecallNotices(ctx, qa, { recallId: outcome.recall, portalUrl: 'https://portal.example' });
  const sendMs = performance.now() - s0;
  if (sent.notices !== outcome.consignees) throw new Error(`round ${r}: ${sent.notices} notices for ${outcome.consignees} consignees`);
  results.push({ recallMs, sendMs, countMs, matched: counted.n, units: counted.units, consignees: outcome.consignees, rows: outcome.lines, mails: sent.mails });
}
const peakMiB = peak();

console.log(`recall.issued for ${recalledLots} lots, ${rounds} rounds (different lots each round):`);
console.log(
  ['round'.padEnd(7), 'matched lines'.padStart(14), 'units'.padStart(10), 'consignees'.padStart(11), 'rows written'.padStart(13), 'recall ms'.padStart(11), 'notices ms'.padStart(11), 'mails'.padStart(7), 'COUNT(*) ms'.padStart(12)].join(''),
);
for (const [i, r] of results.entries()) {
  console.log(
    [
      String(i + 1).padEnd(7),
      String(r.matched).padStart(14),
      String(r.units).padStart(10),
      String(r.consignees).padStart(11),
      String(r.rows).padStart(13),
      r.recallMs.toFixed(1).padStart(11),
      r.sendMs.toFixed(1).padStart(11),
      String(r.mails).padStart(7),
      r.countMs.toFixed(1).padStart(12),
    ].join(''),
  );
}
const recallSorted = results.map((r) => r.recallMs).sort((a, b) => a - b);
const totalSorted = results.map((r) => r.recallMs + r.sendMs).sort((a, b) => a - b);
const countMedian = percentile(results.map((r) => r.countMs).sort((a, b) => a - b), 50);
const worst = totalSorted.at(-1)!;
console.log(`recall.issued → all consignees written: median ${percentile(recallSorted, 50).toFixed(0)} ms, worst ${recallSorted.at(-1)!.toFixed(0)} ms`);
console.log(`baseline SELECT COUNT(*), SUM(quantity) over the matching lines: median ${countMedian.toFixed(0)} ms`);
console.log(
  `recall.issued → all notices queued (consignees + release): median ${percentile(totalSorted, 50).toFixed(0)} ms, worst ${worst.toFixed(0)} ms ` +
    `(${(percentile(totalSorted, 50) / countMedian).toFixed(1)} × the baseline); target < ${targetMs} ms at ${targetLines.toLocaleString('en')} lines / ${targetDistributors.toLocaleString('en')} distributors: ` +
    (atTargetScale ? (worst < targetMs ? 'met' : 'NOT met') : `not judged at this scale (${lines.toLocaleString('en')} lines / ${distributors.toLocaleString('en')} distributors)`),
);
console.log(`peak RSS: ${peakMiB.toFixed(0)} MiB`);

// ---- field safety notice PDFs ------------------------------------------------------------
// The first round's recall: 50 of its consignees get their notice, English and Chinese
// alternately, each timed from gathering its data (getNoticeData) to the PDF's last byte.
{
  const noticeCount = Number(process.env.BENCH_NOTICES ?? 50);
  const first = (await db.get<{ id: string }>('SELECT id FROM recalls WHERE recall_number = ?', [recallNumber(0)]))!;
  const consignees = await db.all<{ id: string }>(
    'SELECT DISTINCT distributor_organisation_id AS id FROM recall_consignees WHERE recall_id = ? ORDER BY 1 LIMIT ?',
    [first.id, noticeCount],
  );
  const renderMs: number[] = [];
  let bytes = 0;
  let lotsShown = 0;
  for (const [i, c] of consignees.entries()) {
    const t0 = performance.now();
    const data = await getNoticeData(db, { recallId: first.id, distributorOrganisationId: c.id });
    const pdf = await renderNoticePdf(data, i % 2 ? 'zh-CN' : 'en');
    renderMs.push(performance.now() - t0);
    bytes += pdf.length;
    lotsShown += data.products.reduce((n, p) => n + p.lots.length, 0);
  }
  const sortedRender = [...renderMs].sort((a, b) => a - b);
  console.log(
    `field safety notice PDF, ${consignees.length} consignees of round 1 (en and zh-CN alternately; per notice ${(lotsShown / consignees.length).toFixed(1)} lots, ` +
      `${(bytes / consignees.length / 1024).toFixed(0)} KiB): p50 ${percentile(sortedRender, 50).toFixed(0)} ms, p95 ${percentile(sortedRender, 95).toFixed(0)} ms ` +
      `(the first, which also reads the font files, ${renderMs[0]!.toFixed(0)} ms)`,
  );
}
db.close();
if (!keptDb) rmSync(dir, { recursive: true, force: true });
