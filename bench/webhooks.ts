// Outbound webhook delivery: deliveries/s and commit-to-2xx latency through the real outbox
// dispatcher (durable state in an embedded SQLite file) into the reference ERP receiver
// (`lotbridge erp-sink`, its own process), beside that receiver's ceiling for the same signed
// payload measured with autocannon in the same run.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { defaultBusyRetry, openDb, tuneEmbedded } from '../shared/db/index.ts';
import { migrate } from '../shared/db/migrate.ts';
import { systemClock } from '../shared/clock.ts';
import { createLogger } from '../shared/log.ts';
import { defaultPolicy } from '../shared/auth/policy.ts';
import { enqueueEvent } from '../shared/outbox/enqueue-event.ts';
import { createWebhookEndpoint } from '../shared/webhooks/create-webhook-endpoint.ts';
import { createWebhookDispatcher, webhookBody } from '../shared/webhooks/webhook-dispatcher.ts';
import { generateSecret, signatureHeaders } from '../shared/webhooks/signature.ts';
import { createHttpPoster } from '#runtime/http-post';
import type { Poster } from '../shared/webhooks/http-post.ts';
import { percentile, trackPeakMemory } from './_report.ts';

const burst = Number(process.env.BENCH_EVENTS ?? 20_000);
const lanes = Number(process.env.BENCH_LANES ?? 2_000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 64);
const dir = mkdtempSync(join(tmpdir(), 'lotbridge-bench-webhooks-'));
const secret = generateSecret();
const payload = { invoiceNumber: 'INV-88231', supplier: { erpId: 'V-10001' }, total: '1234.50', currency: 'EUR', lines: 3 };

