import type { Db } from './db/index.ts';
import { as2RefusalTotals } from './edi/messages/count-as2-refusal.ts';
import { waitingForErp } from './webhooks/routing.ts';

export const webhookDeliveryStates = ['pending', 'succeeded', 'exhausted'] as const;

/** What /metrics reports from the database rather than from this process. */
export interface StoredGauges {
  /** Outbound webhook deliveries by state (every state named, 0 when none). */
  webhookDeliveries: Record<(typeof webhookDeliveryStates)[number], number>;
  /** Events no ERP endpoint got a delivery of: none is configured. */
  outboxWaiting: number;
  /** AS2 requests refused before their body was kept, by reason, over all time. */
  as2Refusals: { reason: string; count: number }[];
}

/** Read at scrape time: delivery state lives in the database, shared by every instance, not in one process. */
export async function readStoredGauges(db: Db): Promise<StoredGauges> {
  const states = await db.all<{ state: string; n: number }>('SELECT state, COUNT(*) AS n FROM webhook_deliveries GROUP BY state');
  const waiting = await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM outbox o WHERE ${waitingForErp('o')}`);
  return {
    webhookDeliveries: Object.fromEntries(webhookDeliveryStates.map((s) => [s, states.find((r) => r.state === s)?.n ?? 0])) as StoredGauges['webhookDeliveries'],
    outboxWaiting: waiting?.n ?? 0,
    as2Refusals: await as2RefusalTotals(db),
  };
}
