// Outbound webhook delivery: deliveries/s and commit-to-2xx latency through the real outbox
// dispatcher (durable state in an embedded SQLite file) into the reference ERP receiver
// (`lotbridge erp-sink`, its own process), beside that receiver's ceiling for the same signed
// payload measured with autocannon in the same run.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { openDb, tuneEmbedded } from '../shared/db/index.ts';
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

// 2. The dispatcher on a real database file.
const url = `file:${join(dir, 'bench.db')}`;
const db = openDb(url);
await tuneEmbedded(db, url);
await migrate(db, join(import.meta.dirname, '../migrations'));
const ctx = { db, clock: systemClock, policy: defaultPolicy };
await createWebhookEndpoint(ctx, { type: 'system', name: 'bench' }, { url: sinkUrl, secret, internal: true });

const committedAt = new Map<string, number>();
const answeredAt = new Map<string, number>();
const poster = createHttpPoster(concurrency);
const timedPost: Poster = async (target, headers, body, timeoutMs) => {
  const res = await poster(target, headers, body, timeoutMs);
  if (res.status >= 200 && res.status < 300) answeredAt.set(headers['webhook-id']!, performance.now());
  return res;
};
const dispatcher = createWebhookDispatcher({ db, clock: systemClock, log: createLogger('warn'), timeoutMs: 10_000, concurrency, post: timedPost });

async function enqueue(i: number): Promise<void> {
  await db.transaction(async (tx) => {
    const e = await enqueueEvent(tx, systemClock, { type: 'invoice.submitted', aggregateType: 'invoice', aggregateId: `inv_${i % lanes}`, organisationId: 'org_bench', data: payload });
    tx.afterCommit(() => committedAt.set(e.id, performance.now()));
  });
}

const rssAfterCeiling = process.memoryUsage().rss / 1024 / 1024;
const peak = trackPeakMemory();
// 2a. Throughput: a burst committed first (one transaction per event, as use cases do), then drained.
for (let i = 0; i < burst; i++) await enqueue(i);
const drainStarted = performance.now();
dispatcher.start();
await dispatcher.idle();
const drainSeconds = (performance.now() - drainStarted) / 1000;
const delivered = await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE state = 'succeeded'");

// 2b. Latency: a steady stream at half the burst rate, commit to 2xx per event.
answeredAt.clear();
committedAt.clear();
// A quarter of the burst rate: the producer shares this process and its one database writer.
const steadyRate = Math.max(100, Math.floor(burst / drainSeconds / 4));
const steadyEvents = steadyRate * 5;
const interval = 1000 / steadyRate;
const steadyStarted = performance.now();
for (let i = 0; i < steadyEvents; i++) {
  const due = steadyStarted + i * interval;
  const wait = due - performance.now();
  if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  await enqueue(burst + i);
}
await dispatcher.idle();
await dispatcher.stop();
const latencies = [...committedAt].filter(([id]) => answeredAt.has(id)).map(([id, t]) => answeredAt.get(id)! - t).sort((a, b) => a - b);
const peakMiB = peak();

const perSecond = delivered!.n / drainSeconds;
console.log(`bench webhooks: ${burst} events over ${lanes} aggregates, ${concurrency} in flight, durable state in ${url}`);
console.log(`receiver ceiling (autocannon, same signed payload, ${concurrency} connections): ${ceiling.requests.average.toFixed(0)} req/s, p50 ${ceiling.latency.p50} ms, p99 ${ceiling.latency.p99} ms`);
console.log(`dispatcher burst: ${delivered!.n} delivered in ${drainSeconds.toFixed(2)} s = ${perSecond.toFixed(0)} deliveries/s (${((perSecond / ceiling.requests.average) * 100).toFixed(0)} % of the ceiling)`);
console.log(`dispatcher steady ${steadyRate}/s: commit to 2xx p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms over ${latencies.length} events`);
console.log(`targets: >= 2000 deliveries/s ${perSecond >= 2000 ? 'met' : 'NOT met'}; >= 50 % of the ceiling ${perSecond >= ceiling.requests.average / 2 ? 'met' : 'NOT met'}`);
console.log(`RSS of this process: ${rssAfterCeiling.toFixed(0)} MiB after the in-process autocannon run, peak ${peakMiB.toFixed(0)} MiB while enqueueing and delivering`);
poster.close();
db.close();
sink.kill('SIGTERM');
rmSync(dir, { recursive: true, force: true });