// The receiver, in its own process like a real ERP.
const sink = spawn(process.execPath, [join(import.meta.dirname, '../bin/lotbridge.js'), 'erp-sink', '--port', '0', '--secret', secret, '--out', join(dir, 'events.jsonl')], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const sinkUrl = await new Promise<string>((resolve, reject) => {
  let out = '';
  sink.stdout!.on('data', (d) => {
    out += d;
    const m = /listening on (http:\/\/\S+?)\/? ,/.exec(out);
    if (m) resolve(m[1]! + '/');
  });
  sink.once('exit', (code) => reject(new Error(`erp-sink exited ${code}`)));
});

// 1. Ceiling: the receiver alone, the same signed body, as many connections as the dispatcher uses.
const sampleBody = webhookBody({ event_type: 'invoice.submitted', occurred_at: new Date().toISOString(), payload: JSON.stringify(payload), aggregate_type: 'invoice', aggregate_id: 'inv_1', aggregate_seq: 1 });
const ceiling = await autocannon({
  url: sinkUrl,
  method: 'POST',
  connections: concurrency,
  duration: 5,
  headers: { 'content-type': 'application/json', ...signatureHeaders([secret], 'msg_ceiling', Math.floor(Date.now() / 1000), sampleBody) },
  body: sampleBody,
});
if (ceiling.non2xx > 0) throw new Error(`the ceiling run got ${ceiling.non2xx} non-2xx answers`);

// 2. The dispatcher on a real database file; then as several instances on one file (each its own
// connection and dispatcher, claiming deliveries with leases), the events committed round-robin
// through them. The instances share this process (one event loop); the correctness of separate
// processes is tests/integration/two-instances.test.ts.
const instanceCounts = [...new Set([1, Number(argValue('--instances') ?? 2)])];
const answeredAt = new Map<string, number>();
const postedAt = new Map<string, number>();
const poster = createHttpPoster(concurrency);
// The endpoint is marked internal (the sink is on loopback): that mark must reach the poster's address check.
const timedPost: Poster = async (target, headers, body, timeoutMs, to) => {
  postedAt.set(headers['webhook-id']!, performance.now());
  const res = await poster(target, headers, body, timeoutMs, to);
  if (res.status >= 200 && res.status < 300) answeredAt.set(headers['webhook-id']!, performance.now());
  return res;
};

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function measure(instances: number) {
  const url = `file:${join(dir, `bench-${instances}.db`)}`;
  // Several instances share this process: SQLite's own busy wait would block the thread the lock
  // holder needs to finish, so they wait only by backing off (separate processes wait both ways).
  const connect = () => (instances === 1 ? openDb(url) : openDb(url, undefined, undefined, { ...defaultBusyRetry, busyTimeoutMs: 0 }));
  const first = connect();
  await tuneEmbedded(first, url);
  await migrate(first, join(import.meta.dirname, '../migrations'));
  await createWebhookEndpoint({ db: first, clock: systemClock, policy: defaultPolicy }, { type: 'system', name: 'bench' }, { url: sinkUrl, secret, internal: true });
  const dbs = [first, ...Array.from({ length: instances - 1 }, connect)];
  const dispatchers = dbs.map((db) => createWebhookDispatcher({ db, clock: systemClock, log: createLogger('warn'), timeoutMs: 10_000, concurrency, post: timedPost }));
  const committedAt = new Map<string, number>();
  answeredAt.clear();
  postedAt.clear();
  let commitMs = 0;
  // Round-robin: event i is committed through instance i mod N, one transaction per event, as use cases do.
  async function enqueue(i: number): Promise<void> {
    const started = performance.now();
    await dbs[i % instances]!.transaction(async (tx) => {
      const e = await enqueueEvent(tx, systemClock, { type: 'invoice.submitted', aggregateType: 'invoice', aggregateId: `inv_${i % lanes}`, organisationId: 'org_bench', data: payload });
      tx.afterCommit(() => committedAt.set(e.id, performance.now()));
    });
    commitMs += performance.now() - started;
  }
  const peak = trackPeakMemory();
  // 2a. Throughput: a burst committed first, then drained by every instance at once.
  for (let i = 0; i < burst; i++) await enqueue(i);
  const drainStarted = performance.now();
  for (const d of dispatchers) d.start();
  await Promise.all(dispatchers.map((d) => d.idle()));
  const drainSeconds = (performance.now() - drainStarted) / 1000;
  const delivered = (await first.get<{ n: number }>("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE state = 'succeeded'"))!.n;
  

  // 2b. Latency: a steady stream at a quarter of the burst rate, commit to 2xx per event.
  answeredAt.clear();
  postedAt.clear();
  committedAt.clear();
  commitMs = 0;
  const steadyRate = Math.max(100, Math.floor(burst / drainSeconds / 4));
  const steadyEvents = steadyRate * 5;
  const interval = 1000 / steadyRate;
  const steadyStarted = performance.now();
  for (let i = 0; i < steadyEvents; i++) {
    const due = steadyStarted + i * interval;
    const wait = due - performance.now();
    // On time or behind it, each commit comes in its own turn of the event loop, as a request's
    // would (a loop of awaited commits alone would hold the loop and starve the dispatcher).
    await new Promise((r) => (wait > 1 ? setTimeout(r, wait) : setImmediate(r)));
    await enqueue(burst + i);
  }
  const steadySeconds = (performance.now() - steadyStarted) / 1000;
  const steadyCommitMs = commitMs / steadyEvents;
  await Promise.all(dispatchers.map((d) => d.idle()));
  await Promise.all(dispatchers.map((d) => d.stop()));
  const answered = [...committedAt].filter(([id]) => answeredAt.has(id));
  const sorted = (xs: number[]) => xs.sort((a, b) => a - b);
  const latencies = sorted(answered.map(([id, t]) => answeredAt.get(id)! - t));
  // Where the time goes: commit to the POST (wake-up, claim) and the POST to its 2xx (the receiver, and this process's event loop).
  const toPost = sorted(answered.map(([id, t]) => postedAt.get(id)! - t));
  const onWire = sorted(answered.map(([id]) => answeredAt.get(id)! - postedAt.get(id)!));
  const counted = (await first.get<{ attempts: number; rows: number; events: number }>(
    'SELECT (SELECT SUM(attempts) FROM webhook_deliveries) AS attempts, (SELECT COUNT(*) FROM webhook_attempts) AS rows, (SELECT COUNT(*) FROM outbox) AS events',
  ))!;
  // An attempt beyond one per event is either a retry after a failed one (named here) or a delivery sent twice.
  const failed = await first.all<{ problem: string; n: number }>(
    "SELECT COALESCE(error, 'HTTP ' || status) AS problem, COUNT(*) AS n FROM webhook_attempts WHERE status IS NULL OR status NOT BETWEEN 200 AND 299 GROUP BY 1",
  );
  for (const db of dbs) db.close();
  return { instances, url, delivered, drainSeconds, perSecond: delivered / drainSeconds, steadyRate, steadyAchieved: steadyEvents / steadySeconds, steadyCommitMs, latencies, toPost, onWire, counted, failed, peakMiB: peak() };
}

const rssAfterCeiling = process.memoryUsage().rss / 1024 / 1024;
const runs = [];
for (const n of instanceCounts) runs.push(await measure(n));

console.log(`bench webhooks: ${burst} events over ${lanes} aggregates, ${concurrency} in flight per instance, durable state in an embedded SQLite file`);
console.log(`receiver ceiling (autocannon, same signed payload, ${concurrency} connections): ${ceiling.requests.average.toFixed(0)} req/s, p50 ${ceiling.latency.p50} ms, p99 ${ceiling.latency.p99} ms`);
for (const r of runs) {
  const label = r.instances === 1 ? 'one instance' : `${r.instances} instances on one database`;
  console.log(`${label}: burst ${r.delivered} delivered in ${r.drainSeconds.toFixed(2)} s = ${r.perSecond.toFixed(0)} deliveries/s (${((r.perSecond / ceiling.requests.average) * 100).toFixed(0)} % of the ceiling)`);
  console.log(
    `${label}: steady ${r.steadyRate}/s asked, ${r.steadyAchieved.toFixed(0)}/s committed (${r.steadyCommitMs.toFixed(2)} ms per event's commit), commit to 2xx p50 ${percentile(r.latencies, 50).toFixed(1)} ms, p99 ${percentile(r.latencies, 99).toFixed(1)} ms over ${r.latencies.length} events ` +
      `(commit to POST p99 ${percentile(r.toPost, 99).toFixed(1)} ms, POST to 2xx p99 ${percentile(r.onWire, 99).toFixed(1)} ms)`,
  );
  console.log(
    `${label}: targets: >= 2000 deliveries/s ${r.perSecond >= 2000 ? 'met' : 'NOT met'}; >= 50 % of the ceiling ${r.perSecond >= ceiling.requests.average / 2 ? 'met' : 'NOT met'}; ` +
      `steady commit to 2xx p99 < 100 ms ${percentile(r.latencies, 99) < 100 ? 'met' : 'NOT met'}; each event sent once (attempt rows ${r.counted.rows} = attempts ${r.counted.attempts} = events ${r.counted.events}${r.failed.map((f) => ` + ${f.n} failed (${f.problem}) and retried`).join('')}) ${r.counted.rows === r.counted.attempts && r.counted.attempts === r.counted.events + r.failed.reduce((n, f) => n + f.n, 0) ? 'met' : 'NOT met'}`,
  );
}
console.log(`RSS of this process: ${rssAfterCeiling.toFixed(0)} MiB after the in-process autocannon run, peak ${Math.max(...runs.map((r) => r.peakMiB)).toFixed(0)} MiB while enqueueing and delivering`);
poster.close();
sink.kill('SIGTERM');
rmSync(dir, { recursive: true, force: true });
