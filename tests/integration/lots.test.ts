// Lot data against the real server and its real SQLite file: every validation rule of
// submitLots (one submission whose rows each break one rule, all reported at once, nothing
// stored), the form, the GS1 barcode and the CSV ways in (one bad row → nothing stored and the
// error against its row and column; keepValid stores the others), duplicates refused naming the
// existing record, over-delivery flagged, lot.submitted events that validate, and the refusal of
// another supplier's user.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import type { Actor } from '../../shared/auth/actor.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { applyItemUpserted } from '../../shared/erp/apply-item-upserted.ts';
import { applyPurchaseOrder } from '../../shared/erp/apply-purchase-order.ts';
import { gtinCheckDigit } from '../../shared/gs1/gtin.ts';
import { webhookBody } from '../../shared/webhooks/webhook-dispatcher.ts';
import { validateEvent } from '../../shared/events/validate-event.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { verifyRecordHashes } from '../../shared/signatures/verify-record-hashes.ts';
import type { AppError } from '../../shared/errors.ts';
import { submitLots, rowProblemsOf, type LotInput } from '../../shared/lots/submit-lots.ts';
import { listLots } from '../../shared/lots/list-lots.ts';
import { getLot } from '../../shared/lots/get-lot.ts';
import type { ProblemCode, ProblemParams } from '../../shared/errors.ts';
import { tempDir, type RunningServer } from '../support/server.ts';
import { BrowserClient, demoIds, openServerDb, signInDirectly, startBuiltServer, signedInClients } from '../support/portal.ts';
import { refusal } from '../support/refusal.ts';
import { demo } from '../support/demo.ts';
import { pdfBytes, postMultipart } from '../support/uploads.ts';
import { actorFor } from '../support/actors.ts';

const supplier = demo('supplier_user');
const qa = demo('manufacturer_qa');
const distributor = demo('distributor_user');
const other = { email: 'quality@ningbo-lots.example', displayName: '陈刚 (Chen Gang)', password: 'ningbo-supplier-pass' };

/** A GTIN-14 with a valid check digit from 13 digits. */
const gtin = (first13: string) => first13 + gtinCheckDigit(first13);
const itemGtin = '09506000134352'; // GS1's example GTIN: an item, on no order
const lineGtin = gtin('0950600013436'); // PO line 1
const line2Gtin = gtin('0950600013437'); // PO line 2
const unknownGtin = gtin('0950600099999');
const po = '4500012345';
const otherPo = '4500099999';

const csvHeader = 'gtin,lot,serials,manufacture_date,expiry_date,quantity,po_number,po_line,certificate';

