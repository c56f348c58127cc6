/**
 * Refused AS2 requests, counted instead of audited one by one. Anyone can POST to /as2, so an
 * audit entry per refusal would let an anonymous sender grow the audit trail without limit.
 * Each refusal adds 1 to its (source address, reason, hour) row in as2_refusals; the first of
 * each row is also an audit entry, whose reason says that repeats in that hour are counted
 * there. /metrics shows the counts.
 */
import { recordAudit } from '../audit/record-audit.ts';
import type { UseCaseContext } from '../context.ts';

/** Stable codes, one per kind of refusal. */
export type As2RefusalReason = 'bad_headers' | 'wrong_recipient' | 'unknown_partner' | 'async_mdn_url' | 'unauthenticated_repeat';

export interface As2Refusal {
  /** The client address, or 'unknown'. */
  source: string;
  reason: As2RefusalReason;
  /** What the audit entry says (the first of the window only). */
  text: string;
  /** Header values worth keeping (AS2-From, Message-ID …): in the audit entry and, cut short, on the row. */
  values: Record<string, unknown>;
  /** The partner it names, when it names one. */
  partner?: { id: string; organisationId: string; as2Id: string };
}

const windowMs = 3_600_000;

/** Counts one refusal; returns how many of its kind this source has had in the current hour. */
export async function countAs2Refusal(ctx: UseCaseContext, refusal: As2Refusal): Promise<number> {
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs).toISOString();
  const detail = JSON.stringify(refusal.values).slice(0, 300);
  return ctx.db.transaction(async (tx) => {
    const row = await tx.get<{ count: number }>(
      `INSERT INTO as2_refusals (source, reason, window_start, count, first_at, last_at, last_detail) VALUES (?, ?, ?, 1, ?, ?, ?)
       ON CONFLICT (source, reason, window_start) DO UPDATE SET count = count + 1, last_at = excluded.last_at, last_detail = excluded.last_detail
       RETURNING count`,
      [refusal.source, refusal.reason, windowStart, nowIso, nowIso, detail],
    );
    const count = row?.count ?? 1;
    if (count === 1) {
      await recordAudit(tx, ctx.clock, {
        actor: refusal.partner ? { type: 'partner', id: refusal.partner.id, name: refusal.partner.as2Id } : { type: 'system', name: 'AS2 gateway' },
        organisationId: refusal.partner?.organisationId ?? null,
        action: 'as2.message_refused',
        entityType: 'as2_message',
        entityId: null,
        newValues: { ...refusal.values, source: refusal.source, refusal: refusal.reason, window: windowStart },
        reason: `${refusal.text} (further refusals of this kind from ${refusal.source} until ${new Date(Date.parse(windowStart) + windowMs).toISOString()} are counted in as2_refusals, not audited one by one)`,
        requestId: ctx.requestId,
      });
    }
    return count;
  });
}

/** Refusals per reason over all time, for /metrics. */
export async function as2RefusalTotals(db: UseCaseContext['db']): Promise<{ reason: string; count: number }[]> {
  return db.all<{ reason: string; count: number }>('SELECT reason, SUM(count) AS count FROM as2_refusals GROUP BY reason ORDER BY reason');
}
