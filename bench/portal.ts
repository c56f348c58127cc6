// The signed-in supplier's lists under concurrent load: requests/s and p50/p99 for /home,
// /certificates, /lots and /invoices on the real server over loopback, beside a bare endpoint of
// the same server (/healthz) as the ceiling, in the same run. Twice: with 200 certificate versions
// and 1,000 lots, and with `--scale N` times that (default 10: 2,000 versions, 10,000 lots).
// Target for every page at both sizes: >= 25 % of the ceiling and p99 < 100 ms. Beside each figure
// the server process's CPU time per request (Linux /proc): on a shared machine req/s moves with the
// load, the CPU a page costs much less.
//
// Options: --scale N (the second data size; 1 runs one size only), --paths /home,/lots (only
// these pages beside /healthz), --cpu-prof DIR (the server runs with node --cpu-prof and writes
// its profile there when it stops).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import autocannon from 'autocannon';
import { PDFDocument } from 'pdf-lib';
import { openDb, tuneEmbedded } from '../shared/db/index.ts';
import { migrate } from '../shared/db/migrate.ts';
import { systemClock } from '../shared/clock.ts';
import { defaultPolicy } from '../shared/auth/policy.ts';
import { seedDemo, demoPassword, demoUsers } from '../shared/demo/seed-demo.ts';
import { submitCertificate } from '../shared/certificates/submit-certificate.ts';
import type { Actor } from '../shared/auth/actor.ts';
import { applyItemUpserted } from '../shared/erp/apply-item-upserted.ts';
import { submitLots } from '../shared/lots/submit-lots.ts';
import { LocalFileStorage } from '../shared/files/local-file-storage.ts';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const baseVersions = Number(process.env.BENCH_CERTIFICATES ?? 200);
const baseLots = 1000;
const scales = [...new Set([1, Number(argValue('--scale') ?? 10)])];
const only = argValue('--paths')?.split(',');
const profileDir = argValue('--cpu-prof');
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const supplierEmail = demoUsers.find((u) => u.role === 'supplier_user')!.email;
const targetShare = 0.25;
const targetP99Ms = 100;

/** The demo and a supplier with many certificates and lots, written through the real use cases. */
async function seed(databaseUrl: string, uploadDir: string, versions: number, lots: number): Promise<number> {
  const started = performance.now();
  const db = openDb(databaseUrl);
  await tuneEmbedded(db, databaseUrl);
  await migrate(db, join(import.meta.dirname, '../migrations'));
  const ctx = { db, clock: systemClock, policy: defaultPolicy, files: new LocalFileStorage(uploadDir) };
  await seedDemo(ctx);
  const row = await db.get<{ id: string; display_name: string; organisation_id: string; name: string }>(
    `SELECT u.id, u.display_name, m.organisation_id, o.name FROM users u JOIN memberships m ON m.user_id = u.id
       JOIN organisations o ON o.id = m.organisation_id WHERE u.email = ?`,
    [supplierEmail],
  );
  const supplier: Actor = { userId: row!.id, email: supplierEmail, displayName: row!.display_name, organisationId: row!.organisation_id, organisationName: row!.name, organisationKind: 'supplier', role: 'supplier_user' };
  const pdf = await PDFDocument.create();
  pdf.addPage().drawText('ISO 13485 certificate (bench)');
  const bytes = await pdf.save();
  for (let i = 0; i < versions; i++) {
    await submitCertificate(ctx, supplier, { maxBytes: 20 * 1024 * 1024 }, {
      type: 'iso13485',
      number: `SX ${60_000_000 + i}`,
      issuer: 'TÜV SÜD Product Service GmbH (NB 0123)',
      scope: 'Design and manufacture of sterile single-use infusion sets',
      gtins: ['09506000134352'],
      validFrom: '2025-01-01',
      validTo: '2028-01-01',
      file: { name: `certificate-${i}.pdf`, bytes },
    });
  }
  // Lots of one item, in batches of 100 as a CSV upload would bring them.
  await db.transaction((tx) => applyItemUpserted(tx, systemClock, { gtin: '09506000134352', description: 'Infusion set, 150 cm, sterile', unitOfMeasure: 'EA' }));
  for (let batch = 0; batch < lots / 100; batch++) {
    const rows = Array.from({ length: 100 }, (_, i) => ({ gtin: '09506000134352', lot: `B${batch}-${String(i).padStart(3, '0')}`, quantity: 50, expiryDate: '2029-06-30' }));
    await submitLots(ctx, supplier, { source: 'csv', lots: rows });
  }
  db.close();
  return (performance.now() - started) / 1000;
}