describe('lots', () => {
  let server: RunningServer;
  let uploads: { dir: string; remove(): void };
  let db: Db;
  let ctx: UseCaseContext;
  let actor: Actor;
  let otherActor: Actor;
  let cocNumber: string;
  let otherCocNumber: string;
  const as: Record<'supplier' | 'other' | 'qa' | 'distributor', BrowserClient> = {} as never;

  const lotCount = async () => (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM lots'))!.n;
  let lotSeq = 0;
  const nextLot = () => `L${Date.now().toString(36).slice(-5).toUpperCase()}${++lotSeq}`;

  /** The lot.submitted events in the outbox of one lot, as the dispatcher would post them, validated. */
  async function lotEvents(lotId: string) {
    const rows = await db.all<{ event_type: string; occurred_at: string; payload: string; aggregate_type: string; aggregate_id: string; aggregate_seq: number }>(
      "SELECT event_type, occurred_at, payload, aggregate_type, aggregate_id, aggregate_seq FROM outbox WHERE aggregate_type = 'lot' AND aggregate_id = ? ORDER BY position",
      [lotId],
    );
    return rows.map((r) => validateEvent(JSON.parse(webhookBody(r)), 'outbound'));
  }

  async function refusedLots(input: LotInput[], keepValid = false): Promise<AppError> {
    const before = await lotCount();
    const e = await refusal(submitLots(ctx, actor, { source: 'form', lots: input, keepValid }));
    expect(await lotCount()).toBe(before);
    return e;
  }

  async function submitCoc(client: BrowserClient, number: string): Promise<void> {
    const res = await postMultipart(
      client,
      '/certificates?/submit',
      { type: 'coc', number, issuer: 'QA department', scope: 'Lots of moulded parts', gtins: '', lots: '', validFrom: '2026-01-01', validTo: '2027-12-31' },
      { name: 'coc.pdf', bytes: await pdfBytes(number), type: 'application/pdf' },
    );
    await res.body?.cancel();
    expect(res.status).toBe(303);
  }

  beforeAll(async () => {
    uploads = tempDir('lotbridge-lots-uploads-');
    server = await startBuiltServer({ UPLOAD_DIR: uploads.dir });
    db = openServerDb(server);
    ctx = { db, clock: systemClock, policy: defaultPolicy };
    const ids = await demoIds(db);
    const by = { type: 'system' as const, name: 'lots test' };
    const otherOrgId = (await createOrganisation(ctx, by, { name: 'Ningbo Lots Ltd.', kind: 'supplier', erpId: 'V-10078' })).id;
    await addUser(ctx, by, { ...other, role: 'supplier_user', organisationId: otherOrgId });
    expect(ids.org.supplier).toBeDefined();
    await db.transaction(async (tx) => {
      for (const g of [itemGtin, lineGtin, line2Gtin]) await applyItemUpserted(tx, systemClock, { gtin: g, description: `Item ${g}`, unitOfMeasure: 'EA' });
      await applyPurchaseOrder(tx, systemClock, {
        poNumber: po,
        supplier: { erpId: 'V-10001' },
        status: 'open',
        currency: 'EUR',
        orderDate: '2026-01-15',
        version: 1,
        lines: [
          { lineNumber: 1, gtin: lineGtin, quantity: 10, unitPrice: '12.50' },
          { lineNumber: 2, gtin: line2Gtin, quantity: 5, unitPrice: '3.10' },
        ],
      });
      await applyPurchaseOrder(tx, systemClock, {
        poNumber: otherPo,
        supplier: { erpId: 'V-10078' },
        status: 'open',
        currency: 'EUR',
        orderDate: '2026-01-15',
        version: 1,
        lines: [{ lineNumber: 1, gtin: lineGtin, quantity: 10, unitPrice: '12.50' }],
      });
    });
    const emails = { supplier: supplier.email, other: other.email, qa: qa.email, distributor: distributor.email };
    Object.assign(as, await signedInClients(server, db, emails));
    actor = await actorFor(db, supplier.email);
    otherActor = await actorFor(db, other.email);
    cocNumber = `COC-${Date.now()}`;
    otherCocNumber = `COC-N-${Date.now()}`;
    await submitCoc(as.supplier, cocNumber);
    await submitCoc(as.other, otherCocNumber);
  });

  afterAll(async () => {
    db?.close();
    await server?.stop();
    uploads?.remove();
  });

  const valid = (overrides: Partial<LotInput> = {}): LotInput => ({ gtin: itemGtin, lot: nextLot(), quantity: 1, ...overrides });

  describe('every validation rule, all rows and problems at once, nothing stored', () => {
    const cases: [name: string, overrides: Partial<LotInput>, column: string, code: ProblemCode, params?: ProblemParams][] = [
      ['GTIN missing', { gtin: '' }, 'gtin', 'common.required'],
      ['GTIN check digit wrong', { gtin: '09506000134353' }, 'gtin', 'lots.badGtin', { gtin: '09506000134353' }],
      ['GTIN of wrong length', { gtin: '123456' }, 'gtin', 'lots.badGtin', { gtin: '123456' }],
      ['GTIN not an item', { gtin: unknownGtin }, 'gtin', 'lots.unknownGtin', { gtin: unknownGtin }],
      ['GTIN not the one on the PO line', { gtin: itemGtin, poNumber: po, poLine: 1 }, 'gtin', 'lots.gtinNotOnLine', { poNumber: po, line: 1, ordered: lineGtin }],
      ["another supplier's purchase order", { gtin: lineGtin, poNumber: otherPo, poLine: 1 }, 'po_number', 'lots.unknownPurchaseOrder', { poNumber: otherPo }],
      ['PO line that does not exist', { gtin: lineGtin, poNumber: po, poLine: 9 }, 'po_line', 'lots.unknownPoLine', { poNumber: po, line: '9' }],
      ['line without an order', { poLine: 1 }, 'po_number', 'lots.lineWithoutOrder'],
      ['lot missing', { lot: '' }, 'lot', 'common.required'],
      ['lot longer than 20 characters', { lot: 'L'.repeat(21) }, 'lot', 'lots.badLot', { lot: 'L'.repeat(21) }],
      ['fewer serials than the quantity', { quantity: 3, serials: ['S1', 'S2'] }, 'serials', 'lots.serialCount', { count: 2, quantity: 3 }],
      ['more serials than the quantity', { quantity: 1, serials: ['S1', 'S2'] }, 'serials', 'lots.serialCount', { count: 2, quantity: 1 }],
      ['a serial twice', { quantity: 2, serials: ['S1', 'S1'] }, 'serials', 'lots.serialRepeated', { serials: 'S1' }],
      ['a serial longer than 20 characters', { quantity: 1, serials: ['S'.repeat(21)] }, 'serials', 'lots.badSerial', { serials: 'S'.repeat(21) }],
      ['manufacture after expiry', { manufactureDate: '2026-02-01', expiryDate: '2026-01-31' }, 'expiry_date', 'lots.expiryBeforeManufacture', { expiry: '2026-01-31', manufacture: '2026-02-01' }],
      ['manufacture before 2000', { manufactureDate: '1999-12-31' }, 'manufacture_date', 'lots.dateTooEarly', { date: '1999-12-31' }],
      ['expiry before 2000', { expiryDate: '1998-01-01' }, 'expiry_date', 'lots.dateTooEarly', { date: '1998-01-01' }],
      ['manufacture in the future', { manufactureDate: `${new Date().getUTCFullYear() + 1}-01-01` }, 'manufacture_date', 'lots.manufactureInFuture'],
      ['expiry more than 30 years ahead', { expiryDate: `${new Date().getUTCFullYear() + 31}-01-01` }, 'expiry_date', 'lots.expiryTooFar'],
      ['not a date', { expiryDate: '2026-02-30' }, 'expiry_date', 'lots.badDate', { date: '2026-02-30' }],
      ['quantity 0', { quantity: 0 }, 'quantity', 'lots.badQuantity', { quantity: '0' }],
      ['quantity not a whole number', { quantity: '1.5' }, 'quantity', 'lots.badQuantity', { quantity: '1.5' }],
      ['quantity missing', { quantity: '' }, 'quantity', 'common.required'],
      ["another supplier's CoC", { certificate: 'COC-N-placeholder' }, 'certificate', 'lots.unknownCertificate'],
    ];

    it.each(cases)('refuses %s', async (_name, overrides, column, code, params) => {
      const input = { ...overrides };
      if (input.certificate === 'COC-N-placeholder') input.certificate = otherCocNumber;
      const e = await refusedLots([valid(input)]);
      expect(e.code).toBe('invalid_input');
      const key = `rows/1/${column}`;
      expect(e.problems?.[key], JSON.stringify(e.problems)).toBeDefined();
      expect(e.problems![key]!.code, JSON.stringify(e.problems![key])).toBe(code);
      if (params) expect(e.problems![key]!.params).toEqual(params);
      if (input.certificate) expect(e.problems![key]!.params).toEqual({ certificate: otherCocNumber });
    });

    it('reports every problem of every row at once, against its row, and stores none of the valid rows', async () => {
      const e = await refusedLots([
        { ...valid(), row: 2 },
        { ...valid({ gtin: '09506000134353', quantity: 0 }), row: 3 },
        { ...valid(), row: 4 },
        { ...valid({ lot: '', expiryDate: '1990-01-01' }), row: 5 },
      ]);
      expect(rowProblemsOf(e.problems).map((p) => `${p.row}/${p.column} ${p.code}`)).toEqual(['3/gtin lots.badGtin', '3/quantity lots.badQuantity', '5/lot common.required', '5/expiry_date lots.dateTooEarly']);
      expect(e.message).toMatch(/row 3 gtin/);
    });

    it('accepts a lot against its PO line with matching serials, dates and a CoC of its own', async () => {
      const r = await submitLots(ctx, actor, {
        source: 'form',
        lots: [valid({ gtin: lineGtin, poNumber: po, poLine: 1, quantity: 2, serials: ['SN1', 'SN2'], manufactureDate: '2026-01-02', expiryDate: '2031-01-31', certificate: cocNumber })],
      });
      expect(r.warnings).toEqual([]);
      const lot = r.stored[0]!;
      expect(lot).toMatchObject({ gtin: lineGtin, quantity: 2, serials: ['SN1', 'SN2'], purchaseOrder: { poNumber: po, lineNumber: 1 }, certificate: { number: cocNumber, type: 'coc' } });
      const [event] = await lotEvents(lot.id);
      expect(event!.type).toBe('lot.submitted');
      expect(event!.data).toMatchObject({ lotId: lot.id, gtin: lineGtin, purchaseOrder: { poNumber: po, lineNumber: 1 }, supplier: { erpId: 'V-10001' }, overDelivery: null, source: 'form' });
      const detail = await getLot(ctx, actor, lot.id);
      expect(detail.hashIntact).toBe(true);
      expect(detail.history.map((h) => h.action)).toEqual(['lot.submitted']);
    });

    it('finds the PO line by GTIN when the line is not given', async () => {
      const r = await submitLots(ctx, actor, { source: 'form', lots: [valid({ gtin: line2Gtin, poNumber: po })] });
      expect(r.stored[0]!.purchaseOrder).toMatchObject({ poNumber: po, lineNumber: 2 });
    });
  });

  describe('duplicates', () => {
    it('refuses a lot submitted before, naming the existing record', async () => {
      const lot = nextLot();
      const first = (await submitLots(ctx, actor, { source: 'form', lots: [valid({ lot })] })).stored[0]!;
      const e = await refusedLots([valid({ lot })]);
      expect(e.problems?.['rows/1/lot']).toEqual({ code: 'lots.duplicate', params: { record: first.id, date: first.submittedAt.slice(0, 10) } });
      // Also as a GTIN-13 (stored as GTIN-14), and shown named in the portal.
      const res = await postMultipart(as.supplier, '/lots?/submit', { gtin: itemGtin.slice(1), lot, quantity: '1' });
      const page = await res.text();
      expect(res.status).toBe(400);
      expect(page).toContain(first.id);
      expect(page).toContain('already submitted');
    });

    it('refuses the same GTIN and lot twice in one upload', async () => {
      const lot = nextLot();
      const e = await refusedLots([
        { ...valid({ lot }), row: 2 },
        { ...valid({ lot }), row: 3 },
      ]);
      expect(e.problems).toEqual({ 'rows/3/lot': { code: 'lots.repeatedInBatch', params: { row: 2 } } });
    });

    it("does not count another supplier's lot of the same GTIN as a duplicate", async () => {
      const lot = nextLot();
      await submitLots(ctx, otherActor, { source: 'form', lots: [valid({ lot })] });
      const r = await submitLots(ctx, actor, { source: 'form', lots: [valid({ lot })] });
      expect(r.stored).toHaveLength(1);
    });
  });

  describe('over-delivery', () => {
    it('is accepted with a warning, counting earlier lots on the line, and told to the ERP', async () => {
      // line 2 orders 5 (one lot of 1 was delivered above)
      const r = await submitLots(ctx, actor, {
        source: 'csv',
        lots: [
          { ...valid({ gtin: line2Gtin, poNumber: po, poLine: 2, quantity: 3 }), row: 2 },
          { ...valid({ gtin: line2Gtin, poNumber: po, poLine: 2, quantity: 2 }), row: 3 },
        ],
      });
      expect(r.stored).toHaveLength(2);
      expect(r.warnings).toEqual([{ row: 3, column: 'quantity', code: 'lots.overDelivery', params: { delivered: 6, ordered: 5, poNumber: '4500012345', line: 2 } }]);
      const [first] = await lotEvents(r.stored[0]!.id);
      const [second] = await lotEvents(r.stored[1]!.id);
      expect(first!.data.overDelivery).toBeNull();
      expect(second!.data.overDelivery).toEqual({ ordered: 5, delivered: 6 });
      const page = await (await as.supplier.get(`/lots/${r.stored[1]!.id}`)).text();
      expect(page).toContain('data-testid="over-delivery"');
    });
  });

  describe('the form and the GS1 barcode', () => {
    it('stores a lot from the form and shows it, with its history', async () => {
      const lot = nextLot();
      const res = await postMultipart(as.supplier, '/lots?/submit', {
        gtin: lineGtin,
        lot,
        serials: 'A1\nA2',
        manufacture_date: '2026-01-10',
        expiry_date: '2030-12-31',
        quantity: '2',
        po_number: po,
        po_line: '1',
        certificate: '',
        certificate_note: 'CoC travels with the goods',
      });
      await res.body?.cancel();
      expect(res.status).toBe(303);
      const id = /^\/lots\/(lot_[a-z2-7]+)\?submitted=1$/.exec(res.headers.get('location') ?? '')?.[1];
      expect(id).toBeDefined();
      const page = await (await as.supplier.get(`/lots/${id}`)).text();
      expect(page).toContain(lot);
      expect(page).toContain('CoC travels with the goods');
      expect(page).toContain('lot.submitted');
      const row = await db.get<{ source: string; serials: string }>('SELECT source, serials FROM lots WHERE id = ?', [id!]);
      expect(row).toEqual({ source: 'form', serials: '["A1","A2"]' });
    });

    it('fills the fields from a barcode posted without JavaScript', async () => {
      const lot = nextLot();
      const res = await postMultipart(as.supplier, '/lots?/submit', { barcode: `]d2010950600013435217301231${'10'}${lot}\u001d21SER-1`, quantity: '1' });
      await res.body?.cancel();
      expect(res.status).toBe(303);
      const row = await db.get<{ gtin: string; lot: string; serials: string; expiry_date: string; source: string }>(
        'SELECT gtin, lot, serials, expiry_date, source FROM lots WHERE organisation_id = ? AND lot = ?',
        [actor.organisationId, lot],
      );
      expect(row).toEqual({ gtin: itemGtin, lot, serials: '["SER-1"]', expiry_date: '2030-12-31', source: 'barcode' });
    });

    it('refuses an unreadable barcode, saying why', async () => {
      const res = await postMultipart(as.supplier, '/lots?/submit', { barcode: '(01)09506000134353(10)X', quantity: '1' });
      expect(res.status).toBe(400);
      const page = await res.text();
      expect(page).toContain('data-problem="gs1.gtinCheckDigit"');
      expect(page).toContain('check digit');
    });

    it('explains refusals in Chinese to a Chinese user', async () => {
      const zh = new BrowserClient(server.url);
      await signInDirectly(zh, db, supplier.email);
      zh.cookies.set('lang', 'zh-CN');
      const res = await postMultipart(zh, '/lots?/submit', { gtin: '09506000134353', lot: nextLot(), quantity: '1' });
      const page = await res.text();
      expect(res.status).toBe(400);
      expect(page).toContain('GTIN 无效');
    });
  });

  describe('CSV upload', () => {
    const upload = (client: BrowserClient, csv: string, keepValid = false) =>
      postMultipart(client, '/lots?/upload', keepValid ? { keepValid: 'on' } : {}, { name: 'lots.csv', bytes: new TextEncoder().encode(csv), type: 'text/csv' });

    it('hands out the template, which parses back into a valid lot', async () => {
      const res = await as.supplier.get('/lots/template.csv');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(res.headers.get('content-disposition')).toMatch(/attachment/);
      const text = await res.text();
      expect(text.split('\r\n')[0]).toBe(csvHeader);
    });

    it('stores nothing when one row is bad, and names its row and column', async () => {
      const before = await lotCount();
      const [a, b, c] = [nextLot(), nextLot(), nextLot()];
      const csv = [csvHeader, `${itemGtin},${a},,2026-01-01,2030-01-01,1,,,`, `${itemGtin},${b},,2026-01-01,2025-01-01,1,,,`, `${lineGtin},${c},X1|X2,,,2,${po},1,`].join('\n');
      const res = await upload(as.supplier, csv);
      const page = await res.text();
      expect(res.status).toBe(400);
      expect(await lotCount()).toBe(before);
      expect(page).toContain('No lots were stored');
      expect(page).toMatch(/data-testid="problem" data-row="3" data-column="expiry_date"/);
      expect(page).toContain('The expiry date is before the manufacture date');
    });

    it('with "keep the valid rows" stores the others and lists the refused row', async () => {
      const before = await lotCount();
      const [a, b, c] = [nextLot(), nextLot(), nextLot()];
      const csv = [csvHeader, `${itemGtin},${a},,,,1,,,`, `09506000134353,${b},,,,1,,,`, `${itemGtin},${c},,,,1,,,${cocNumber}`].join('\r\n');
      const res = await upload(as.supplier, csv, true);
      const page = await res.text();
      expect(res.status).toBe(200);
      expect(await lotCount()).toBe(before + 2);
      expect(page).toMatch(/data-testid="problem" data-row="3" data-column="gtin"/);
      expect(page).toContain('2 lots stored; 1 rows were not stored');
      const rows = await db.all<{ lot: string; source: string; certificate_series_id: string | null }>('SELECT lot, source, certificate_series_id FROM lots WHERE lot IN (?, ?, ?) ORDER BY lot', [a, b, c]);
      expect(rows.map((r) => r.lot).sort()).toEqual([a, c].sort());
      expect(rows.every((r) => r.source === 'csv')).toBe(true);
      expect(rows.find((r) => r.lot === c)!.certificate_series_id).not.toBeNull();
    });

    it('refuses a row with the wrong number of cells against its row, and a file with an unknown column', async () => {
      const res = await upload(as.supplier, `${csvHeader}\n${itemGtin},${nextLot()},,,,1\n`);
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/data-row="2" data-column=""/);
      const bad = await upload(as.supplier, `gtin,lot,colour,quantity\n${itemGtin},X,red,1\n`);
      expect(bad.status).toBe(400);
      expect(await bad.text()).toMatch(/data-column="colour"/);
    });

    it('reads a semicolon-separated file with a BOM and quoted cells', async () => {
      const lot = nextLot();
      const res = await upload(as.supplier, `\uFEFFgtin;lot;serials;quantity\r\n"${itemGtin}";"${lot}";"Q1|Q2";2\r\n`);
      const page = await res.text();
      expect(res.status, page.slice(0, 500)).toBe(200);
      expect(page).toContain('1 lots stored');
    });
  });

  describe('who sees what', () => {
    let ownId: string;
    beforeAll(async () => {
      ownId = (await submitLots(ctx, actor, { source: 'form', lots: [valid()] })).stored[0]!.id;
    });

    it("gives another supplier's user and a distributor 404 on the lot's page", async () => {
      for (const client of [as.other, as.distributor]) {
        const res = await client.get(`/lots/${ownId}`);
        await res.body?.cancel();
        expect(res.status).toBe(404);
      }
      await expect(getLot(ctx, otherActor, ownId)).rejects.toMatchObject({ code: 'not_found' });
    });

    it('lists a supplier only its own lots, and the manufacturer staff everyone’s', async () => {
      const own = await listLots(ctx, actor, { pageSize: 100 });
      expect(own.items.every((l) => l.supplier.organisationId === actor.organisationId)).toBe(true);
      const theirs = await listLots(ctx, otherActor, { pageSize: 100 });
      expect(theirs.items.some((l) => l.id === ownId)).toBe(false);
      const staff = await listLots(ctx, await actorFor(db, qa.email), { pageSize: 100 });
      expect(new Set(staff.items.map((l) => l.supplier.organisationId)).size).toBe(2);
      const page = await (await as.qa.get(`/lots/${ownId}`)).text();
      expect(page).toContain(ownId.slice(0, 0) + 'lot.submitted');
      const list = await (await as.other.get('/lots')).text();
      expect(list).not.toContain(ownId);
    });

    it('filters and pages', async () => {
      const byPo = await listLots(ctx, actor, { poNumber: po });
      expect(byPo.items.length).toBeGreaterThan(0);
      expect(byPo.items.every((l) => l.purchaseOrder?.poNumber === po)).toBe(true);
      const paged = await listLots(ctx, actor, { pageSize: 2, page: 2 });
      expect(paged.items).toHaveLength(2);
      expect(paged.page).toBe(2);
      expect(paged.total).toBeGreaterThan(4);
    });

    it('refuses submissions by anyone but a supplier user', async () => {
      await expect(submitLots(ctx, await actorFor(db, qa.email), { source: 'form', lots: [valid()] })).rejects.toMatchObject({ code: 'forbidden' });
      const res = await postMultipart(as.distributor, '/lots?/submit', { gtin: itemGtin, lot: nextLot(), quantity: '1' });
      await res.body?.cancel();
      expect(res.status).toBe(403);
    });
  });

  it('announces every stored lot with a lot.submitted event that validates, and the audit chain stays intact', async () => {
    const rows = await db.all<{ event_type: string; occurred_at: string; payload: string; aggregate_type: string; aggregate_id: string; aggregate_seq: number }>(
      "SELECT event_type, occurred_at, payload, aggregate_type, aggregate_id, aggregate_seq FROM outbox WHERE aggregate_type = 'lot' ORDER BY position",
    );
    expect(rows.length).toBe(await lotCount());
    for (const r of rows) expect(validateEvent(JSON.parse(webhookBody(r)), 'outbound').type).toBe('lot.submitted');
    const audited = await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'lot.submitted'");
    expect(audited!.n).toBe(await lotCount());
    expect((await verifyAuditChain(db)).ok).toBe(true);
    const records = await verifyRecordHashes(db);
    expect(records).toMatchObject({ ok: true, findings: 0 });
    expect(records.checked.lot).toBe(await lotCount());
  });

  it('keeps lot records as submitted: UPDATE and DELETE are refused', async () => {
    const id = (await db.get<{ id: string }>('SELECT id FROM lots LIMIT 1'))!.id;
    await expect(db.run('UPDATE lots SET quantity = 99 WHERE id = ?', [id])).rejects.toThrow(/never edited/);
    await expect(db.run('DELETE FROM lots WHERE id = ?', [id])).rejects.toThrow(/DELETE refused/);
  });
});
