import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { openDurableObjectDb } from '../../shared/db/durable-object-db.ts';
import { applyMigrations } from '../../shared/db/apply-migrations.ts';
import { createKeyring } from '../../shared/keys/keyring.ts';
import { recordAudit } from '../../shared/audit/record-audit.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { systemClock } from '../../shared/clock.ts';
import { enqueueEvents } from '../../shared/outbox/enqueue-event.ts';
import { readPartnerCertificates } from '../../shared/edi/partners/partner-certificates.ts';
import { migrations } from '../../workers/generated/migrations.js';

const keyring = createKeyring([crypto.getRandomValues(new Uint8Array(32))]);

function inObject<T>(name: string, work: (storage: DurableObjectStorage) => Promise<T>): Promise<T> {
  const stub = env.LOTBRIDGE.get(env.LOTBRIDGE.idFromName(name));
  return runInDurableObject(stub, (_instance, state) => work(state.storage));
}

describe('the Db over a Durable Object', () => {
  it('applies the migrations once, with their checksums', async () => {
    await inObject('migrations', async (storage) => {
      const db = openDurableObjectDb(storage, () => keyring);
      const first = await applyMigrations(db, migrations, 'the bundle');
      expect(first.applied).toHaveLength(migrations.length);
      const again = await applyMigrations(db, migrations, 'the bundle');
      expect(again).toEqual({ applied: [], alreadyApplied: migrations.length });
      const edited = migrations.map((m, i) => (i === 0 ? { ...m, sql: `${m.sql}\n-- edited` } : m));
      await expect(applyMigrations(db, edited, 'the bundle')).rejects.toThrow(/0001_init\.sql was edited after it was applied/);
      await expect(applyMigrations(db, migrations.slice(1), 'the bundle')).rejects.toThrow(/0001_init\.sql was applied to this database but is missing from the bundle/);
    });
  });

  it("keeps a transaction's change and its audit entry together, across awaits, or neither", async () => {
    await inObject('atomic', async (storage) => {
      const db = openDurableObjectDb(storage, () => keyring);
      await applyMigrations(db, migrations, 'the bundle');
      const entries = async () => (await db.get<{ n: number }>('SELECT count(*) AS n FROM audit_log'))!.n;
      const before = await entries();
      await expect(
        db.transaction(async (tx) => {
          await tx.run("INSERT INTO organisations (id, name, kind, created_at) VALUES ('o-gone', 'Gone', 'supplier', '2026-01-01')");
          await recordAudit(tx, systemClock, { actor: { type: 'system', name: 'spike' }, organisationId: null, action: 'organisation.created', entityType: 'organisation', entityId: 'o-gone' });
          await new Promise((resolve) => setTimeout(resolve, 5));
          throw new Error('refused after the writes');
        }),
      ).rejects.toThrow('refused after the writes');
      expect(await db.get("SELECT id FROM organisations WHERE id = 'o-gone'")).toBeUndefined();
      expect(await entries()).toBe(before);

      await db.transaction(async (tx) => {
        await tx.run("INSERT INTO organisations (id, name, kind, created_at) VALUES ('o-kept', 'Kept', 'supplier', '2026-01-01')");
        await new Promise((resolve) => setTimeout(resolve, 5));
        await recordAudit(tx, systemClock, { actor: { type: 'system', name: 'spike' }, organisationId: null, action: 'organisation.created', entityType: 'organisation', entityId: 'o-kept' });
      });
      expect(await db.get("SELECT id FROM organisations WHERE id = 'o-kept'")).toBeDefined();
      expect(await entries()).toBe(before + 1);
      expect((await verifyAuditChain(db)).ok).toBe(true);
    });
  });

  it("lets no read or write outside a transaction into it while it awaits", async () => {
    await inObject('isolated', async (storage) => {
      const db = openDurableObjectDb(storage, () => keyring);
      await applyMigrations(db, migrations, 'the bundle');
      let inserted!: () => void;
      const insertedOnce = new Promise<void>((resolve) => (inserted = resolve));
      const failing = db.transaction(async (tx) => {
        await tx.run("INSERT INTO organisations (id, name, kind, created_at) VALUES ('o-uncommitted', 'U', 'supplier', '2026-01-01')");
        inserted();
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error('rolled back');
      });
      await insertedOnce;
      const [read, write] = [
        db.get("SELECT id FROM organisations WHERE id = 'o-uncommitted'"),
        db.run("INSERT INTO organisations (id, name, kind, created_at) VALUES ('o-outside', 'O', 'supplier', '2026-01-01')"),
      ];
      await expect(failing).rejects.toThrow('rolled back');
      expect(await read).toBeUndefined();
      expect(await write).toEqual({ changes: 1 });
      expect(await db.get("SELECT id FROM organisations WHERE id = 'o-outside'")).toEqual({ id: 'o-outside' });
    });
  });

  it('keeps the audit hash chain intact under 50 concurrent transactions, a fifth of them failing', async () => {
    await inObject('concurrent', async (storage) => {
      const db = openDurableObjectDb(storage, () => keyring);
      await applyMigrations(db, migrations, 'the bundle');
      const outcomes = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) =>
          db.transaction(async (tx) => {
            const id = `o-${i}`;
            await tx.run("INSERT INTO organisations (id, name, kind, created_at) VALUES (?, ?, 'supplier', '2026-01-01')", [id, `Org ${i}`]);
            await new Promise((resolve) => setTimeout(resolve, i % 3));
            await recordAudit(tx, systemClock, { actor: { type: 'system', name: 'spike' }, organisationId: null, action: 'organisation.created', entityType: 'organisation', entityId: id });
            if (i % 5 === 4) throw new Error(`refused ${i}`);
          }),
        ),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(40);
      expect((await db.get<{ n: number }>("SELECT count(*) AS n FROM organisations WHERE id LIKE 'o-%'"))!.n).toBe(40);
      expect((await db.get<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE entity_id LIKE 'o-%'"))!.n).toBe(40);
      const verdict = await verifyAuditChain(db);
      expect(verdict.ok).toBe(true);
    });
  });

  // A Durable Object's SQL binds at most 100 parameters a statement: a recall's release posts an
  // event per consignee (thousands) with a delivery per endpoint, in a few statements.
  it('enqueues a release-sized batch of events, each with its delivery, under the 100-parameter limit', async () => {
    await inObject('many-events', async (storage) => {
      const db = openDurableObjectDb(storage, () => keyring);
      await applyMigrations(db, migrations, 'the bundle');
      await db.run("INSERT INTO webhook_endpoints (id, url, state, created_at, updated_at) VALUES ('whe-1', 'https://erp.example/hook', 'active', '2026-01-01', '2026-01-01')");
      const events = Array.from({ length: 1200 }, (_, i) => ({
        type: 'recall.notice_sent',
        aggregateType: 'recall',
        aggregateId: i < 1000 ? 'rcl-1' : 'rcl-2',
        organisationId: null,
        data: { n: i },
      }));
      const enqueued = await db.transaction((tx) => enqueueEvents(tx, systemClock, events));
      expect(enqueued.map((e) => e.aggregateSeq)).toEqual([...Array.from({ length: 1000 }, (_, i) => i + 1), ...Array.from({ length: 200 }, (_, i) => i + 1)]);
      const rows = await db.all<{ aggregate_id: string; aggregate_seq: number; payload: string; due: number }>(
        `SELECT o.aggregate_id, o.aggregate_seq, o.payload, d.next_attempt_at IS NOT NULL AS due
           FROM outbox AS o JOIN webhook_deliveries AS d ON d.event_position = o.position AND d.endpoint_id = 'whe-1' ORDER BY o.position`,
      );
      expect(rows).toHaveLength(1200);
      expect(rows.map((r) => JSON.parse(r.payload).n)).toEqual(events.map((e) => e.data.n));
      // Only the first delivery of each lane is due: the lanes stay ordered.
      expect(rows.filter((r) => r.due).map((r) => `${r.aggregate_id}:${r.aggregate_seq}`)).toEqual(['rcl-1:1', 'rcl-2:1']);
    });
  });

  it('reads the certificates of 150 partners in one query, under the 100-parameter limit', async () => {
    await inObject('many-partners', async (storage) => {
      const db = openDurableObjectDb(storage, () => keyring);
      await applyMigrations(db, migrations, 'the bundle');
      const ids = Array.from({ length: 150 }, (_, i) => `edip-${i}`);
      const found = await readPartnerCertificates(db, ids, new Date('2026-12-01T00:00:00Z'));
      expect([...found.keys()]).toEqual(ids);
      expect([...found.values()].every((certificates) => certificates.length === 0)).toBe(true);
    });
  });
});
