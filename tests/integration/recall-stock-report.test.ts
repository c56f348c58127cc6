// A distributor's stock report on a recall notice (what the REST API's POST /recalls/{id}/stock
// records), the keyset paging of a distributor's recall list, and the shipments a distributor
// may read, on a real SQLite file: the report is checked like the reply, kept as versions,
// audited and posted; another distributor, a supplier and a closed recall are refused; paging
// by (sort key, id) reaches the end without repeats or gaps while rows are added meanwhile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { applyShipmentDispatched } from '../../shared/erp/apply-shipment-dispatched.ts';
import { applyRecallIssued } from '../../shared/erp/apply-recall-issued.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { reportRecallStock } from '../../shared/recalls/report-recall-stock.ts';
import { getDistributorRecall } from '../../shared/recalls/get-distributor-recall.ts';
import { listRecalls, type DistributorRecallItem } from '../../shared/recalls/list-recalls.ts';
import { listShipments } from '../../shared/shipments/list-shipments.ts';
import { getShipment } from '../../shared/shipments/get-shipment.ts';
import type { Actor } from '../../shared/auth/actor.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { actorFor } from '../support/actors.ts';
import { eventsOf } from '../support/outbox-events.ts';
import { refusal } from '../support/refusal.ts';

const gtin = '09506000134352';
const by = { type: 'system' as const, name: 'stock report test' };

let t: TestDatabase;
const as: Record<'qa' | 'rhein' | 'nordic' | 'supplier', Actor> = {} as never;
let recallId = '';

/** A shipment of `lot` to the distributor with ERP id `erpId`, and a recall of that lot, released; returns the recall id. */
async function recallOf(number: string, erpId: string, lots: string[], issuedAt: string): Promise<string> {
  const id = await t.db.transaction(async (tx) => {
    await applyShipmentDispatched(tx, t.clock, { shipmentNumber: `SH-${number}`, distributor: { erpId }, dispatchedAt: issuedAt, lines: lots.map((lot) => ({ gtin, lot, quantity: 50 })) });
    return (await applyRecallIssued(tx, t.clock, { recallNumber: number, issuedAt, reason: 'Clamp may leak', hazard: 'Under-infusion', products: [{ gtin, lots }] })).recall as string;
  });
  await sendRecallNotices(t.ctx, as.qa, { recallId: id, portalUrl: 'http://localhost:3000' });
  return id;
}

beforeAll(async () => {
  t = await testDatabase();
  const meridian = (await createOrganisation(t.ctx, by, { name: 'Meridian Medical', kind: 'manufacturer' })).id;
  const rhein = (await createOrganisation(t.ctx, by, { name: 'Rhein Medical GmbH', kind: 'distributor', erpId: 'C-R' })).id;
  const nordic = (await createOrganisation(t.ctx, by, { name: 'Nordic Med AB', kind: 'distributor', erpId: 'C-N' })).id;
  const supplier = (await createOrganisation(t.ctx, by, { name: 'Suzhou Precision', kind: 'supplier', erpId: 'V-1' })).id;
  for (const [key, organisationId, role] of [
    ['qa', meridian, 'manufacturer_qa'],
    ['rhein', rhein, 'distributor_user'],
    ['nordic', nordic, 'distributor_user'],
    ['supplier', supplier, 'supplier_user'],
  ] as const) {
    await addUser(t.ctx, by, { email: `${key}@example.com`, displayName: key, password: 'a long enough password', organisationId, role });
    as[key] = await actorFor(t.db, `${key}@example.com`);
  }
  recallId = await recallOf('FSCA-S-1', 'C-R', ['A1', 'A2'], '2026-03-01T08:00:00Z');
  // Nordic's own recall: Nordic is no consignee of FSCA-S-1, Rhein none of this one.
  await recallOf('FSCA-S-N', 'C-N', ['N1'], '2026-03-01T09:00:00Z');
});
afterAll(() => t?.close());

