/**
 * Refused AS2 requests, counted instead of audited one by one. Anyone can POST to /as2, so an
 * audit entry per refusal would let an anonymous sender grow the audit trail without limit.
 * Each refusal adds 1 to its (source, reason, hour) row in as2_refusals, the source being the
 * client's address as sign-in throttling counts it (an IPv6 address by its /64, which one
 * sender usually holds whole). The first refusal of each row is also an audit entry, but at
 * most `as2RefusalAuditCap` per reason and hour across all sources: a sender with many
 * addresses cannot grow the trail either. Past the cap refusals are only counted. /metrics
 * shows the counts.
 */
import { recordAudit } from '../../audit/record-audit.ts';
import { sourceOf } from '../../auth/client-source.ts';
import type { UseCaseContext } from '../../context.ts';

/** Stable codes, one per kind of refusal. */
export type As2RefusalReason = 'bad_headers' | 'wrong_recipient' | 'unknown_partner' | 'async_mdn_url' | 'unauthenticated_repeat';

export interface As2Refusal {
  /** The client address, or 'unknown'; counted by its source (sourceOf: IPv6 by /64). */
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

/** At most this many refusals of one reason are audited per hour, whatever the number of sources. */
export const as2RefusalAuditCap = 20;

/** Counts one refusal; returns how many of its kind this source has had in the current hour. */
export async function countAs2Refusal(ctx: UseCaseContext, refusal: As2Refusal): Promise<number> {
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs).toISOString();
  const windowEnd = new Date(Date.parse(windowStart) + windowMs).toISOString();
  const source = refusal.source === 'unknown' ? 'unknown' : sourceOf(refusal.source);
  const detail = JSON.stringify(refusal.values).slice(0, 300);
  return ctx.db.transaction(async (tx) => {
    const row = await tx.get<{ count: number }>(
      `INSERT INTO as2_refusals (source, reason, window_start, count, first_at, last_at, last_detail) VALUES (?, ?, ?, 1, ?, ?, ?)
       ON CONFLICT (source, reason, window_start) DO UPDATE SET count = count + 1, last_at = excluded.last_at, last_detail = excluded.last_detail
       RETURNING count`,
      [source, refusal.reason, windowStart, nowIso, nowIso, detail],
    );
    const count = row?.count ?? 1;
    if (count !== 1) return count;
    // The first refusal of each source was audited; so the rows of this reason and hour (this
    // one included) are the audit entries so far. Counting stops past the cap: few rows read.
    const rows = await tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM (SELECT 1 FROM as2_refusals WHERE window_start = ? AND reason = ? LIMIT ?)', [
      windowStart,
      refusal.reason,
      as2RefusalAuditCap + 1,
    ]);
    const audited = rows?.n ?? 1;
    if (audited > as2RefusalAuditCap) return count;
    const further =
      audited === as2RefusalAuditCap
        ? `${as2RefusalAuditCap} sources have been refused for this reason this hour: further refusals of this kind from any source until ${windowEnd} are counted in as2_refusals, not audited`
        : `further refusals of this kind from ${source} until ${windowEnd} are counted in as2_refusals, not audited one by one`;
    await recordAudit(tx, ctx.clock, {
      actor: refusal.partner ? { type: 'partner', id: refusal.partner.id, name: refusal.partner.as2Id } : { type: 'system', name: 'AS2 gateway' },
      organisationId: refusal.partner?.organisationId ?? null,
      action: 'as2.message_refused',
      entityType: 'as2_message',
      entityId: null,
      newValues: { ...refusal.values, source, address: refusal.source, refusal: refusal.reason, window: windowStart },
      reason: `${refusal.text} (${further})`,
      requestId: ctx.requestId,
    });
    return count;
  });
}

/** Refusals per reason over all time, for /metrics. */
export async function as2RefusalTotals(db: UseCaseContext['db']): Promise<{ reason: string; count: number }[]> {
  return db.all<{ reason: string; count: number }>('SELECT reason, SUM(count) AS count FROM as2_refusals GROUP BY reason ORDER BY reason');
}
