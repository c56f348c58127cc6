// Many events in one call (a recall's release posts thousands): numbered per aggregate in the
// given order, positions in order, and of each lane's new deliveries only the first is due —
// and not even that one while the lane already has a pending delivery.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueEvents } from '../../shared/outbox/enqueue-event.ts';
import { configureDefaultEndpoint } from '../../shared/webhooks/configure-default-endpoint.ts';
import { generateSecret } from '../../shared/webhooks/signature.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';

describe('enqueueEvents', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await testDatabase();
    await configureDefaultEndpoint(t.ctx, { url: 'http://127.0.0.1:9/erp', secret: generateSecret() });
  });
  afterAll(() => t?.close());

  const event = (aggregateId: string, n: number) => ({ type: 'system.ping', aggregateType: 'recall', aggregateId, organisationId: null, data: { n } });
  const deliveries = () =>
    t.db.all<{ aggregate_id: string; aggregate_seq: number; due: number }>(
      `SELECT o.aggregate_id, o.aggregate_seq, d.next_attempt_at IS NOT NULL AS due
         FROM webhook_deliveries d JOIN outbox o ON o.position = d.event_position ORDER BY o.position`,
    );

  it('numbers each aggregate in order and makes only the first of each lane due', async () => {
    const queued = await t.db.transaction((tx) => enqueueEvents(tx, t.clock, [event('A', 1), event('B', 1), event('A', 2), event('A', 3)]));
    expect(queued.map((q) => q.aggregateSeq)).toEqual([1, 1, 2, 3]);
    expect(queued.map((q) => q.position)).toEqual([...queued.map((q) => q.position)].sort((a, b) => a - b));
    expect(await deliveries()).toEqual([
      { aggregate_id: 'A', aggregate_seq: 1, due: 1 },
      { aggregate_id: 'B', aggregate_seq: 1, due: 1 },
      { aggregate_id: 'A', aggregate_seq: 2, due: 0 },
      { aggregate_id: 'A', aggregate_seq: 3, due: 0 },
    ]);
  });

  it('waits behind a lane that still has a pending delivery, and carries on its numbering', async () => {
    await t.db.transaction((tx) => enqueueEvents(tx, t.clock, [event('A', 4), event('C', 1)]));
    expect((await deliveries()).slice(4)).toEqual([
      { aggregate_id: 'A', aggregate_seq: 4, due: 0 },
      { aggregate_id: 'C', aggregate_seq: 1, due: 1 },
    ]);
  });

  it('writes a thousand events in one go, in order', async () => {
    const many = Array.from({ length: 1200 }, (_, i) => event('BULK', i));
    const queued = await t.db.transaction((tx) => enqueueEvents(tx, t.clock, many));
    expect(queued.at(-1)!.aggregateSeq).toBe(1200);
    const due = await t.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM webhook_deliveries d JOIN outbox o ON o.position = d.event_position WHERE o.aggregate_id = 'BULK' AND d.next_attempt_at IS NOT NULL");
    expect(due).toEqual({ n: 1 });
  });
});