describe('a stock report', () => {
  it('is recorded per lot as a version, audited once and posted once, and the reply page sees it', async () => {
    const report = await reportRecallStock(t.ctx, as.rhein, { recallId, source: 'api', lots: [{ gtin, lot: 'A1', onHand: 30, quarantined: 30 }] });
    expect(report).toMatchObject({ version: 1, source: 'api', lots: [{ gtin, lot: 'A1', onHand: 30, quarantined: 30 }] });
    const audit = await t.db.all<{ new_values: string; actor_id: string }>("SELECT new_values, actor_id FROM audit_log WHERE action = 'recall.stock_reported'");
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_id).toBe(as.rhein.userId);
    expect(JSON.parse(audit[0]!.new_values)).toMatchObject({ stockReport: report.id, version: 1, source: 'api' });
    const events = await eventsOf(t.db, 'recall.stock_reported');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ recallNumber: 'FSCA-S-1', stockReportId: report.id, version: 1, source: 'api', lots: [{ gtin, lot: 'A1', onHand: 30, quarantined: 30 }] });

    const second = await reportRecallStock(t.ctx, as.rhein, { recallId, source: 'api', lots: [{ gtin, lot: 'A1', onHand: 30, quarantined: 20 }, { gtin, lot: 'A2', onHand: 5, quarantined: 0 }] });
    expect(second.version).toBe(2);
    const seen = await getDistributorRecall(t.ctx, as.rhein, recallId);
    expect(seen.stockReport).toMatchObject({ id: second.id, version: 2 });
    expect(seen.reply).toBe('not_replied');
    // Kept as given: the database refuses to change a report.
    await expect(t.db.run('UPDATE recall_stock_reports SET lots = ? WHERE id = ?', ['[]', report.id])).rejects.toThrow(/kept as given/);
  });

  it('is refused with every problem at once, by lot and field, with the reply\'s codes', async () => {
    const e = await refusal(
      reportRecallStock(t.ctx, as.rhein, {
        recallId,
        source: 'api',
        lots: [
          { gtin, lot: 'A1', onHand: 3, quarantined: 4 },
          { gtin, lot: 'ZZ', onHand: 1, quarantined: 0 },
          { gtin, lot: 'A1', onHand: 1, quarantined: 0 },
          { gtin, lot: 'A2', onHand: -1, quarantined: 1.5 },
        ],
      }),
    );
    expect(e.code).toBe('invalid_input');
    expect(e.problems).toEqual({
      'lots/0/quarantined': { code: 'reply.quarantinedOverOnHand', params: { quarantined: 4, onHand: 3 } },
      'lots/1/lot': { code: 'reply.unknownLot' },
      'lots/2/lot': { code: 'reply.lotTwice' },
      'lots/3/onHand': { code: 'reply.count' },
      'lots/3/quarantined': { code: 'reply.count' },
    });
    expect((await refusal(reportRecallStock(t.ctx, as.rhein, { recallId, source: 'api', lots: [] }))).problems).toEqual({ lots: { code: 'reply.lotMissing' } });
  });

  it('is not found for a distributor that is no consignee of the recall, and forbidden to a supplier', async () => {
    expect((await refusal(reportRecallStock(t.ctx, as.nordic, { recallId, source: 'api', lots: [{ gtin, lot: 'A1', onHand: 1, quarantined: 1 }] }))).code).toBe('not_found');
    expect((await refusal(getDistributorRecall(t.ctx, as.nordic, recallId))).code).toBe('not_found');
    expect((await refusal(reportRecallStock(t.ctx, as.supplier, { recallId, source: 'api', lots: [{ gtin, lot: 'A1', onHand: 1, quarantined: 1 }] }))).code).toBe('forbidden');
  });

  it('is refused once the recall is closed, and the database refuses one written around the use case', async () => {
    const closed = await recallOf('FSCA-S-C', 'C-R', ['C1'], '2026-02-01T08:00:00Z');
    await t.db.run("UPDATE recalls SET state = 'closed' WHERE id = ?", [closed]);
    expect((await refusal(reportRecallStock(t.ctx, as.rhein, { recallId: closed, source: 'api', lots: [{ gtin, lot: 'C1', onHand: 1, quarantined: 1 }] }))).code).toBe('conflict');
    const notice = (await t.db.get<{ id: string; org: string }>('SELECT id, distributor_organisation_id AS org FROM recall_notices WHERE recall_id = ?', [closed]))!;
    await expect(
      t.db.run("INSERT INTO recall_stock_reports (id, notice_id, recall_id, distributor_organisation_id, version, source, lots, reported_by, reported_at) VALUES ('rsr_x', ?, ?, ?, 1, 'api', '[]', ?, '2026-03-02')", [notice.id, closed, notice.org, as.rhein.userId]),
    ).rejects.toThrow(/closed/);
  });
});

