// Recall consignees resolved from shipment records on a real SQLite file: lot lists, serial
// lists (only the recalled units of a line count), expiry ranges (inclusive; lines without an
// expiry date never match), several GTINs in one recall, quantities summed per distributor and
// lot across shipments, distributors who received nothing left out; the same over the real
// server's /erp/webhooks with a Standard Webhooks signature; manual additions by QA only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, Role } from '../../shared/auth/actor.ts';
import type { Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { addConsignee } from '../../shared/recalls/add-consignee.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { verifyRecordHashes } from '../../shared/signatures/verify-record-hashes.ts';
import { gtinCheckDigit } from '../../shared/gs1/gtin.ts';
import { generateSecret } from '../../shared/webhooks/signature.ts';
import type { AppError } from '../../shared/errors.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import type { RunningServer } from '../support/server.ts';
import { demoIds, openServerDb, startBuiltServer } from '../support/portal.ts';
import { postErpEvent } from '../support/erp.ts';
import { refusal } from '../support/refusal.ts';

const gtin = (first13: string) => first13 + gtinCheckDigit(first13);
const infusionSet = '09506000134352';
const catheter = '09506000134369';
const pump = gtin('0950600013437');
const by = { type: 'system' as const, name: 'recall consignees test' };

interface ConsigneeRow {
  distributor: string;
  gtin: string;
  lot: string | null;
  quantity: number;
  serials: string[];
  source: string;
}

async function consigneesOf(db: Db, recallId: string): Promise<ConsigneeRow[]> {
  const rows = await db.all<{ distributor: string; gtin: string; lot: string | null; quantity: number; serials: string; source: string }>(
    `SELECT o.erp_id AS distributor, c.gtin, c.lot, c.quantity_shipped AS quantity, c.serials, c.source
     FROM recall_consignees c JOIN organisations o ON o.id = c.distributor_organisation_id
     WHERE c.recall_id = ? ORDER BY o.erp_id, c.gtin, c.lot`,
    [recallId],
  );
  return rows.map((r) => ({ ...r, serials: (JSON.parse(r.serials) as string[]).sort() }));
}

describe('recall consignees resolved from shipments', () => {
  let t: TestDatabase;
  let n = 0;
  const orgIds: Record<string, string> = {};

  async function send(type: string, data: unknown): Promise<Record<string, unknown>> {
    const received = await receiveErpEvent(t.ctx, { webhookId: `msg_rc_${++n}`, sentAt: Math.floor(t.clock.now().getTime() / 1000), body: { type, timestamp: t.clock.now().toISOString(), data } });
    return received.outcome;
  }

  let shipmentNo = 0;
  const ship = (erpId: string, lines: { gtin: string; lot?: string; serials?: string[]; quantity: number; expiryDate?: string }[]) =>
    send('shipment.dispatched', { shipmentNumber: `SH-RC-${++shipmentNo}`, distributor: { erpId }, dispatchedAt: '2026-02-10T08:00:00Z', lines });

  let recallNo = 0;
  async function recall(products: unknown[]): Promise<{ recall: string; consignees: number; lines: number }> {
    return (await send('recall.issued', { recallNumber: `FSCA-RC-${++recallNo}`, issuedAt: '2026-03-02T08:00:00Z', reason: 'Leak at the roller clamp', hazard: 'Under-infusion', products })) as never;
  }

  const actor = (role: Role): Actor => ({
    userId: `usr_${role}`,
    email: `${role}@meridian-medical.example`,
    displayName: `Test ${role}`,
    organisationId: orgIds.manufacturer!,
    organisationName: 'Meridian',
    organisationKind: role.startsWith('manufacturer') ? 'manufacturer' : role.startsWith('supplier') ? 'supplier' : 'distributor',
    role,
  });

  beforeAll(async () => {
    t = await testDatabase();
    orgIds.manufacturer = (await createOrganisation(t.ctx, by, { name: 'Meridian Medical', kind: 'manufacturer' })).id;
    orgIds.supplier = (await createOrganisation(t.ctx, by, { name: 'Suzhou Precision', kind: 'supplier', erpId: 'V-1' })).id;
    for (const d of ['C-1', 'C-2', 'C-3', 'C-4']) orgIds[d] = (await createOrganisation(t.ctx, by, { name: `Distributor ${d}`, kind: 'distributor', erpId: d })).id;

    // C-1: lot A twice (summed), lot B, serials of the catheter, pump lines with and without expiry.
    await ship('C-1', [
      { gtin: infusionSet, lot: 'A', quantity: 100, expiryDate: '2028-01-31' },
      { gtin: infusionSet, lot: 'B', quantity: 40, expiryDate: '2028-06-30' },
      { gtin: catheter, lot: 'K1', serials: ['S-1', 'S-2', 'S-3', 'S-4'], quantity: 4 },
      { gtin: pump, lot: 'P1', quantity: 5, expiryDate: '2027-01-01' },
      { gtin: pump, lot: 'P0', quantity: 9 },
    ]);
    await ship('C-1', [{ gtin: infusionSet, lot: 'A', quantity: 20, expiryDate: '2028-01-31' }]);
    // C-2: lot A once, a catheter line of which one serial is recalled, pump at both range bounds.
    await ship('C-2', [
      { gtin: infusionSet, lot: 'A', quantity: 7, expiryDate: '2028-01-31' },
      { gtin: catheter, lot: 'K2', serials: ['S-9', 'S-10', 'S-11'], quantity: 3 },
      { gtin: pump, lot: 'P2', quantity: 3, expiryDate: '2027-12-31' },
      { gtin: pump, lot: 'P3', quantity: 2, expiryDate: '2027-01-01' },
    ]);
    // C-3: only products and lots that no recall below names (lot C, a pump outside the range).
    await ship('C-3', [
      { gtin: infusionSet, lot: 'C', quantity: 50, expiryDate: '2029-01-31' },
      { gtin: pump, lot: 'P4', quantity: 6, expiryDate: '2028-01-01' },
      { gtin: pump, lot: 'P5', quantity: 6, expiryDate: '2026-12-31' },
    ]);
    // C-4 received nothing at all.
  });
  afterAll(() => t?.close());

  it('a lot list: every distributor that received a listed lot, quantities summed per lot across shipments', async () => {
    const r = await recall([{ gtin: infusionSet, lots: ['A', 'B'] }]);
    expect(r).toMatchObject({ consignees: 2, lines: 3 });
    expect(await consigneesOf(t.db, r.recall)).toEqual([
      { distributor: 'C-1', gtin: infusionSet, lot: 'A', quantity: 120, serials: [], source: 'shipments' },
      { distributor: 'C-1', gtin: infusionSet, lot: 'B', quantity: 40, serials: [], source: 'shipments' },
      { distributor: 'C-2', gtin: infusionSet, lot: 'A', quantity: 7, serials: [], source: 'shipments' },
    ]);
  });

  it('a serial list: a line counts only its recalled units, with those serials', async () => {
    const r = await recall([{ gtin: catheter, serials: ['S-2', 'S-4', 'S-10', 'S-404'] }]);
    expect(r).toMatchObject({ consignees: 2, lines: 2 });
    expect(await consigneesOf(t.db, r.recall)).toEqual([
      { distributor: 'C-1', gtin: catheter, lot: 'K1', quantity: 2, serials: ['S-2', 'S-4'], source: 'shipments' },
      { distributor: 'C-2', gtin: catheter, lot: 'K2', quantity: 1, serials: ['S-10'], source: 'shipments' },
    ]);
  });

  it('a recalled lot carries all its serials shipped', async () => {
    const r = await recall([{ gtin: catheter, lots: ['K1'] }]);
    expect(await consigneesOf(t.db, r.recall)).toEqual([
      { distributor: 'C-1', gtin: catheter, lot: 'K1', quantity: 4, serials: ['S-1', 'S-2', 'S-3', 'S-4'], source: 'shipments' },
    ]);
  });

  it('an expiry range: both bounds inclusive, lines without an expiry date never match', async () => {
    const r = await recall([{ gtin: pump, expiryFrom: '2027-01-01', expiryTo: '2027-12-31' }]);
    expect(await consigneesOf(t.db, r.recall)).toEqual([
      { distributor: 'C-1', gtin: pump, lot: 'P1', quantity: 5, serials: [], source: 'shipments' },
      { distributor: 'C-2', gtin: pump, lot: 'P2', quantity: 3, serials: [], source: 'shipments' },
      { distributor: 'C-2', gtin: pump, lot: 'P3', quantity: 2, serials: [], source: 'shipments' },
    ]);
    expect(r).toMatchObject({ consignees: 2, lines: 3 });
  });

  it('several GTINs in one recall, each with its own criterion; a GTIN given in 8–13 digits matches its GTIN-14', async () => {
    const r = await recall([
      { gtin: infusionSet.slice(1), lots: ['B'] },
      { gtin: catheter, serials: ['S-11'] },
      { gtin: pump, expiryTo: '2027-01-01' },
    ]);
    expect(await consigneesOf(t.db, r.recall)).toEqual([
      { distributor: 'C-1', gtin: infusionSet, lot: 'B', quantity: 40, serials: [], source: 'shipments' },
      { distributor: 'C-1', gtin: pump, lot: 'P1', quantity: 5, serials: [], source: 'shipments' },
      { distributor: 'C-2', gtin: catheter, lot: 'K2', quantity: 1, serials: ['S-11'], source: 'shipments' },
      { distributor: 'C-2', gtin: pump, lot: 'P3', quantity: 2, serials: [], source: 'shipments' },
      { distributor: 'C-3', gtin: pump, lot: 'P5', quantity: 6, serials: [], source: 'shipments' },
    ]);
    expect(r).toMatchObject({ consignees: 3, lines: 5 });
  });

  it('a unit matched by its lot and by its serial counts once', async () => {
    const r = await recall([{ gtin: catheter, lots: ['K1'], serials: ['S-1', 'S-9'] }]);
    expect(await consigneesOf(t.db, r.recall)).toEqual([
      { distributor: 'C-1', gtin: catheter, lot: 'K1', quantity: 4, serials: ['S-1', 'S-2', 'S-3', 'S-4'], source: 'shipments' },
      { distributor: 'C-2', gtin: catheter, lot: 'K2', quantity: 1, serials: ['S-9'], source: 'shipments' },
    ]);
  });

  it('a line matched by its lot and by an expiry range or its whole GTIN counts once; serials of several lines of a lot are all kept', async () => {
    const monitor = gtin('0950600013438');
    await ship('C-3', [{ gtin: monitor, lot: 'M1', serials: ['M-1', 'M-2'], quantity: 2 }]);
    await ship('C-3', [{ gtin: monitor, lot: 'M1', serials: ['M-3'], quantity: 1 }]);
    const r = await recall([
      { gtin: infusionSet, lots: ['A'] },
      { gtin: infusionSet, expiryFrom: '2028-01-01', expiryTo: '2028-12-31' },
      { gtin: pump },
      { gtin: pump, lots: ['P1'] },
      { gtin: monitor, lots: ['M1'] },
    ]);
    expect(await consigneesOf(t.db, r.recall)).toEqual([
      { distributor: 'C-1', gtin: infusionSet, lot: 'A', quantity: 120, serials: [], source: 'shipments' },
      { distributor: 'C-1', gtin: infusionSet, lot: 'B', quantity: 40, serials: [], source: 'shipments' },
      { distributor: 'C-1', gtin: pump, lot: 'P0', quantity: 9, serials: [], source: 'shipments' },
      { distributor: 'C-1', gtin: pump, lot: 'P1', quantity: 5, serials: [], source: 'shipments' },
      { distributor: 'C-2', gtin: infusionSet, lot: 'A', quantity: 7, serials: [], source: 'shipments' },
      { distributor: 'C-2', gtin: pump, lot: 'P2', quantity: 3, serials: [], source: 'shipments' },
      { distributor: 'C-2', gtin: pump, lot: 'P3', quantity: 2, serials: [], source: 'shipments' },
      { distributor: 'C-3', gtin: pump, lot: 'P4', quantity: 6, serials: [], source: 'shipments' },
      { distributor: 'C-3', gtin: pump, lot: 'P5', quantity: 6, serials: [], source: 'shipments' },
      { distributor: 'C-3', gtin: monitor, lot: 'M1', quantity: 3, serials: ['M-1', 'M-2', 'M-3'], source: 'shipments' },
    ]);
    expect(r).toMatchObject({ consignees: 3, lines: 10 });
  });

  it('distributors who received nothing affected are not consignees; a recall of nothing shipped has none', async () => {
    const r = await recall([{ gtin: infusionSet, lots: ['A'] }]);
    const distributors = (await consigneesOf(t.db, r.recall)).map((c) => c.distributor);
    expect(distributors).not.toContain('C-3');
    expect(distributors).not.toContain('C-4');
    const none = await recall([{ gtin: infusionSet, lots: ['NEVER-SHIPPED'] }]);
    expect(none).toMatchObject({ consignees: 0, lines: 0 });
    expect(await consigneesOf(t.db, none.recall)).toEqual([]);
  });

  it('the resolution is audited in the recall’s transaction and the chain stays intact', async () => {
    const r = await recall([{ gtin: infusionSet, lots: ['A', 'B'] }]);
    const audit = await t.db.all<{ action: string; actor_type: string; new_values: string }>(
      "SELECT action, actor_type, new_values FROM audit_log WHERE entity_type = 'recall' AND entity_id = ? ORDER BY seq",
      [r.recall],
    );
    expect(audit.map((a) => [a.action, a.actor_type])).toEqual([
      ['recall.issued', 'partner'],
      ['recall.consignees_resolved', 'partner'],
    ]);
    expect(JSON.parse(audit[1]!.new_values)).toEqual({ consignees: 2, lines: 3, units: 167, products: 1 });
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  describe('adding a consignee by hand', () => {
    let recallId: string;
    beforeAll(async () => {
      recallId = (await recall([{ gtin: infusionSet, lots: ['A'] }])).recall;
    });

    async function refused(role: Role, input: Partial<Parameters<typeof addConsignee>[2]> = {}): Promise<AppError> {
      const before = await consigneesOf(t.db, recallId);
      const e = await refusal(
        addConsignee(t.ctx, actor(role), {
          recallId,
          distributorOrganisationId: orgIds['C-4']!,
          lines: [{ gtin: infusionSet, lot: 'A', quantity: 12 }],
          reason: 'stock moved by a sub-distributor outside the ERP',
          ...input,
        }),
      );
      expect(await consigneesOf(t.db, recallId)).toEqual(before);
      return e;
    }

    it.each(['manufacturer_admin', 'supplier_user', 'distributor_user'] as const)('is refused to %s', async (role) => {
      expect((await refused(role)).code).toBe('forbidden');
    });

    it('refuses a GTIN the recall does not name, an organisation that is not a distributor, and a lot already listed', async () => {
      expect((await refused('manufacturer_qa', { lines: [{ gtin: pump, lot: 'P1', quantity: 1 }] })).problems).toEqual({ 'lines/0/gtin': { code: 'recalls.notRecalledProduct', params: { gtin: pump } } });
      expect((await refused('manufacturer_qa', { distributorOrganisationId: orgIds.supplier! })).problems).toEqual({ distributorOrganisationId: { code: 'recalls.noDistributor', params: { kind: 'supplier' } } });
      const taken = await refused('manufacturer_qa', { distributorOrganisationId: orgIds['C-1']! });
      expect(taken.code).toBe('conflict');
      expect((await refused('manufacturer_qa', { reason: ' ' })).problems).toEqual({ reason: { code: 'recalls.addReasonRequired' } });
    });

    it('QA adds a distributor as a manual consignee, audited with the reason', async () => {
      const added = await addConsignee(t.ctx, actor('manufacturer_qa'), {
        recallId,
        distributorOrganisationId: orgIds['C-4']!,
        lines: [{ gtin: infusionSet, lot: 'A', quantity: 12 }],
        reason: 'stock moved by a sub-distributor outside the ERP',
      });
      expect(added).toMatchObject({ lines: 1, units: 12 });
      expect((await consigneesOf(t.db, recallId)).filter((c) => c.distributor === 'C-4')).toEqual([
        { distributor: 'C-4', gtin: infusionSet, lot: 'A', quantity: 12, serials: [], source: 'manual' },
      ]);
      const audit = await t.db.get<{ actor_id: string; reason: string; organisation_id: string }>(
        "SELECT actor_id, reason, organisation_id FROM audit_log WHERE action = 'recall.consignee_added' AND entity_id = ?",
        [recallId],
      );
      expect(audit).toEqual({ actor_id: 'usr_manufacturer_qa', reason: 'stock moved by a sub-distributor outside the ERP', organisation_id: orgIds.manufacturer });
      expect((await verifyAuditChain(t.db)).ok).toBe(true);
      // The consignees resolved and added by hand still add up to what the audit trail recorded.
      expect(await verifyRecordHashes(t.db)).toMatchObject({ ok: true, findings: 0 });
    });
  });
});

describe('recall.issued over POST /erp/webhooks yields the consignees', () => {
  const secret = generateSecret();
  let server: RunningServer;
  let db: Db;

  const post = (type: string, data: unknown) => postErpEvent(server, secret, type, data);

  beforeAll(async () => {
    server = await startBuiltServer({ ERP_INBOUND_SECRET: secret });
    db = openServerDb(server);
    const ids = await demoIds(db);
    expect(ids.org.distributor).toBeDefined();
    const ctx = { db, clock: systemClock, policy: defaultPolicy };
    await createOrganisation(ctx, by, { name: 'Nordic Med Supply AB', kind: 'distributor', erpId: 'C-20002' });
    await createOrganisation(ctx, by, { name: 'Iberia Salud S.L.', kind: 'distributor', erpId: 'C-20003' });
  });
  afterAll(async () => {
    db?.close();
    await server?.stop();
  });

  it('resolves the consignees in the same transaction and says how many in the outcome', async () => {
    const shipments = [
      { erpId: 'C-20001', lines: [{ gtin: infusionSet, lot: 'W1', quantity: 30, expiryDate: '2028-03-31' }, { gtin: catheter, serials: ['X-1', 'X-2'], quantity: 2 }] },
      { erpId: 'C-20001', lines: [{ gtin: infusionSet, lot: 'W1', quantity: 12, expiryDate: '2028-03-31' }] },
      { erpId: 'C-20002', lines: [{ gtin: infusionSet, lot: 'W2', quantity: 8 }, { gtin: catheter, serials: ['X-3', 'X-4'], quantity: 2 }] },
      { erpId: 'C-20003', lines: [{ gtin: infusionSet, lot: 'W3', quantity: 99 }] },
    ];
    for (const [i, s] of shipments.entries()) {
      const sent = await post('shipment.dispatched', { shipmentNumber: `SH-RCW-${i}`, distributor: { erpId: s.erpId }, dispatchedAt: '2026-03-01T10:00:00Z', lines: s.lines });
      expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    }
    const sent = await post('recall.issued', {
      recallNumber: 'FSCA-RCW-1',
      issuedAt: '2026-05-11T06:45:00Z',
      reason: 'Leak at the roller clamp',
      hazard: 'Under-infusion',
      products: [
        { gtin: infusionSet, lots: ['W1', 'W2'] },
        { gtin: catheter, serials: ['X-2', 'X-4'] },
      ],
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.outcome).toMatchObject({ recall: expect.stringMatching(/^rcl_/), consignees: 2, lines: 4 });
    const recallId = (sent.body.outcome as { recall: string }).recall;
    expect(await consigneesOf(db, recallId)).toEqual([
      { distributor: 'C-20001', gtin: infusionSet, lot: 'W1', quantity: 42, serials: [], source: 'shipments' },
      { distributor: 'C-20001', gtin: catheter, lot: null, quantity: 1, serials: ['X-2'], source: 'shipments' },
      { distributor: 'C-20002', gtin: infusionSet, lot: 'W2', quantity: 8, serials: [], source: 'shipments' },
      { distributor: 'C-20002', gtin: catheter, lot: null, quantity: 1, serials: ['X-4'], source: 'shipments' },
    ]);
  });
});
