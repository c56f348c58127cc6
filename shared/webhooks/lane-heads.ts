import type { Tx } from '../db/index.ts';

/**
 * Restores the lane invariant for an endpoint after rows were added or re-opened out of
 * order (backfill, replay): each lane's oldest pending row is due, every other one waits.
 */
export async function repairLaneHeads(tx: Tx, endpointId: string, now: string): Promise<void> {
  await tx.run(
    `UPDATE webhook_deliveries AS d SET next_attempt_at = NULL
      WHERE d.endpoint_id = ? AND d.state = 'pending' AND d.next_attempt_at IS NOT NULL
        AND EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.endpoint_id = d.endpoint_id AND p.lane = d.lane
                      AND p.state = 'pending' AND p.event_position < d.event_position)`,
    [endpointId],
  );
  await tx.run(
    `UPDATE webhook_deliveries AS d SET next_attempt_at = ?
      WHERE d.endpoint_id = ? AND d.state = 'pending' AND d.next_attempt_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.endpoint_id = d.endpoint_id AND p.lane = d.lane
                          AND p.state = 'pending' AND p.event_position < d.event_position)`,
    [now, endpointId],
  );
}

/** After lanes' heads completed: the next pending row of each of those lanes becomes due. */
export async function promoteNextInLanes(tx: Tx, completedDeliveryIdsJson: string, now: string): Promise<void> {
  await tx.run(
    `UPDATE webhook_deliveries SET next_attempt_at = ?
      WHERE id IN (
        SELECT (SELECT n.id FROM webhook_deliveries n
                 WHERE n.endpoint_id = d.endpoint_id AND n.lane = d.lane AND n.state = 'pending'
                 ORDER BY n.event_position LIMIT 1)
          FROM webhook_deliveries d JOIN json_each(?) AS c ON d.id = c.value)
        AND next_attempt_at IS NULL`,
    [now, completedDeliveryIdsJson],
  );
}
