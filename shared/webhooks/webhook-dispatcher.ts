import type { Db, Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import { signatureHeaders } from './signature.ts';
import { maxAttempts, nextAttemptDelay, parseRetryAfter } from './retry-schedule.ts';
import { onDispatcherWakeUp } from './wake-up.ts';
import { promoteNextInLanes } from './lane-heads.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { createHttpPoster } from '#runtime/http-post';
import type { Poster } from './http-post.ts';
import { liveWebhookSecrets } from './webhook-secrets.ts';
import { partnerWebhookBody } from './partner-events.ts';
import { InternalAddressError } from '../net/resolve-target.ts';

export interface DispatcherOptions {
  db: Db;
  clock: Clock;
  log: Logger;
  /** Per-attempt timeout. */
  timeoutMs: number;
  /** Deliveries in flight at once, across all lanes. */
  concurrency?: number;
  /** How often due retries and other processes' events are looked for. */
  pollMs?: number;
  /** How a delivery is POSTed; Node's HTTP client with keep-alive unless given. */
  post?: Poster;
  /**
   * How long a claimed delivery stays with this instance (its next attempt is pushed this far
   * ahead): longer than an attempt may take. When an instance dies, another sends it after this.
   * Twice the timeout plus 5 s by default.
   */
  leaseMs?: number;
}

interface Claimed {
  id: number;
  endpoint_id: string;
  url: string;
  internal: number;
  /** The partner organisation owning the endpoint; null for an ERP endpoint. */
  organisation_id: string | null;
  webhook_id: string;
  event_type: string;
  occurred_at: string;
  payload: string;
  aggregate_type: string;
  aggregate_id: string;
  aggregate_seq: number;
  /** This claim's lease end (the next_attempt_at it set): a failure is written only while the claim is still this one. */
  claimed_until: string;
}

interface Outcome {
  delivery: Claimed;
  startedAt: string;
  status: number | null;
  latencyMs: number;
  excerpt: string | null;
  error: string | null;
  retryAfterMs: number | null;
}

/** The body the ERP receives: Standard Webhooks' {type, timestamp, data}, data carrying the aggregate. */
export function webhookBody(d: Pick<Claimed, 'event_type' | 'occurred_at' | 'payload' | 'aggregate_type' | 'aggregate_id' | 'aggregate_seq'>): string {
  const data = { ...JSON.parse(d.payload), aggregate: { type: d.aggregate_type, id: d.aggregate_id, sequence: d.aggregate_seq } };
  return JSON.stringify({ type: d.event_type, timestamp: d.occurred_at, data });
}

/**
 * Delivers the outbox to the ERP endpoints. Each (endpoint, aggregate) is a lane delivered
 * strictly in order: only the oldest pending delivery of a lane is ever in flight. Lanes run
 * in parallel up to `concurrency`. A delivery is claimed in the database before it is sent
 * (one UPDATE pushes its next attempt a lease ahead), so several instances on one database
 * never send it at once, nor the next of its lane before it completes. Nothing is marked
 * delivered before a 2xx, so a crash can only cause a delivery to be sent again with the same
 * webhook-id, by any instance, once the lease has run out.
 *
 * The work goes in cycles of one write transaction each: the attempts finished since the last
 * cycle are recorded (counted in SQL, a fixed number of statements whatever their number), then
 * as many due lane heads as there is room for are claimed, those whose heads were just recorded
 * included. A commit (and its fsync) is the dear part, so there is one per cycle, never one per
 * delivery; while a cycle runs, the next one's outcomes and wake-ups gather.
 */
export function createWebhookDispatcher(options: DispatcherOptions) {
  const { db, clock, log } = options;
  const concurrency = options.concurrency ?? 64;
  const pollMs = options.pollMs ?? 500;
  const leaseMs = options.leaseMs ?? 2 * options.timeoutMs + 5_000;
  const ownPoster = options.post ? null : createHttpPoster(concurrency);
  const send: Poster = options.post ?? ownPoster!;
  const inFlight = new Set<number>();
  const finished: Outcome[] = [];
  let running = false;
  let cycling: Promise<void> | null = null;
  let cycleAgain = false;
  let pollTimer: ReturnType<typeof setInterval> | undefined;
  let stopWakeUps: (() => void) | undefined;
  const idleWaiters: (() => void)[] = [];

  /**
   * Claims up to `limit` due lane heads in one guarded UPDATE: a claimed delivery is no longer
   * due (its next attempt is the lease's end) and still pending, so no instance claims it or
   * the next of its lane until its attempt is recorded or the lease runs out. Returns them with
   * their endpoints' live signing secrets (read in the same transaction, not cached: a delivery
   * right after a rotation must already carry the new signature).
   */
  async function claim(tx: Tx, now: Date, limit: number): Promise<{ due: Claimed[]; secrets: Map<string, string[]> }> {
    const until = new Date(now.getTime() + leaseMs).toISOString();
    const claimed = await tx.all<{ id: number }>(
      `UPDATE webhook_deliveries SET next_attempt_at = ?
        WHERE id IN (
          SELECT d.id FROM webhook_deliveries d INDEXED BY webhook_deliveries_due
            JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.state = 'active'
           WHERE d.state = 'pending' AND d.next_attempt_at <= ?
             AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p
                              WHERE p.endpoint_id = d.endpoint_id AND p.lane = d.lane AND p.state = 'pending'
                                AND p.event_position < d.event_position)
           ORDER BY d.next_attempt_at, d.id
           LIMIT ?)
        RETURNING id`,
      [until, now.toISOString(), limit],
    );
    if (claimed.length === 0) return { due: [], secrets: new Map() };
    const rows = await tx.all<Omit<Claimed, 'claimed_until'>>(
      `SELECT d.id, d.endpoint_id, e.url, e.internal, e.organisation_id, o.id AS webhook_id, o.event_type, o.occurred_at, o.payload,
              o.aggregate_type, o.aggregate_id, o.aggregate_seq
         FROM webhook_deliveries d
         JOIN webhook_endpoints e ON e.id = d.endpoint_id
         JOIN outbox o ON o.position = d.event_position
        WHERE d.id IN (SELECT value FROM json_each(?))
        ORDER BY d.next_attempt_at, d.id`,
      [JSON.stringify(claimed.map((c) => c.id))],
    );
    const due = rows.map((r) => ({ ...r, claimed_until: until }));
    return { due, secrets: await liveWebhookSecrets(tx, [...new Set(due.map((d) => d.endpoint_id))], now.toISOString()) };
  }

  /**
   * One cycle: records `batch` and claims up to `limit` due lane heads, in one transaction. With
   * nothing to record, a read first: an idle instance does not take the write lock for nothing.
   */
  async function recordAndClaim(batch: Outcome[], limit: number): Promise<{ due: Claimed[]; secrets: Map<string, string[]> }> {
    const none = { due: [], secrets: new Map<string, string[]>() };
    if (batch.length === 0) {
      if (limit <= 0) return none;
      const due = await db.get(`SELECT 1 FROM webhook_deliveries INDEXED BY webhook_deliveries_due WHERE state = 'pending' AND next_attempt_at <= ? LIMIT 1`, [clock.now().toISOString()]);
      if (!due) return none;
    }
    const exhausted: { id: number; webhookId: string; attempts: number; problem: string }[] = [];
    const claimed = await db.transaction(async (tx) => {
      exhausted.length = 0;
      const now = clock.now();
      if (batch.length) exhausted.push(...(await record(tx, batch, now)));
      return limit > 0 ? claim(tx, now, limit) : none;
    });
    for (const x of exhausted) log.warn('webhook delivery exhausted', { deliveryId: x.id, webhookId: x.webhookId, attempts: x.attempts, problem: x.problem });
    return claimed;
  }

  async function attempt(d: Claimed, secrets: string[]): Promise<Outcome> {
    const startedAt = clock.now();
    const started = performance.now();
    // A partner endpoint gets the event's partner view (partner-events.ts), the ERP all of it.
    const body = d.organisation_id === null ? webhookBody(d) : partnerWebhookBody(d);
    const headers = { 'content-type': 'application/json', 'user-agent': 'Lotbridge-Webhooks/1', ...signatureHeaders(secrets, d.webhook_id, Math.floor(startedAt.getTime() / 1000), body) };
    try {
      const res = await send(d.url, headers, body, options.timeoutMs, { internal: d.internal === 1 });
      return {
        delivery: d,
        startedAt: startedAt.toISOString(),
        status: res.status,
        latencyMs: performance.now() - started,
        excerpt: res.excerpt,
        error: null,
        retryAfterMs: parseRetryAfter(res.retryAfter, clock.now()),
      };
    } catch (e) {
      const err = e as Error & { code?: string };
      // A partner reads its delivery log: it learns that its name reached inside our network, never the address.
      const inside = e instanceof InternalAddressError && d.organisation_id !== null ? `not sent: ${e.host} is not a public address` : null;
      const error = err.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : (inside ?? err.code ?? err.message);
      return { delivery: d, startedAt: startedAt.toISOString(), status: null, latencyMs: performance.now() - started, excerpt: null, error, retryAfterMs: null };
    }
  }

  /**
   * Records a batch of attempts with a fixed number of statements, whatever its size: the
   * outcomes travel as one JSON array that SQLite unpacks with json_each. Each attempt is
   * counted in SQL (attempts = attempts + 1, its row numbered from the count read in this same
   * write transaction), so the count and the attempt rows agree whichever instance sent it.
   * Only a delivery still pending changes state: one another instance completed stays so.
   * Returns the deliveries that ran out of attempts (logged once the transaction commits).
   */
  async function record(tx: Tx, batch: Outcome[], now: Date): Promise<{ id: number; webhookId: string; attempts: number; problem: string }[]> {
    const at = now.toISOString();
    const exhausted: { id: number; webhookId: string; attempts: number; problem: string }[] = [];
    const counts = new Map(
      (
        await tx.all<{ id: number; attempts: number; retry_base: number }>('SELECT id, attempts, retry_base FROM webhook_deliveries WHERE id IN (SELECT value FROM json_each(?))', [
          JSON.stringify(batch.map((o) => o.delivery.id)),
        ])
      ).map((r) => [r.id, r]),
    );
    const rows = batch.map((o) => {
      const count = counts.get(o.delivery.id)!;
      const n = count.attempts + 1;
      const ok = o.status !== null && o.status >= 200 && o.status < 300;
      const gone = o.status === 410;
      const delay = ok ? null : gone ? 0 : nextAttemptDelay(n - count.retry_base, o.retryAfterMs);
      const state = ok ? 'succeeded' : delay === null ? 'exhausted' : 'pending';
      if (state === 'exhausted') exhausted.push({ id: o.delivery.id, webhookId: o.delivery.webhook_id, attempts: n, problem: o.error ?? `HTTP ${o.status}` });
      return {
        id: o.delivery.id,
        endpoint: o.delivery.endpoint_id,
        attempt: n,
        started: o.startedAt,
        status: o.status,
        latency: Math.round(o.latencyMs * 1000) / 1000,
        excerpt: o.excerpt,
        error: o.error,
        state,
        problem: ok ? null : (o.error ?? `HTTP ${o.status}`),
        next: delay === null ? null : new Date(now.getTime() + delay).toISOString(),
        gone: gone ? 1 : 0,
        claimed: o.delivery.claimed_until,
      };
    });
    const json = JSON.stringify(rows);
    await tx.run(
      `INSERT INTO webhook_attempts (delivery_id, attempt, started_at, status, latency_ms, response_excerpt, error)
       SELECT value ->> 'id', value ->> 'attempt', value ->> 'started', value ->> 'status', value ->> 'latency', value ->> 'excerpt', value ->> 'error'
         FROM json_each(?)`,
      [json],
    );
    await tx.run(`UPDATE webhook_deliveries AS d SET attempts = attempts + 1 FROM json_each(?) AS r WHERE d.id = r.value ->> 'id'`, [json]);
    const updated = await tx.all<{ id: number; state: string }>(
      `UPDATE webhook_deliveries AS d
          SET state = r.value ->> 'state', last_status = r.value ->> 'status', last_error = r.value ->> 'problem',
              next_attempt_at = COALESCE(r.value ->> 'next', d.next_attempt_at),
              completed_at = CASE WHEN r.value ->> 'state' = 'pending' THEN NULL ELSE ? END
         FROM json_each(?) AS r
        WHERE d.id = r.value ->> 'id' AND +d.state = 'pending' -- unary +: look rows up by id, not scan every pending one
          -- A success stands whoever holds the claim; a failure only while the claim is still this
          -- attempt's (after its lease ran out another instance may be sending it: its lease stays).
          AND (r.value ->> 'state' = 'succeeded' OR d.next_attempt_at = r.value ->> 'claimed')
        RETURNING id, state`,
      [at, json],
    );
    const done = updated.filter((u) => u.state !== 'pending').map((u) => u.id);
    if (done.length) await promoteNextInLanes(tx, JSON.stringify(done), at);
    const gone = rows.filter((r) => r.gone);
    for (const r of gone) {
      // The receiver says this endpoint is gone for good: stop sending to it at all.
      const { changes } = await tx.run("UPDATE webhook_endpoints SET state = 'disabled', state_reason = ?, updated_at = ? WHERE id = ? AND state != 'disabled'", [
        `answered 410 Gone at ${at}`,
        at,
        r.endpoint,
      ]);
      if (changes) {
        log.warn('webhook endpoint disabled: 410 Gone', { endpointId: r.endpoint });
        await recordAudit(tx, clock, {
          actor: { type: 'system', name: 'Lotbridge webhook dispatcher' },
          organisationId: null,
          action: 'webhook_endpoint.disabled',
          entityType: 'webhook_endpoint',
          entityId: r.endpoint,
          oldValues: { state: 'active' },
          newValues: { state: 'disabled' },
          reason: 'the endpoint answered 410 Gone',
        });
      }
    }
    return exhausted;
  }

  /**
   * One cycle of start()'s loop: records what finished, claims what there is room for, sends it.
   * After stop() only records (the attempts still in flight finish and are written).
   */
  async function cycle(): Promise<void> {
    // Let the other attempts finishing in this turn join the batch.
    await new Promise((r) => setImmediate(r));
    const batch = finished.splice(0);
    // The batch's deliveries leave the flight when their outcomes are written: room for as many new ones.
    const room = running ? concurrency - inFlight.size + batch.length : 0;
    let claimed: Awaited<ReturnType<typeof recordAndClaim>>;
    try {
      claimed = await recordAndClaim(batch, room);
    } catch (e) {
      // The batch's deliveries stay pending in the database and are sent again (same webhook-id) once their leases run out.
      log.error('webhook dispatcher could not record attempts or claim deliveries', { err: e });
      claimed = { due: [], secrets: new Map() };
    } finally {
      for (const o of batch) inFlight.delete(o.delivery.id);
    }
    for (const d of claimed.due) {
      inFlight.add(d.id);
      void attempt(d, claimed.secrets.get(d.endpoint_id) ?? []).then((o) => {
        finished.push(o);
        kick();
      });
    }
    // A full claim suggests more is due.
    if (room > 0 && claimed.due.length === room) cycleAgain = true;
    // Idle only after a cycle that began after every waiter came: a cycle already running when
    // idle() was called may have looked before the delivery became due (cycleAgain is then set).
    if (claimed.due.length === 0 && inFlight.size === 0 && finished.length === 0 && !cycleAgain) for (const w of idleWaiters.splice(0)) w();
  }

  /** Runs a cycle now, or right after the one running (wake-ups, polls and outcomes meanwhile make one more). */
  function kick(): void {
    if (!running && finished.length === 0) return;
    if (cycling) {
      cycleAgain = true;
      return;
    }
    cycling = (async () => {
      try {
        do {
          cycleAgain = false;
          await cycle();
        } while (cycleAgain && (running || finished.length > 0));
      } finally {
        cycling = null;
      }
    })();
  }

  /**
   * One pass, awaited (the Workers entry drives these): claims what is due, sends it, records
   * the outcomes together with the next claim, and again while anything is due (a lane's next
   * event becomes due when its head completes). Resolves with the attempts made; independent
   * of start()/stop().
   */
  async function runOnce(): Promise<{ attempts: number; succeeded: number }> {
    let attempts = 0;
    let succeeded = 0;
    let outcomes: Outcome[] = [];
    for (;;) {
      const { due, secrets } = await recordAndClaim(outcomes, concurrency);
      if (due.length === 0) return { attempts, succeeded };
      outcomes = await Promise.all(due.map((d) => attempt(d, secrets.get(d.endpoint_id) ?? [])));
      attempts += outcomes.length;
      succeeded += outcomes.filter((o) => o.status !== null && o.status >= 200 && o.status < 300).length;
    }
  }

  return {
    runOnce,
    /** Node only: claims on wake-ups and every `pollMs`, until stop(). */
    start(): void {
      if (running) return;
      running = true;
      stopWakeUps = onDispatcherWakeUp(kick);
      pollTimer = setInterval(kick, pollMs);
      pollTimer.unref?.();
      kick();
    },
    /** Stops claiming; waits for the attempts in flight and records them. */
    async stop(): Promise<void> {
      running = false;
      clearInterval(pollTimer);
      stopWakeUps?.();
      while (cycling || inFlight.size > 0) await (cycling ?? new Promise((r) => setTimeout(r, 10)));
      ownPoster?.close();
    },
    /** Closes the HTTP client after runOnce() passes without start(). */
    close(): void {
      ownPoster?.close();
    },
    /** Resolves when nothing is due and nothing is in flight (tests and benches). */
    idle(): Promise<void> {
      return new Promise((resolve) => {
        idleWaiters.push(resolve);
        kick();
      });
    },
    get inFlight(): number {
      return inFlight.size;
    },
    maxAttempts,
  };
}

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>;
