/**
 * Sends queued outbound AS2 messages from the server process (or the CLI's --wait). A message
 * is claimed with a lease (state `sending`, lease_until), so two processes never send it at
 * once and a crash mid-send frees it when the lease runs out. The first attempt wraps it per
 * the partner's profile and stores the request; every retry POSTs those same bytes (same
 * Message-ID, same MIC). HTTP and network errors retry with backoff until the attempts run out;
 * a sync MDN in the response is judged at once, an async one arrives later at POST /as2.
 */
import type { DigestName, HeaderList } from '../../as2/index.ts';
import { recordAudit } from '../../audit/record-audit.ts';
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/index.ts';
import { findPartnerByAs2Id, type FoundPartner } from '../partners/find-partner.ts';
import type { Logger } from '../../log.ts';
import { createPeriodicTask, type PeriodicTask } from '../../scheduling/periodic-task.ts';
import { onAs2SenderWakeUp } from './as2-sender-wake-up.ts';
import { buildOutboundRequest, OutboundBuildError, type OutboundSettings } from './build-outbound-request.ts';
import { judgeOutboundMdn } from './judge-outbound-mdn.ts';
import { cachedCertificate } from './parsed-key-cache.ts';
import { recordOutboundMdn } from './record-outbound-mdn.ts';

export const as2SendMaxAttempts = 10;
const leaseMs = 5 * 60_000;

/** 1 min, 2 min, 4 min … capped at 2 h: ten attempts span about nine hours. */
export function as2SendRetryDelayMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 2 * 3_600_000);
}

export interface As2SenderOptions extends OutboundSettings {
  db: Db;
  clock: Clock;
  log: Logger;
  /** Per HTTP request, connection to last byte of the answer. */
  timeoutMs: number;
  intervalMs?: number;
}

interface OutboundRow {
  id: string;
  partner_id: string;
  partner_as2_id: string;
  organisation_id: string;
  message_id: string;
  subject: string;
  filename: string;
  content_type: string;
  payload: ArrayBuffer;
  receipt_url: string | null;
  attempts: number;
  request_headers: string | null;
  request_body: ArrayBuffer | null;
  expected_mic: string | null;
  mic_algorithm: string | null;
  mdn_mode: 'sync' | 'async' | 'none' | null;
  mdn_signed_requested: number | null;
  /** This sender's claim (the lease_until it set): its outcome is written only while the claim is still its own. */
  claimed_until?: string;
}

interface Stored {
  headers: HeaderList;
  body: Uint8Array;
}

type Answer = { ok: true; status: number; headers: HeaderList; body: Uint8Array } | { ok: false; error: string };

const selectRow = `SELECT m.id, m.partner_id, p.as2_id AS partner_as2_id, p.organisation_id, m.message_id, m.subject, m.filename, m.content_type, m.payload, m.receipt_url,
    m.attempts, m.request_headers, m.request_body, m.expected_mic, m.mic_algorithm, m.mdn_mode, m.mdn_signed_requested
  FROM as2_outbound_messages m JOIN edi_partners p ON p.id = m.partner_id`;