describe("a distributor's recall list, by keyset", () => {
  it('pages to the end without repeats or gaps, also while recalls are added meanwhile, and keeps the portal\'s pages', async () => {
    for (let i = 0; i < 5; i++) await recallOf(`FSCA-P-${i}`, 'C-R', [`P${i}`], '2026-03-01T08:00:00Z'); // the same issuedAt: ordered by id
    const all = await listRecalls(t.ctx, as.rhein, { pageSize: 200 });
    const expected = all.items.map((r) => r.id);
    expect(expected.length).toBe(7);
    const seen: string[] = [];
    let after: { key: string; id: string } | undefined;
    let pages = 0;
    do {
      const page = await listRecalls(t.ctx, as.rhein, { pageSize: 2, after });
      seen.push(...page.items.map((r) => r.id));
      after = page.next ?? undefined;
      // Added after the first page, newer than every row: it belongs before the cursor and does not shift later pages.
      if (pages++ === 0) await recallOf('FSCA-P-NEW', 'C-R', ['PN'], '2026-03-02T08:00:00Z');
    } while (after);
    expect(seen).toEqual(expected);
    expect(pages).toBe(4);
    // Ascending by notice sent: the same rows the other way round by (sentAt, id).
    const asc = await listRecalls(t.ctx, as.rhein, { pageSize: 200, sort: 'noticeSentAt', order: 'asc' });
    const items = asc.items as DistributorRecallItem[];
    expect(items.map((r) => [r.noticeSentAt, r.id])).toEqual([...items.map((r) => [r.noticeSentAt, r.id])].sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : a[1]! < b[1]! ? -1 : 1)));
    // The portal's offset pages still work.
    const second = await listRecalls(t.ctx, as.rhein, { page: 2, pageSize: 3 });
    expect(second.page).toBe(2);
    expect(second.items.map((r) => r.id)).toEqual((await listRecalls(t.ctx, as.rhein, { pageSize: 200 })).items.slice(3, 6).map((r) => r.id));
    // Nordic's own list never shows Rhein's recalls.
    expect((await listRecalls(t.ctx, as.nordic, { pageSize: 200 })).items.map((r) => r.recallNumber)).toEqual(['FSCA-S-N']);
  });
});

describe('shipments', () => {
  it("a distributor reads only its own, pages to the end by keyset, and another's is not found; a supplier is refused", async () => {
    const mine = await listShipments(t.ctx, as.rhein, { limit: 200 });
    expect(mine.items.every((s) => s.distributor.name === 'Rhein Medical GmbH')).toBe(true);
    const seen: string[] = [];
    let after: { key: string; id: string } | undefined;
    do {
      const page = await listShipments(t.ctx, as.rhein, { limit: 3, after });
      seen.push(...page.items.map((s) => s.id));
      after = page.next ?? undefined;
    } while (after);
    expect(seen).toEqual(mine.items.map((s) => s.id));
    expect(new Set(seen).size).toBe(seen.length);
    const nordics = (await listShipments(t.ctx, as.nordic)).items;
    expect(nordics.map((s) => s.shipmentNumber)).toEqual(['SH-FSCA-S-N']);
    expect((await getShipment(t.ctx, as.nordic, nordics[0]!.id)).lines).toEqual([{ lineNumber: 1, gtin, lot: 'N1', serials: [], quantity: 50, expiryDate: null }]);
    expect((await refusal(getShipment(t.ctx, as.rhein, nordics[0]!.id))).code).toBe('not_found');
    expect((await refusal(listShipments(t.ctx, as.supplier))).code).toBe('forbidden');
    expect((await listShipments(t.ctx, as.rhein, { lot: 'A2' })).items.map((s) => s.shipmentNumber)).toEqual(['SH-FSCA-S-1']);
  });
});
