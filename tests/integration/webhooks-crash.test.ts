// The crash test of the ERP bridge: the real server (`lotbridge serve`) delivers to a receiver in
// this process while this process commits events into the server's SQLite file, and the server
// is killed with SIGKILL at random moments (some with deliveries in flight) and restarted on the
// same database. Every committed event must arrive, duplicates only ever as the same webhook-id,
// and each aggregate's first arrivals in sequence order.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { enqueueEvent } from '../../shared/outbox/enqueue-event.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { startBuiltServer } from '../support/portal.ts';
import { startReceiver, type Receiver } from '../support/webhook-receiver.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const random = (n: number) => Math.floor(Math.random() * n);

async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

describe('ERP bridge crash test', () => {
  let first: RunningServer | undefined;
  let current: RunningServer | undefined;
  let receiver: Receiver | undefined;
  let db: Db | undefined;

  afterAll(async () => {
    if (current) await kill(current.process, 'SIGTERM');
    db?.close();
    await first?.stop(); // the first process is long gone; this removes the temp folder
    await receiver?.close();
  });

  it('loses no committed event across repeated SIGKILLs of the server; duplicates only as the same webhook-id; first arrivals in order', { timeout: 300_000 }, async () => {
    const secret = 'whsec_' + randomBytes(32).toString('base64');
    receiver = await startReceiver({ secrets: () => [secret], reply: () => ({ status: 204, delayMs: 2 + random(20) }) });
    const env = { ERP_WEBHOOK_URL: receiver.url, ERP_WEBHOOK_SECRET: secret };
    first = await startBuiltServer(env);
    current = first;
    const outputs: (() => string)[] = [first.output];
    db = openDb(first.databaseUrl);

    // --- the writer: use-case-like transactions of 1 to 4 events over 20 aggregates -----------
    const aggregates = Array.from({ length: 20 }, (_, i) => `crash_${String(i + 1).padStart(2, '0')}`);
    const committed = new Map<string, { aggregateId: string; sequence: number }>();
    let busyRetries = 0;
    const commit = async (n: number) => {
      for (;;) {
        try {
          const events = await db!.transaction(async (tx) => {
            const out: { id: string; aggregateId: string; sequence: number }[] = [];
            for (let k = 0; k < n; k++) {
              const aggregateId = aggregates[random(aggregates.length)]!;
              const e = await enqueueEvent(tx, systemClock, {
                type: 'lot.submitted',
                aggregateType: 'lot',
                aggregateId,
                organisationId: null,
                data: { lot: `${aggregateId}-L${random(1000)}`, quantity: 1 + random(500) },
              });
              out.push({ id: e.id, aggregateId, sequence: e.aggregateSeq });
            }
            return out;
          });
          for (const e of events) committed.set(e.id, { aggregateId: e.aggregateId, sequence: e.sequence });
          return;
        } catch (e) {
          // The server holds SQLite's single write lock for a moment: nothing was committed, try again.
          if (!/SQLITE_BUSY/.test(String((e as { code?: string }).code ?? (e as Error).message))) throw e;
          busyRetries++;
          await sleep(1 + random(5));
        }
      }
    };
    const burst = async (events: number) => {
      while (events > 0) {
        const n = Math.min(events, 1 + random(4));
        await commit(n);
        events -= n;
        if (random(2)) await sleep(random(15));
      }
    };

    // --- kills at random moments, restarts on the same database --------------------------------
    const rounds = 7;
    let kills = 0;
    let killsWithDeliveriesInFlight = 0;
    for (let round = 0; round < rounds; round++) {
      await burst(40 + random(30));
      if (round % 2 === 1) {
        // Wait (bounded by a count) until the receiver holds a delivery unanswered, then kill.
        for (let i = 0; i < 5_000 && receiver.open === 0; i++) await sleep(1);
      } else if (round === 4) {
        // At once after the burst, before the server's next poll may even have seen it.
      } else {
        await sleep(random(400));
      }
      const openAtKill = receiver.open;
      await kill(current.process, 'SIGKILL');
      kills++;
      if (openAtKill > 0) killsWithDeliveriesInFlight++;
      await burst(10 + random(20)); // committed while no server runs
      current = await startServer(env, { databaseUrl: first.databaseUrl });
      outputs.push(current.output);
    }
    await burst(40);

    // --- wait, by a bounded number of polls, for every event and for the bookkeeping ----------
    const arrived = () => new Set(receiver!.arrivals.map((a) => a.webhookId));
    for (let i = 0; i < 1_500; i++) {
      const got = arrived();
      if ([...committed.keys()].every((id) => got.has(id))) break;
      await sleep(100);
    }
    const pending = async () => (await db!.get<{ n: number }>("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE state = 'pending'"))!.n;
    for (let i = 0; i < 600 && (await pending()) > 0; i++) await sleep(100);

    // --- what arrived ------------------------------------------------------------------------
    const arrivals = receiver.arrivals;
    expect(receiver.rejected, 'deliveries that did not verify with standardwebhooks').toEqual([]);
    const got = arrived();
    const missing = [...committed.keys()].filter((id) => !got.has(id));
    expect(missing, 'committed events that never arrived').toEqual([]);
    expect([...got].filter((id) => !committed.has(id)), 'arrivals of events nobody committed').toEqual([]);

    // A duplicate is the same webhook-id with the same body; no event arrives under two ids.
    const byId = new Map<string, string[]>();
    for (const a of arrivals) byId.set(a.webhookId, [...(byId.get(a.webhookId) ?? []), a.body]);
    for (const [id, bodies] of byId) expect(new Set(bodies).size, `bodies sent as ${id}`).toBe(1);
    const idsByEvent = new Map<string, Set<string>>();
    for (const a of arrivals) {
      const key = `${a.event.data.aggregate.id}#${a.event.data.aggregate.sequence}`;
      idsByEvent.set(key, (idsByEvent.get(key) ?? new Set()).add(a.webhookId));
    }
    for (const [key, ids] of idsByEvent) expect(ids.size, `webhook-ids carrying ${key}`).toBe(1);
    for (const a of arrivals) expect(a.event.data.aggregate).toMatchObject({ type: 'lot', id: committed.get(a.webhookId)!.aggregateId, sequence: committed.get(a.webhookId)!.sequence });

    // First arrivals per aggregate: 1, 2, 3 … with neither gap nor reordering.
    const seen = new Set<string>();
    const firstSequences = new Map<string, number[]>();
    for (const a of arrivals) {
      if (seen.has(a.webhookId)) continue;
      seen.add(a.webhookId);
      const agg = a.event.data.aggregate.id;
      firstSequences.set(agg, [...(firstSequences.get(agg) ?? []), a.event.data.aggregate.sequence]);
    }
    for (const agg of aggregates) {
      const count = [...committed.values()].filter((c) => c.aggregateId === agg).length;
      expect(firstSequences.get(agg) ?? [], `first arrivals of ${agg}`).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    }

    // The database agrees: one succeeded delivery per event, nothing pending or exhausted.
    const states = await db.all<{ state: string; n: number }>('SELECT state, COUNT(*) AS n FROM webhook_deliveries GROUP BY state');
    expect(states).toEqual([{ state: 'succeeded', n: committed.size }]);
    expect((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM outbox'))!.n).toBe(committed.size);

    const duplicates = arrivals.length - got.size;
    const serverLog = outputs.map((o) => o()).join('');
    const recordFailures = (serverLog.match(/could not record webhook attempts/g) ?? []).length;
    const claimFailures = (serverLog.match(/could not claim deliveries/g) ?? []).length;
    console.log(
      `crash test: ${committed.size} events over ${aggregates.length} aggregates, ${kills} SIGKILLs (${killsWithDeliveriesInFlight} with deliveries in flight at the receiver), ` +
        `${arrivals.length} arrivals, ${duplicates} duplicates (same webhook-id), ${busyRetries} writer retries on SQLITE_BUSY, ` +
        `server logged ${recordFailures} failed attempt-recordings and ${claimFailures} failed claims`,
    );
    if (recordFailures + claimFailures > 0) {
      const lines = serverLog.split('\n').filter((l) => /could not (record|claim)/.test(l));
      console.log(`first of the server's failures:\n${[...new Set(lines.map((l) => l.replace(/"time":"[^"]*",?/, '')))].slice(0, 3).join('\n')}`);
    }
    expect(kills).toBe(rounds);
    expect(killsWithDeliveriesInFlight).toBeGreaterThan(0);
    expect(committed.size).toBeGreaterThanOrEqual(300);
  });
});