interface Row {
  path: string;
  rps: number;
  p50: number;
  p99: number;
  /** The server process's CPU time (user + system) per answered request, in ms; null where /proc is not there. */
  cpuMs: number | null;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); null elsewhere. */
function cpuSeconds(pid: number): number | null {
  const file = `/proc/${pid}/stat`;
  if (!existsSync(file)) return null;
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th, in clock ticks.
  const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** One data size: seed, start the server as `npm start` runs it (its own process), load every page. */
async function measure(scale: number) {
  const versions = baseVersions * scale;
  const lots = baseLots * scale;
  const dir = mkdtempSync(join(tmpdir(), 'lotbridge-bench-portal-'));
  const databaseUrl = `file:${join(dir, 'bench.db')}`;
  const uploadDir = join(dir, 'uploads');
  const seedSeconds = await seed(databaseUrl, uploadDir, versions, lots);

  const profile = profileDir ? ['--cpu-prof', '--cpu-prof-dir', resolvePath(profileDir)] : [];
  const server = spawn(process.execPath, [...profile, join(import.meta.dirname, '../bin/lotbridge.js'), 'serve', '--port', '0'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, UPLOAD_DIR: uploadDir, LOG_LEVEL: 'error', LOTBRIDGE_BUILD: 'skip' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    server.once('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });

  const signIn = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { origin: url, accept: 'text/html' },
    body: new URLSearchParams({ email: supplierEmail, password: demoPassword }),
    redirect: 'manual',
  });
  const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  if (!cookie.includes('lotbridge_session=')) throw new Error(`sign-in failed: HTTP ${signIn.status}`);

  async function load(path: string, headers: Record<string, string> = {}): Promise<Row> {
    const cpuBefore = cpuSeconds(server.pid!);
    const r = await autocannon({ url: url + path, connections, duration: seconds, headers });
    const cpuAfter = cpuSeconds(server.pid!);
    if (r.non2xx > 0) throw new Error(`${path}: ${r.non2xx} non-2xx answers`);
    const cpuMs = cpuBefore === null || cpuAfter === null ? null : ((cpuAfter - cpuBefore) * 1000) / r.requests.total;
    return { path, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, cpuMs };
  }

  const pages = ['/home', '/certificates', '/certificates?state=approved&sort=valid_to', '/lots', '/invoices'].filter((p) => !only || only.includes(p.split('?')[0]!));
  const rows = [await load('/healthz')];
  for (const page of pages) rows.push(await load(page, { cookie }));
  const exited = once(server, 'exit');
  server.kill('SIGTERM');
  await exited; // the profile (--cpu-prof) is written as the server exits
  rmSync(dir, { recursive: true, force: true });
  return { versions, lots, seedSeconds, rows };
}

const results = [];
for (const scale of scales) results.push(await measure(scale));

console.log(`bench portal: signed-in supplier, ${connections} connections × ${seconds} s per path, server in its own process`);
console.log(`target per page: >= ${targetShare * 100} % of /healthz in the same run and p99 < ${targetP99Ms} ms`);
let allMet = true;
for (const { versions, lots, seedSeconds, rows } of results) {
  console.log(`\n${versions.toLocaleString('en')} certificate versions, ${lots.toLocaleString('en')} lots (seeded in ${seedSeconds.toFixed(0)} s)`);
  console.log(['path'.padEnd(44), 'req/s'.padStart(9), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8), 'of ceiling'.padStart(11), 'CPU ms/req'.padStart(11), ''.padStart(9)].join(''));
  const ceiling = rows[0]!.rps;
  for (const [i, r] of rows.entries()) {
    const met = r.rps >= targetShare * ceiling && r.p99 < targetP99Ms;
    if (i > 0) allMet &&= met;
    const verdict = i === 0 ? 'ceiling' : met ? 'met' : 'NOT met';
    console.log([r.path.padEnd(44), r.rps.toFixed(0).padStart(9), String(r.p50).padStart(8), String(r.p99).padStart(8), `${((r.rps / ceiling) * 100).toFixed(0)} %`.padStart(11), (r.cpuMs?.toFixed(2) ?? '-').padStart(11), verdict.padStart(9)].join(''));
  }
}
console.log(`\nportal target: ${allMet ? 'met' : 'NOT met'} for every page at every size`);
