/**
 * Sends async MDNs (RFC 4130 §7.3: POSTed to the Receipt-Delivery-Option URL) from the server
 * process. A delivery is claimed by pushing its next attempt a lease ahead, so two servers
 * never send the same MDN at once; failures retry with exponential backoff until the attempts
 * run out. The MDN itself is the stored one: a retry sends the same bytes. Each attempt first
 * checks the URL against the partner's current profile and resolves its host (see
 * async-mdn-destination.ts); the request goes to the address that was checked (on Workers, which
 * resolve no names, to the URL's host: see resolve-target-workerd.ts).
 */
import { postBytes } from '#runtime/http-post';
import type { HeaderList } from '../../as2/index.ts';
import { recordAudit } from '../../audit/record-audit.ts';
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/index.ts';
import type { Logger } from '../../log.ts';
import { createPeriodicTask, type PeriodicTask } from '../../scheduling/periodic-task.ts';
import { resolveAsyncMdnAddress } from './async-mdn-destination.ts';

export const asyncMdnMaxAttempts = 10;
const leaseMs = 5 * 60_000;

/** 30 s, 1 min, 2 min … capped at 2 h: partners' servers are down for maintenance, not for days. */
export function asyncMdnRetryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 2 * 3_600_000);
}

interface DueMdn {
  id: string;
  partner_id: string | null;
  organisation_id: string | null;
  message_id: string;
  receipt_delivery_url: string;
  mdn_headers: string;
  mdn_body: ArrayBuffer | Uint8Array;
  mdn_delivery_attempts: number;
  as2_url: string | null;
  async_mdn_hosts: string | null;
  async_mdn_private: number | null;
}

export interface AsyncMdnSenderOptions {
  db: Db;
  clock: Clock;
  log: Logger;
  timeoutMs: number;
  intervalMs?: number;
}

async function post(url: string, policy: { as2_url: string | null; async_mdn_hosts: string | null; async_mdn_private: number | null }, headers: HeaderList, body: Uint8Array, timeoutMs: number): Promise<string | null> {
  const address = await resolveAsyncMdnAddress({ as2Url: policy.as2_url, asyncMdnHosts: policy.async_mdn_hosts ?? '', asyncMdnPrivate: policy.async_mdn_private === 1 }, url);
  if ('problem' in address) return `not sent to ${url}: ${address.problem}`;
  const requestHeaders: Record<string, string> = {};
  for (const [name, value] of headers) requestHeaders[name] = requestHeaders[name] === undefined ? value : `${requestHeaders[name]}, ${value}`;
  try {
    const { status, statusText } = await postBytes(new URL(url), requestHeaders, body, timeoutMs, address.address === null ? undefined : address);
    return status >= 200 && status < 300 ? null : `HTTP ${status} ${statusText} from ${url}`;
  } catch (e) {
    const error = e as NodeJS.ErrnoException;
    return `POST ${url} failed: ${error.code ?? error.message}`;
  }
}

/** Sends every due async MDN once; returns how many were delivered. */
export async function deliverDueMdns(options: AsyncMdnSenderOptions): Promise<number> {
  const { db, clock, log } = options;
  const nowIso = clock.now().toISOString();
  const due = await db.all<DueMdn>(
    `SELECT m.id, m.partner_id, p.organisation_id, m.message_id, m.receipt_delivery_url, m.mdn_headers, m.mdn_body, m.mdn_delivery_attempts,
            p.as2_url, p.async_mdn_hosts, p.async_mdn_private
       FROM as2_messages m LEFT JOIN edi_partners p ON p.id = m.partner_id
      WHERE m.mdn_delivery_state = 'pending' AND m.mdn_next_attempt_at <= ? AND m.mdn_body IS NOT NULL
      ORDER BY m.mdn_next_attempt_at LIMIT 20`,
    [nowIso],
  );
  let delivered = 0;
  for (const d of due) {
    const lease = new Date(clock.now().getTime() + leaseMs).toISOString();
    const claimed = await db.run("UPDATE as2_messages SET mdn_next_attempt_at = ? WHERE id = ? AND mdn_delivery_state = 'pending' AND mdn_next_attempt_at <= ?", [lease, d.id, nowIso]);
    if (claimed.changes === 0) continue;
    const error = await post(d.receipt_delivery_url, d, JSON.parse(d.mdn_headers) as HeaderList, new Uint8Array(d.mdn_body as ArrayBuffer), options.timeoutMs);
    const at = clock.now();
    const { attempts, state } = await db.transaction(async (tx) => {
      // The count moves in SQL: an attempt made by another instance (after a lease ran out) is not lost.
      const { attempts } = (await tx.get<{ attempts: number }>('UPDATE as2_messages SET mdn_delivery_attempts = mdn_delivery_attempts + 1 WHERE id = ? RETURNING mdn_delivery_attempts AS attempts', [d.id]))!;
      const state = error === null ? 'delivered' : attempts >= asyncMdnMaxAttempts ? 'exhausted' : 'pending';
      // Delivered stays delivered, whichever instance got there first; a failure changes the row
      // only while the claim is still this attempt's (after its lease ran out another instance
      // may be sending it: that one's claim stays, so no third sends it meanwhile).
      const { changes } = await tx.run(
        `UPDATE as2_messages SET mdn_delivery_state = ?, mdn_last_error = ?,
           mdn_next_attempt_at = ?, mdn_delivered_at = ? WHERE id = ? AND mdn_delivery_state = 'pending' AND (? = 'delivered' OR mdn_next_attempt_at = ?)`,
        [state, error, state === 'pending' ? new Date(at.getTime() + asyncMdnRetryDelayMs(attempts)).toISOString() : null, error === null ? at.toISOString() : null, d.id, state, lease],
      );
      // Each retry is on the row; the audit trail gets the outcomes that end the delivery.
      if (state !== 'pending' && changes === 1) {
        await recordAudit(tx, clock, {
          actor: { type: 'system', name: 'AS2 gateway' },
          organisationId: d.organisation_id,
          action: state === 'delivered' ? 'as2.mdn_delivered' : 'as2.mdn_delivery_exhausted',
          entityType: 'as2_message',
          entityId: d.id,
          newValues: { state, attempts, url: d.receipt_delivery_url },
          reason: error ?? undefined,
        });
      }
      return { attempts, state };
    });
    if (error === null) delivered++;
    const fields = { as2MessageRowId: d.id, messageId: d.message_id, url: d.receipt_delivery_url, attempts };
    if (state === 'delivered') log.info('async mdn delivered', fields);
    else log.warn(state === 'exhausted' ? 'async mdn delivery exhausted' : 'async mdn delivery failed, will retry', { ...fields, error });
  }
  return delivered;
}

/** The periodic sender the Node server runs (every 2 s: an async MDN should not wait long). runOnce() resolves with how many were delivered. */
export function createAsyncMdnSender(options: AsyncMdnSenderOptions): PeriodicTask<number> {
  return createPeriodicTask({ name: 'async MDN sender', log: options.log, intervalMs: options.intervalMs ?? 2000, task: () => deliverDueMdns(options) });
}
