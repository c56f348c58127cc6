import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enqueueEvent } from '../../shared/outbox/enqueue-event.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';

let t: TestDatabase;
beforeEach(async () => (t = await testDatabase()));
afterEach(() => t.close());

const event = (aggregateId: string, data: Record<string, unknown> = {}) => ({
  type: 'invoice.submitted',
  aggregateType: 'invoice',
  aggregateId,
  organisationId: 'org_x',
  data,
});

describe('outbox', () => {
  it('numbers each aggregate’s events 1, 2, 3 independently of other aggregates', async () => {
    const seqs: [string, number][] = [];
    for (const id of ['inv_a', 'inv_b', 'inv_a', 'inv_a', 'inv_b']) {
      const r = await t.db.transaction((tx) => enqueueEvent(tx, t.clock, event(id)));
      seqs.push([id, r.aggregateSeq]);
    }
    expect(seqs).toEqual([['inv_a', 1], ['inv_b', 1], ['inv_a', 2], ['inv_a', 3], ['inv_b', 2]]);
    const ids = await t.db.all<{ id: string }>('SELECT id FROM outbox');
    expect(new Set(ids.map((r) => r.id)).size).toBe(5);
    expect(ids[0]!.id).toMatch(/^msg_[a-z2-7]{32}$/);
  });

  it('stores the payload and time, and vanishes with a rolled-back change', async () => {
    await t.db.transaction((tx) => enqueueEvent(tx, t.clock, event('inv_a', { total: '12.50' })));
    await expect(
      t.db.transaction(async (tx) => {
        await enqueueEvent(tx, t.clock, event('inv_a', { total: '99.00' }));
        throw new Error('the change failed after the event was written');
      }),
    ).rejects.toThrow('the change failed');
    const rows = await t.db.all<{ payload: string; aggregate_seq: number; occurred_at: string }>('SELECT payload, aggregate_seq, occurred_at FROM outbox');
    expect(rows).toEqual([{ payload: '{"total":"12.50"}', aggregate_seq: 1, occurred_at: '2026-03-02T09:00:00.000Z' }]);
  });
});