async function post(url: string, headers: HeaderList, body: Uint8Array, timeoutMs: number): Promise<Answer> {
  try {
    const response = await fetch(url, { method: 'POST', headers, body: new Uint8Array(body), signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    const answer = new Uint8Array(await response.arrayBuffer());
    if (response.status < 200 || response.status > 299) {
      const text = new TextDecoder().decode(answer.subarray(0, 300)).replace(/\s+/g, ' ').trim();
      return { ok: false, error: `HTTP ${response.status} ${response.statusText} from ${url}${text ? `: ${text}` : ''}` };
    }
    return { ok: true, status: response.status, headers: [...response.headers], body: answer };
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const what = (e as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (cause?.code ?? cause?.message ?? (e as Error).message);
    return { ok: false, error: `POST ${url} failed: ${what}` };
  }
}

/** Claims a due message (queued and due, or sending with a lapsed lease); resolves with the claim's lease_until, or null. */
async function claim(db: Db, id: string, now: Date): Promise<string | null> {
  const nowIso = now.toISOString();
  const until = new Date(now.getTime() + leaseMs).toISOString();
  const result = await db.run(
    `UPDATE as2_outbound_messages SET state = 'sending', lease_until = ?
      WHERE id = ? AND ((state = 'queued' AND next_attempt_at <= ?) OR (state = 'sending' AND lease_until <= ?))`,
    [until, id, nowIso, nowIso],
  );
  return result.changes === 1 ? until : null;
}

/** The stored request, or a new one built and stored now (then never changed). */
async function requestFor(options: As2SenderOptions, row: OutboundRow, partner: FoundPartner): Promise<Stored> {
  if (row.request_body !== null && row.request_headers !== null) {
    return { headers: JSON.parse(row.request_headers) as HeaderList, body: new Uint8Array(row.request_body) };
  }
  const now = options.clock.now();
  const built = await buildOutboundRequest(options.db, now, row, partner, options);
  const stored = await options.db.run(
    `UPDATE as2_outbound_messages SET as2_from = ?, as2_to = ?, request_headers = ?, request_body = ?, layers = ?, expected_mic = ?, mic_algorithm = ?,
       mdn_mode = ?, mdn_signed_requested = ?, built_at = ? WHERE id = ? AND request_body IS NULL`,
    [built.as2From, built.as2To, JSON.stringify(built.headers), built.body, JSON.stringify(built.layers), built.expectedMic, built.micAlgorithm, built.mdnMode, built.mdnSignedRequested ? 1 : 0, now.toISOString(), row.id],
  );
  // Another instance built it first (its lease ran out on us): send its bytes, whose MIC is the one stored.
  if (stored.changes === 0) {
    const theirs = (await options.db.get<OutboundRow>(`${selectRow} WHERE m.id = ?`, [row.id]))!;
    Object.assign(row, { expected_mic: theirs.expected_mic, mic_algorithm: theirs.mic_algorithm, mdn_mode: theirs.mdn_mode, mdn_signed_requested: theirs.mdn_signed_requested });
    return { headers: JSON.parse(theirs.request_headers!) as HeaderList, body: new Uint8Array(theirs.request_body!) };
  }
  Object.assign(row, { expected_mic: built.expectedMic, mic_algorithm: built.micAlgorithm, mdn_mode: built.mdnMode, mdn_signed_requested: built.mdnSignedRequested ? 1 : 0 });
  return { headers: built.headers, body: built.body };
}

function systemActor() {
  return { type: 'system' as const, name: 'AS2 gateway' };
}

/**
 * An attempt that did not reach the partner: queued again after the backoff, or exhausted. Only
 * while this sender's claim still holds: once its lease ran out another instance may have taken
 * the message over and delivered it, and a late failure must not queue it again (or audit it
 * as exhausted); the attempt is still counted.
 */
async function attemptFailed(options: As2SenderOptions, row: OutboundRow, error: string): Promise<'queued' | 'exhausted' | 'skipped'> {
  const { db, clock, log } = options;
  const at = clock.now();
  const { attempts, state } = await db.transaction(async (tx) => {
    // The count moves in SQL: an attempt made by another instance (after a lease ran out) is not lost.
    const { attempts } = (await tx.get<{ attempts: number }>('UPDATE as2_outbound_messages SET attempts = attempts + 1 WHERE id = ? RETURNING attempts', [row.id]))!;
    const state: 'queued' | 'exhausted' = attempts >= as2SendMaxAttempts ? 'exhausted' : 'queued';
    const { changes } = await tx.run(
      `UPDATE as2_outbound_messages SET state = ?, last_error = ?, lease_until = NULL, next_attempt_at = ?, failure_reason = ?
        WHERE id = ? AND state = 'sending' AND lease_until = ?`,
      [state, error, state === 'queued' ? new Date(at.getTime() + as2SendRetryDelayMs(attempts)).toISOString() : null, state === 'exhausted' ? `${attempts} attempts failed; the last: ${error}` : null, row.id, row.claimed_until ?? null],
    );
    if (changes === 0) return { attempts, state: 'skipped' as const };
    // Each retry is on the row and in the log; the audit trail gets the end of the road.
    if (state === 'exhausted') {
      await recordAudit(tx, clock, {
        actor: systemActor(),
        organisationId: row.organisation_id,
        action: 'as2.outbound_exhausted',
        entityType: 'as2_outbound_message',
        entityId: row.id,
        newValues: { state, attempts, messageId: row.message_id, partner: row.partner_as2_id },
        reason: error,
      });
    }
    return { attempts, state };
  });
  const fields = { as2OutboundId: row.id, messageId: row.message_id, partner: row.partner_as2_id, attempts, error };
  if (state === 'skipped') log.warn('as2 send failed after its lease ran out: the message is left to the instance that took it over', fields);
  else if (state === 'exhausted') log.error('as2 send exhausted', fields);
  else log.warn('as2 send failed, will retry', fields);
  return state;
}

/** The partner took the message (HTTP 2xx) and no sync MDN is to be judged. */
async function markSent(options: As2SenderOptions, row: OutboundRow): Promise<void> {
  const { db, clock } = options;
  const now = clock.now().toISOString();
  await db.transaction(async (tx) => {
    // An async MDN may already have been recorded while we read the answer: keep its state.
    const { attempts } = (await tx.get<{ attempts: number }>(
      `UPDATE as2_outbound_messages SET attempts = attempts + 1, sent_at = ?, last_error = NULL, lease_until = NULL, next_attempt_at = NULL,
         state = CASE WHEN state = 'sending' THEN 'sent' ELSE state END WHERE id = ? RETURNING attempts`,
      [now, row.id],
    ))!;
    await recordAudit(tx, clock, {
      actor: systemActor(),
      organisationId: row.organisation_id,
      action: 'as2.outbound_sent',
      entityType: 'as2_outbound_message',
      entityId: row.id,
      newValues: { messageId: row.message_id, partner: row.partner_as2_id, attempts, mdn: row.mdn_mode },
    });
  });
}

export type SendOutcome = 'delivered' | 'failed' | 'sent' | 'queued' | 'exhausted' | 'skipped';

/** One attempt for one claimed message. */
async function attempt(options: As2SenderOptions, row: OutboundRow): Promise<SendOutcome> {
  const { db, clock, log } = options;
  // Partners are never deleted, only disabled.
  const partner = (await findPartnerByAs2Id(db, row.partner_as2_id, clock.now()))!;
  let request: Stored;
  try {
    request = await requestFor(options, row, partner);
  } catch (e) {
    if (!(e instanceof OutboundBuildError)) throw e;
    return attemptFailed(options, row, `cannot build the AS2 message: ${e.message}`);
  }
  // A request built earlier goes to where the partner is now, and not while it is disabled.
  if (partner.state !== 'active') return attemptFailed(options, row, `partner "${partner.as2Id}" is ${partner.state}: nothing is sent to it until it is enabled again`);
  const url = partner.as2Url;
  if (!url) return attemptFailed(options, row, `partner "${partner.as2Id}" has no AS2 URL: set where its AS2 server listens (as2_url) in its profile`);
  const answer = await post(url, request.headers, request.body, options.timeoutMs);
  if (!answer.ok) return attemptFailed(options, row, answer.error);
  log.info('as2 message sent', { as2OutboundId: row.id, messageId: row.message_id, partner: row.partner_as2_id, url, status: answer.status, mdn: row.mdn_mode });
  if (row.mdn_mode !== 'sync') {
    await markSent(options, row);
    return 'sent';
  }
  const trusted = partner.certificates.filter((c) => c.usage !== 'encryption').map((c) => cachedCertificate({ id: c.id, pem: c.pem }));
  const verdict = judgeOutboundMdn(
    answer.headers,
    answer.body,
    { messageId: row.message_id, expectedMic: row.expected_mic!, micAlgorithm: row.mic_algorithm as DigestName, signedRequested: row.mdn_signed_requested === 1 },
    trusted,
    clock.now(),
  );
  const state = await db.transaction(async (tx) => {
    await tx.run('UPDATE as2_outbound_messages SET attempts = attempts + 1, sent_at = ?, last_error = NULL WHERE id = ?', [clock.now().toISOString(), row.id]);
    return recordOutboundMdn(tx, clock, { id: row.id, messageId: row.message_id, organisationId: row.organisation_id, partnerAs2Id: row.partner_as2_id }, { headers: answer.headers, body: answer.body, how: 'sync' }, verdict);
  });
  const fields = { as2OutboundId: row.id, messageId: row.message_id, partner: row.partner_as2_id, disposition: verdict.disposition, signature: verdict.signature, micMatched: verdict.micMatched };
  if (state === 'delivered') log.info('as2 message delivered', fields);
  else log.warn('as2 message failed', { ...fields, reason: verdict.failure });
  return state ?? 'skipped';
}

/** Sends every due message once (or only `onlyId`); returns how many attempts were made. */
export async function sendDueAs2Messages(options: As2SenderOptions, onlyId?: string): Promise<number> {
  const now = options.clock.now();
  const nowIso = now.toISOString();
  const due = await options.db.all<{ id: string }>(
    `SELECT id FROM as2_outbound_messages
      WHERE ((state = 'queued' AND next_attempt_at <= ?) OR (state = 'sending' AND lease_until <= ?)) ${onlyId ? 'AND id = ?' : ''}
      ORDER BY next_attempt_at LIMIT 20`,
    onlyId ? [nowIso, nowIso, onlyId] : [nowIso, nowIso],
  );
  let attempts = 0;
  for (const { id } of due) {
    const claimedUntil = await claim(options.db, id, now);
    if (!claimedUntil) continue;
    const row = { ...(await options.db.get<OutboundRow>(`${selectRow} WHERE m.id = ?`, [id]))!, claimed_until: claimedUntil };
    try {
      await attempt(options, row);
    } catch (e) {
      // A bug or a database error: give the message back to the queue with the reason.
      await attemptFailed(options, row, `unexpected error: ${(e as Error).message}`);
    }
    attempts++;
  }
  return attempts;
}

/** The periodic sender the Node server runs: woken when a message is queued, else every 5 s. runOnce() resolves with the attempts made. */
export function createAs2Sender(options: As2SenderOptions): PeriodicTask<number> {
  const task = createPeriodicTask({ name: 'AS2 sender', log: options.log, intervalMs: options.intervalMs ?? 5000, task: () => sendDueAs2Messages(options) });
  const wakeRuns = new Set<Promise<void>>();
  let stopWakeUps: (() => void) | undefined;
  // A wake-up runs at once beside the timer; the claim keeps a message from being sent twice.
  const wake = () => {
    const run = sendDueAs2Messages(options)
      .then(() => undefined)
      .catch((e: unknown) => options.log.error('AS2 sender failed', { err: e }))
      .finally(() => wakeRuns.delete(run));
    wakeRuns.add(run);
  };
  return {
    start() {
      task.start();
      stopWakeUps ??= onAs2SenderWakeUp(wake);
    },
    async stop() {
      stopWakeUps?.();
      stopWakeUps = undefined;
      await task.stop();
      await Promise.all(wakeRuns);
    },
    runOnce: task.runOnce,
  };
}
