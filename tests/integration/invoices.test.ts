// E-invoices against the real server and its real SQLite file: every validation rule of a
// submission (through the use case, and through the portal's form with every problem listed
// at once), a valid invoice stored with its lines, audit entry and an `invoice.submitted`
// event that validates against the catalogue, the refusal of another supplier's user, and
// the ERP's status (posted to /erp/webhooks, signed with the independent standardwebhooks
// package) appearing on the supplier's pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import type { Actor } from '../../shared/auth/actor.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { verifyRecordHashes } from '../../shared/signatures/verify-record-hashes.ts';
import { webhookBody } from '../../shared/webhooks/webhook-dispatcher.ts';
import { validateEvent } from '../../shared/events/validate-event.ts';
import { generateSecret } from '../../shared/webhooks/signature.ts';
import { isAppError, type Problems } from '../../shared/errors.ts';
import { submitInvoice, type InvoiceSubmission } from '../../shared/invoices/submit-invoice.ts';
import { listInvoices } from '../../shared/invoices/list-invoices.ts';
import { getInvoice } from '../../shared/invoices/get-invoice.ts';
import { listInvoiceableOrders } from '../../shared/invoices/list-invoiceable-orders.ts';
import type { RunningServer } from '../support/server.ts';
import { BrowserClient, openServerDb, signInDirectly, startBuiltServer, signedInClients } from '../support/portal.ts';
import { postErpEvent } from '../support/erp.ts';
import { actorFor } from '../support/actors.ts';
import { demo } from '../support/demo.ts';

const supplier = demo('supplier_user');
const qa = demo('manufacturer_qa');
const distributor = demo('distributor_user');
const other = { email: 'ap@ningbo-moulding.example', displayName: '陈刚 (Chen Gang)', password: 'ningbo-supplier-pass' };
const gtinA = '09506000134352';
const gtinB = '09506000134369';
const secret = generateSecret();

let server: RunningServer;
let db: Db;
let ctx: UseCaseContext;
const actor: Record<'supplier' | 'other' | 'qa', Actor> = {} as never;
const as: Record<'supplier' | 'other' | 'qa' | 'distributor', BrowserClient> = {} as never;
let n = 0;

/** One event from the ERP, signed as Standard Webhooks v1 (tests/support/erp.ts). */
const erp = (type: string, data: unknown) => postErpEvent(server, secret, type, data);

function order(poNumber: string, extra: Record<string, unknown> = {}) {
  return {
    poNumber,
    supplier: { erpId: 'V-10001' },
    status: 'open',
    currency: 'EUR',
    orderDate: '2026-03-02',
    version: 1,
    lines: [
      { lineNumber: 10, gtin: gtinA, quantity: 500, unitPrice: '3.85' },
      { lineNumber: 20, gtin: gtinB, quantity: 200, unitPrice: '1.2345' },
    ],
    ...extra,
  };
}

/** A correct invoice for PO-INV-1 (both lines, 13 % tax), with overrides. */
function valid(overrides: Partial<InvoiceSubmission> = {}): InvoiceSubmission {
  return {
    number: `SPC-${++n}-${Math.random().toString(36).slice(2, 7)}`,
    invoiceDate: '2026-03-20',
    dueDate: '2026-04-19',
    currency: 'EUR',
    paymentTerms: '30 days net',
    purchaseOrder: 'PO-INV-1',
    lines: [
      { poLine: 10, gtin: gtinA, quantity: '10', unitPrice: '3.85', taxRate: '13', lineNet: '38.50' },
      { poLine: 20, gtin: gtinB, quantity: '3', unitPrice: '1.2345', taxRate: '13', lineNet: '3.70' },
    ],
    // 38.50 + 3.70 (3.7035 → 3.70) = 42.20; 13 % = 5.486 → 5.49; 47.69
    netTotal: '42.20',
    taxTotal: '5.49',
    grossTotal: '47.69',
    ...overrides,
  };
}

/** The field problems of a refused submission (and that it stored nothing). */
async function problems(who: Actor, input: InvoiceSubmission): Promise<Problems> {
  const before = await db.get<{ n: number }>('SELECT (SELECT COUNT(*) FROM invoices) + (SELECT COUNT(*) FROM invoice_lines) + (SELECT COUNT(*) FROM outbox) AS n');
  try {
    await submitInvoice(ctx, who, input);
  } catch (e) {
    if (!isAppError(e)) throw e;
    expect(e.code).toBe('invalid_input');
    expect(await db.get('SELECT (SELECT COUNT(*) FROM invoices) + (SELECT COUNT(*) FROM invoice_lines) + (SELECT COUNT(*) FROM outbox) AS n')).toEqual(before);
    return e.problems ?? {};
  }
  throw new Error('the invoice was accepted');
}

/** The portal's form fields for an invoice (rows = the order's lines in order). */
function formFields(input: InvoiceSubmission): Record<string, string> {
  const f: Record<string, string> = {
    number: input.number,
    invoiceDate: input.invoiceDate,
    dueDate: input.dueDate,
    currency: input.currency,
    paymentTerms: input.paymentTerms ?? '',
    purchaseOrder: input.purchaseOrder,
    netTotal: input.netTotal,
    taxTotal: input.taxTotal,
    grossTotal: input.grossTotal,
    lineCount: String(input.lines.length),
  };
  input.lines.forEach((l, i) => {
    for (const [k, v] of Object.entries(l)) f[`lines.${i}.${k}`] = String(v ?? '');
  });
  return f;
}

beforeAll(async () => {
  server = await startBuiltServer({ ERP_INBOUND_SECRET: secret });
  db = openServerDb(server);
  ctx = { db, clock: systemClock, policy: defaultPolicy };
  const by = { type: 'system' as const, name: 'invoices test' };
  const otherOrg = (await createOrganisation(ctx, by, { name: 'Ningbo Moulding Ltd.', kind: 'supplier', erpId: 'V-10077' })).id;
  await addUser(ctx, by, { ...other, role: 'supplier_user', organisationId: otherOrg });
  actor.supplier = await actorFor(db, supplier.email);
  actor.other = await actorFor(db, other.email);
  actor.qa = await actorFor(db, qa.email);
  Object.assign(as, await signedInClients(server, db, { supplier: supplier.email, other: other.email, qa: qa.email, distributor: distributor.email }));
  // The ERP's purchase orders, as signed purchase_order.created events.
  for (const po of [
    order('PO-INV-1'),
    order('PO-INV-OVER', { lines: [{ lineNumber: 1, gtin: gtinA, quantity: 100, unitPrice: '2.00' }] }),
    order('PO-INV-HTTP', { lines: [{ lineNumber: 1, gtin: gtinA, quantity: 500, unitPrice: '3.85' }, { lineNumber: 2, gtin: gtinB, quantity: 200, unitPrice: '1.2345' }] }),
    order('PO-INV-USD', { currency: 'USD' }),
    order('PO-INV-CANCELLED', { status: 'cancelled' }),
    order('PO-INV-NINGBO', { supplier: { erpId: 'V-10077' } }),
  ]) {
    expect((await erp('purchase_order.created', po)).status).toBe(200);
  }
});

afterAll(async () => {
  db?.close();
  await server?.stop();
});

describe('submitInvoice: validation, every problem at once with its field path', () => {
  it('lists every problem of a thoroughly wrong invoice in one refusal', async () => {
    const fields = await problems(actor.supplier, {
      number: '',
      invoiceDate: '2026-02-30',
      dueDate: 'tomorrow',
      currency: 'EURO',
      purchaseOrder: 'PO-INV-1',
      lines: [
        { poLine: 99, gtin: gtinA, quantity: '0', unitPrice: 'abc', taxRate: '130', lineNet: '1.234' },
        { poLine: 10, gtin: gtinB, quantity: '1', unitPrice: '3.85', taxRate: '13', lineNet: '3.85' },
      ],
      netTotal: '',
      taxTotal: 'x',
      grossTotal: '1',
    });
    expect(fields).toEqual({
      number: { code: 'common.required' },
      invoiceDate: { code: 'invoices.badDate' },
      dueDate: { code: 'invoices.badDate' },
      currency: { code: 'invoices.badCurrency' },
      'lines/0/poLine': { code: 'invoices.unknownPoLine', params: { po: 'PO-INV-1' } },
      'lines/0/quantity': { code: 'invoices.badQuantity' },
      'lines/0/unitPrice': { code: 'invoices.badAmount', params: { places: 4 } },
      'lines/0/taxRate': { code: 'invoices.badTaxRate' },
      'lines/0/lineNet': { code: 'invoices.badAmount', params: { places: 2 } },
      'lines/1/gtin': { code: 'invoices.gtinDiffers', params: { gtin: '09506000134352' } },
      netTotal: { code: 'common.required' },
      taxTotal: { code: 'invoices.badAmount', params: { places: 2 } },
    });
  });

  it('requires the number, and refuses one already used by the same supplier, naming the existing invoice', async () => {
    expect((await problems(actor.supplier, valid({ number: '  ' }))).number).toEqual({ code: 'common.required' });
    expect((await problems(actor.supplier, valid({ number: 'X'.repeat(65) }))).number).toEqual({ code: 'common.tooLong', params: { max: 64 } });
    const first = await submitInvoice(ctx, actor.supplier, valid({ number: 'SPC-DUP-1' }));
    const fields = await problems(actor.supplier, valid({ number: 'SPC-DUP-1' }));
    expect(fields).toEqual({ number: { code: 'invoices.duplicate', params: { number: 'SPC-DUP-1', id: first.id, date: first.submittedAt.slice(0, 10) } } });
  });

  it('lets another supplier use the same number (numbers are unique per supplier)', async () => {
    await submitInvoice(ctx, actor.supplier, valid({ number: 'SHARED-1' }));
    const theirs = await submitInvoice(ctx, actor.other, {
      ...valid({ number: 'SHARED-1', purchaseOrder: 'PO-INV-NINGBO' }),
    });
    expect(theirs.supplier.organisationId).toBe(actor.other.organisationId);
  });

  it('checks the dates: valid calendar dates, due date not before the invoice date', async () => {
    expect(await problems(actor.supplier, valid({ invoiceDate: '', dueDate: '' }))).toEqual({ invoiceDate: { code: 'common.required' }, dueDate: { code: 'common.required' } });
    expect(await problems(actor.supplier, valid({ invoiceDate: '2026-13-01' }))).toEqual({ invoiceDate: { code: 'invoices.badDate' } });
    expect(await problems(actor.supplier, valid({ invoiceDate: '2026-03-20', dueDate: '2026-03-19' }))).toEqual({ dueDate: { code: 'invoices.dueBeforeInvoice', params: { date: '2026-03-20' } } });
    // The same day is fine (due on receipt).
    await submitInvoice(ctx, actor.supplier, valid({ invoiceDate: '2026-03-20', dueDate: '2026-03-20' }));
  });

  it('checks the currency: ISO 4217 and the purchase order’s', async () => {
    expect(await problems(actor.supplier, valid({ currency: 'XYZ' }))).toEqual({ currency: { code: 'invoices.badCurrency' } });
    expect(await problems(actor.supplier, valid({ currency: 'USD' }))).toEqual({ currency: { code: 'invoices.currencyDiffers', params: { currency: 'EUR' } } });
    expect(await problems(actor.supplier, valid({ currency: 'EUR', purchaseOrder: 'PO-INV-USD' }))).toEqual({ currency: { code: 'invoices.currencyDiffers', params: { currency: 'USD' } } });
    // Lower case is read as the code.
    expect((await submitInvoice(ctx, actor.supplier, valid({ currency: 'eur' }))).currency).toBe('EUR');
  });

  it('needs a purchase order of the caller’s own organisation that is not cancelled or closed', async () => {
    expect(await problems(actor.supplier, valid({ purchaseOrder: '' }))).toEqual({ purchaseOrder: { code: 'common.required' } });
    expect(await problems(actor.supplier, valid({ purchaseOrder: 'PO-NOWHERE' }))).toEqual({ purchaseOrder: { code: 'invoices.unknownPurchaseOrder' } });
    // Another supplier's order is refused exactly like one that does not exist.
    expect(await problems(actor.supplier, valid({ purchaseOrder: 'PO-INV-NINGBO' }))).toEqual({ purchaseOrder: { code: 'invoices.unknownPurchaseOrder' } });
    expect(await problems(actor.other, valid({ purchaseOrder: 'PO-INV-1' }))).toEqual({ purchaseOrder: { code: 'invoices.unknownPurchaseOrder' } });
    expect(await problems(actor.supplier, valid({ purchaseOrder: 'PO-INV-CANCELLED' }))).toEqual({ purchaseOrder: { code: 'invoices.closedPurchaseOrder', params: { status: 'cancelled' } } });
  });

  it('needs at least one line', async () => {
    expect(await problems(actor.supplier, valid({ lines: [], netTotal: '0.00', taxTotal: '0.00', grossTotal: '0.00' }))).toEqual({ lines: { code: 'invoices.noLines' } });
  });

  it('matches each line to a line of the order, by line number and GTIN (any GTIN length of the same item)', async () => {
    const base = valid();
    expect(await problems(actor.supplier, { ...base, lines: [{ ...base.lines[0]!, poLine: 30 }, base.lines[1]!] })).toEqual({ 'lines/0/poLine': { code: 'invoices.unknownPoLine', params: { po: 'PO-INV-1' } } });
    expect(await problems(actor.supplier, { ...base, lines: [{ ...base.lines[0]!, poLine: '' }, base.lines[1]!] })).toEqual({ 'lines/0/poLine': { code: 'common.required' } });
    expect(await problems(actor.supplier, { ...base, lines: [base.lines[0]!, { ...base.lines[1]!, gtin: gtinA }] })).toEqual({
      'lines/1/gtin': { code: 'invoices.gtinDiffers', params: { gtin: '09506000134369' } },
    });
    expect(await problems(actor.supplier, { ...base, lines: [base.lines[0]!, { ...base.lines[1]!, gtin: '' }] })).toEqual({ 'lines/1/gtin': { code: 'common.required' } });
    // The GTIN-13 of the same item matches its GTIN-14.
    await submitInvoice(ctx, actor.supplier, { ...base, lines: [{ ...base.lines[0]!, gtin: gtinA.slice(1) }, base.lines[1]!] });
  });

  it('refuses a unit price other than the order’s, naming both prices', async () => {
    const base = valid();
    const fields = await problems(actor.supplier, { ...base, lines: [{ ...base.lines[0]!, unitPrice: '3.90', lineNet: '39.00' }, base.lines[1]!], netTotal: '42.70', taxTotal: '5.55', grossTotal: '48.25' });
    expect(fields).toEqual({ 'lines/0/unitPrice': { code: 'invoices.priceDiffers', params: { invoiced: '3.90', ordered: '3.85' } } });
    // The same price written with more places is the same price.
    await submitInvoice(ctx, actor.supplier, { ...base, lines: [{ ...base.lines[0]!, unitPrice: '3.8500' }, base.lines[1]!] });
  });

  it('refuses over-invoicing: no more than ordered minus what earlier invoices took, within one invoice too', async () => {
    const line = (quantity: string, net: string) => ({ poLine: 1, gtin: gtinA, quantity, unitPrice: '2.00', taxRate: '0', lineNet: net });
    const input = (lines: ReturnType<typeof line>[], net: string) => valid({ purchaseOrder: 'PO-INV-OVER', lines, netTotal: net, taxTotal: '0.00', grossTotal: net });
    expect(await problems(actor.supplier, input([line('101', '202.00')], '202.00'))).toEqual({
      'lines/0/quantity': { code: 'invoices.overInvoiced', params: { left: '100', ordered: 100, invoiced: '0' } },
    });
    await submitInvoice(ctx, actor.supplier, input([line('60', '120.00')], '120.00'));
    expect(await problems(actor.supplier, input([line('41', '82.00')], '82.00'))).toEqual({
      'lines/0/quantity': { code: 'invoices.overInvoiced', params: { left: '40', ordered: 100, invoiced: '60' } },
    });
    // Two lines of one invoice on the same order line count together.
    expect(await problems(actor.supplier, input([line('30', '60.00'), line('11', '22.00')], '82.00'))).toEqual({
      'lines/1/quantity': { code: 'invoices.overInvoiced', params: { left: '10', ordered: 100, invoiced: '60' } },
    });
    await submitInvoice(ctx, actor.supplier, input([line('40', '80.00')], '80.00'));
    // The order is fully invoiced: it no longer appears among the orders to invoice.
    expect((await listInvoiceableOrders(ctx, actor.supplier)).map((o) => o.poNumber)).not.toContain('PO-INV-OVER');
  });

  it('refuses a quantity that is not positive or has more than 4 places', async () => {
    const base = valid();
    for (const quantity of ['0', '-1', '1.00001', 'ten']) {
      expect(await problems(actor.supplier, { ...base, lines: [{ ...base.lines[0]!, quantity }, base.lines[1]!] })).toMatchObject({
        'lines/0/quantity': { code: 'invoices.badQuantity' },
      });
    }
  });

  it('checks the arithmetic to the cent: line net = quantity × price, tax per rate, net, tax and gross totals', async () => {
    const base = valid();
    expect(await problems(actor.supplier, { ...base, lines: [base.lines[0]!, { ...base.lines[1]!, lineNet: '3.71' }] })).toEqual({
      'lines/1/lineNet': { code: 'invoices.lineNetDiffers', params: { given: '3.71', expected: '3.70' } },
    });
    expect(await problems(actor.supplier, valid({ netTotal: '42.21' }))).toEqual({ netTotal: { code: 'invoices.totalDiffers', params: { given: '42.21', expected: '42.20' } } });
    // Tax per line would be 5.01 + 0.48 = 5.49 here too; with 19 % on one line and 7 % on the other it differs:
    // 38.50 × 19 % = 7.315 → 7.32; 3.70 × 7 % = 0.259 → 0.26; 7.58 in all.
    const mixed = { ...base, lines: [{ ...base.lines[0]!, taxRate: '19' }, { ...base.lines[1]!, taxRate: '7' }] };
    expect(await problems(actor.supplier, { ...mixed, taxTotal: '5.49', grossTotal: '47.69' })).toEqual({
      taxTotal: { code: 'invoices.taxDiffers', params: { given: '5.49', expected: '7.58' } },
      grossTotal: { code: 'invoices.grossDiffers', params: { given: '47.69', expected: '49.78' } },
    });
    expect(await problems(actor.supplier, valid({ grossTotal: '47.70' }))).toEqual({ grossTotal: { code: 'invoices.grossDiffers', params: { given: '47.70', expected: '47.69' } } });
    expect(await problems(actor.supplier, valid({ taxTotal: '5.486' }))).toEqual({ taxTotal: { code: 'invoices.badAmount', params: { places: 2 } } });
    const stored = await submitInvoice(ctx, actor.supplier, { ...mixed, taxTotal: '7.58', grossTotal: '49.78' });
    expect(stored.taxBreakdown).toEqual([
      { rate: '7', taxableAmount: '3.70', taxAmount: '0.26' },
      { rate: '19', taxableAmount: '38.50', taxAmount: '7.32' },
    ]);
  });

  it('computes tax on the sum per rate, rounded half-up once (EN 16931), not per line', async () => {
    // Three lines of 0.35 at 19 %: per line 0.0665 → 0.07 each (0.21); on the sum 1.05 → 0.1995 → 0.20.
    await erp('purchase_order.created', order('PO-INV-CENT', { lines: [1, 2, 3].map((lineNumber) => ({ lineNumber, gtin: gtinA, quantity: 10, unitPrice: '0.35' })) }));
    const lines = [1, 2, 3].map((poLine) => ({ poLine, gtin: gtinA, quantity: '1', unitPrice: '0.35', taxRate: '19', lineNet: '0.35' }));
    const input = valid({ purchaseOrder: 'PO-INV-CENT', lines, netTotal: '1.05', taxTotal: '0.21', grossTotal: '1.26' });
    expect(await problems(actor.supplier, input)).toEqual({ taxTotal: { code: 'invoices.taxDiffers', params: { given: '0.21', expected: '0.20' } }, grossTotal: { code: 'invoices.grossDiffers', params: { given: '1.26', expected: '1.25' } } });
    await submitInvoice(ctx, actor.supplier, { ...input, taxTotal: '0.20', grossTotal: '1.25' });
  });

  it('is for supplier users only', async () => {
    await expect(submitInvoice(ctx, actor.qa, valid())).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('a valid invoice through the portal form', () => {
  let invoiceId: string;
  const number = 'SPC-2026-0042';

  it('is stored with its lines, audited and announced to the ERP with an event that validates against the catalogue', async () => {
    const input = valid({
      number,
      purchaseOrder: 'PO-INV-HTTP',
      lines: [
        { poLine: 1, gtin: gtinA, quantity: '500', unitPrice: '3.85', taxRate: '13', lineNet: '1925.00' },
        { poLine: 2, gtin: gtinB, quantity: '200', unitPrice: '1.2345', taxRate: '13', lineNet: '246.90' },
      ],
      netTotal: '2171.90',
      taxTotal: '282.35',
      grossTotal: '2454.25',
    });
    const res = await as.supplier.postForm('/invoices?/submit', formFields(input));
    expect(res.status, await res.clone().text()).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/invoices\/inv_\w+\?submitted=1$/);
    invoiceId = location.slice('/invoices/'.length, location.indexOf('?'));

    expect(await db.get('SELECT invoice_number, currency, net_total, tax_total, gross_total, state FROM invoices WHERE id = ?', [invoiceId])).toEqual({
      invoice_number: number,
      currency: 'EUR',
      net_total: '2171.90',
      tax_total: '282.35',
      gross_total: '2454.25',
      state: 'submitted',
    });
    expect(await db.all('SELECT line_number, po_line_number, gtin, quantity, unit_price, tax_rate, line_net FROM invoice_lines WHERE invoice_id = ? ORDER BY line_number', [invoiceId])).toEqual([
      { line_number: 1, po_line_number: 1, gtin: gtinA, quantity: '500', unit_price: '3.85', tax_rate: '13', line_net: '1925.00' },
      { line_number: 2, po_line_number: 2, gtin: gtinB, quantity: '200', unit_price: '1.2345', tax_rate: '13', line_net: '246.90' },
    ]);
    const audit = await db.get<{ action: string; actor_name: string; new_values: string }>("SELECT action, actor_name, new_values FROM audit_log WHERE entity_type = 'invoice' AND entity_id = ?", [invoiceId]);
    expect(audit).toMatchObject({ action: 'invoice.submitted', actor_name: supplier.displayName });
    expect(JSON.parse(audit!.new_values)).toMatchObject({ number, purchaseOrder: 'PO-INV-HTTP', totals: { net: '2171.90', tax: '282.35', gross: '2454.25' } });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    const records = await verifyRecordHashes(db);
    expect(records).toMatchObject({ ok: true, findings: 0 });
    expect(records.checked.invoice).toBeGreaterThan(0);

    const rows = await db.all<{ event_type: string; occurred_at: string; payload: string; aggregate_type: string; aggregate_id: string; aggregate_seq: number }>(
      "SELECT event_type, occurred_at, payload, aggregate_type, aggregate_id, aggregate_seq FROM outbox WHERE aggregate_type = 'invoice' AND aggregate_id = ?",
      [invoiceId],
    );
    expect(rows).toHaveLength(1);
    const event = validateEvent(JSON.parse(webhookBody(rows[0]!)), 'outbound');
    expect(event.type).toBe('invoice.submitted');
    expect(event.data).toMatchObject({
      invoiceId,
      invoiceNumber: number,
      supplier: { erpId: 'V-10001' },
      purchaseOrder: { poNumber: 'PO-INV-HTTP' },
      taxBreakdown: [{ rate: '13', taxableAmount: '2171.90', taxAmount: '282.35' }],
      totals: { net: '2171.90', tax: '282.35', gross: '2454.25' },
      aggregate: { type: 'invoice', id: invoiceId, sequence: 1 },
    });
  });

  it('shows the invoice to its supplier and to the manufacturer’s staff', async () => {
    const page = await as.supplier.get(`/invoices/${invoiceId}`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('Invoice SPC-2026-0042');
    expect(html).toContain('2454.25 EUR');
    expect(html).toContain('Not yet reported');
    expect((await as.qa.get(`/invoices/${invoiceId}`)).status).toBe(200);
    const staffList = await listInvoices(ctx, actor.qa, { supplierId: actor.supplier.organisationId, pageSize: 100 });
    expect(staffList.items.map((i) => i.id)).toContain(invoiceId);
    expect(staffList.items.every((i) => i.supplier.organisationId === actor.supplier.organisationId)).toBe(true);
  });

  it('answers 404 to another supplier’s user on the invoice page and lists none of it; the distributor is refused', async () => {
    const res = await as.other.get(`/invoices/${invoiceId}`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain(number);
    await expect(getInvoice(ctx, actor.other, invoiceId)).rejects.toMatchObject({ code: 'not_found' });
    const theirs = await listInvoices(ctx, actor.other, { pageSize: 100 });
    expect(theirs.items.map((i) => i.id)).not.toContain(invoiceId);
    expect(theirs.items.every((i) => i.supplier.organisationId === actor.other.organisationId)).toBe(true);
    const list = await (await as.other.get('/invoices')).text();
    expect(list).not.toContain(number);
    expect(list).not.toContain('PO-INV-HTTP');
    expect((await as.distributor.get('/invoices')).status).toBe(403);
    expect((await as.distributor.get(`/invoices/${invoiceId}`)).status).toBe(404);
  });

  it('refuses another supplier’s user submitting against a purchase order that is not theirs, and stores nothing', async () => {
    const before = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM invoices');
    const res = await as.other.postForm('/invoices?/submit', formFields(valid({ number: 'NB-STEAL-1', purchaseOrder: 'PO-INV-HTTP' })));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Not one of your purchase orders.');
    expect(await db.get('SELECT COUNT(*) AS n FROM invoices')).toEqual(before);
  });

  it('lists every problem of a refused form at once, translated and next to its field', async () => {
    const base = valid({ purchaseOrder: 'PO-INV-HTTP', number, dueDate: '2026-03-01' });
    const input = { ...base, lines: [{ ...base.lines[0]!, poLine: 1, quantity: '9999', unitPrice: '3.99', lineNet: '38.50' }, { ...base.lines[1]!, poLine: 2 }] };
    const refused = await as.supplier.postForm('/invoices?/submit', formFields(input));
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toContain('The invoice was not submitted. Correct these');
    expect(html).toContain(`You already submitted invoice ${number} on`);
    expect(html).toContain('The due date is before the invoice date 2026-03-20.');
    expect(html).toContain('Unit price 3.99 differs from the purchase order’s 3.85.');
    expect(html).toMatch(/More than is left to invoice: 0 of 500 ordered \(500 already invoiced\)\./);
    expect(html).toMatch(/id="inv-lines-0-quantity"[^>]*aria-invalid="true"/);
    expect(html).toMatch(/id="inv-lines-0-unitPrice-problem" data-problem="invoices.priceDiffers"/);
    // The same in Chinese.
    const zh = new BrowserClient(server.url);
    await signInDirectly(zh, db, supplier.email);
    zh.cookies.set('lang', 'zh-CN');
    const zhHtml = await (await zh.postForm('/invoices?/submit', formFields(input))).text();
    expect(zhHtml).toContain('单价 3.99 与采购订单单价 3.85 不符。');
  });
});

describe('listing and the record', () => {
  it('sorts, pages and filters (ERP status, supplier) for staff; a supplier sees only its own', async () => {
    const mine = await listInvoices(ctx, actor.supplier, { sort: 'number', order: 'asc', pageSize: 2, page: 1 });
    expect(mine.items).toHaveLength(2);
    expect(mine.pages).toBe(Math.ceil(mine.total / 2));
    const numbers = (await listInvoices(ctx, actor.supplier, { sort: 'number', order: 'asc', pageSize: 100 })).items.map((i) => i.number);
    expect(numbers).toEqual([...numbers].sort());
    expect(mine.items.map((i) => i.number)).toEqual(numbers.slice(0, 2));
    expect(mine.suppliers).toEqual([]);
    const page2 = await listInvoices(ctx, actor.supplier, { sort: 'number', order: 'asc', pageSize: 2, page: 2 });
    expect(page2.items.map((i) => i.number)).toEqual(numbers.slice(2, 4));
    const all = await listInvoices(ctx, actor.qa, { pageSize: 100 });
    expect(new Set(all.items.map((i) => i.supplier.organisationId))).toEqual(new Set([actor.supplier.organisationId, actor.other.organisationId]));
    expect(all.suppliers.map((s) => s.name)).toContain('Ningbo Moulding Ltd.');
    const ningbo = await listInvoices(ctx, actor.qa, { supplierId: actor.other.organisationId, pageSize: 100 });
    expect(ningbo.items.every((i) => i.supplier.organisationId === actor.other.organisationId)).toBe(true);
    const unreported = await listInvoices(ctx, actor.supplier, { erpStatus: 'none', pageSize: 100 });
    expect(unreported.items.every((i) => i.erpStatus === null)).toBe(true);
    expect(unreported.total).toBe(mine.total - (await listInvoices(ctx, actor.supplier, { pageSize: 100 })).items.filter((i) => i.erpStatus).length);
  });

  it('is never edited or deleted in place', async () => {
    const { id } = (await db.get<{ id: string }>('SELECT id FROM invoices LIMIT 1'))!;
    await expect(db.run("UPDATE invoices SET gross_total = '0.00' WHERE id = ?", [id])).rejects.toThrow(/never edited/);
    await expect(db.run("UPDATE invoice_lines SET quantity = '1' WHERE invoice_id = ?", [id])).rejects.toThrow(/never edited/);
    await expect(db.run('DELETE FROM invoices WHERE id = ?', [id])).rejects.toThrow(/never deleted/);
  });
});

describe('the ERP’s invoice.status_changed', () => {
  it('appears on the supplier’s invoice and in the list, and another supplier’s invoice of the same number is not mixed in', async () => {
    const invoice = await submitInvoice(ctx, actor.supplier, valid({ number: 'SPC-STATUS-1' }));
    const theirs = await submitInvoice(ctx, actor.other, valid({ number: 'SPC-STATUS-1', purchaseOrder: 'PO-INV-NINGBO' }));
    const status = (erpId: string, s: Record<string, unknown>, occurredAt: string) =>
      erp('invoice.status_changed', { invoiceNumber: 'SPC-STATUS-1', supplier: { erpId }, occurredAt, ...s });
    expect((await status('V-10001', { status: 'received' }, '2026-03-20T09:00:00Z')).status).toBe(200);
    expect((await status('V-10001', { status: 'disputed', reason: 'quantity differs from goods receipt' }, '2026-03-21T09:00:00Z')).status).toBe(200);
    expect((await status('V-10077', { status: 'paid', paidOn: '2026-03-25' }, '2026-03-25T09:00:00Z')).status).toBe(200);

    let detail = await getInvoice(ctx, actor.supplier, invoice.id);
    expect(detail.statuses.map((s) => [s.status, s.reason])).toEqual([
      ['received', null],
      ['disputed', 'quantity differs from goods receipt'],
    ]);
    expect(detail.currentStatus?.status).toBe('disputed');
    let html = await (await as.supplier.get(`/invoices/${invoice.id}`)).text();
    expect(html).toContain('Reason: quantity differs from goods receipt');

    expect((await status('V-10001', { status: 'approved' }, '2026-03-22T09:00:00Z')).status).toBe(200);
    expect((await status('V-10001', { status: 'paid', paidOn: '2026-04-18' }, '2026-04-18T09:00:00Z')).status).toBe(200);
    detail = await getInvoice(ctx, actor.supplier, invoice.id);
    expect(detail.statuses.map((s) => s.status)).toEqual(['received', 'disputed', 'approved', 'paid']);
    expect(detail.currentStatus).toMatchObject({ status: 'paid', paidOn: '2026-04-18' });
    expect(detail.history.map((h) => h.action)).toEqual(['invoice.submitted', 'invoice.status_changed', 'invoice.status_changed', 'invoice.status_changed', 'invoice.status_changed']);

    html = await (await as.supplier.get(`/invoices/${invoice.id}`)).text();
    expect(html).toContain('Paid on 2026-04-18');
    const list = await listInvoices(ctx, actor.supplier, { erpStatus: 'paid', pageSize: 100 });
    expect(list.items.find((i) => i.id === invoice.id)?.erpStatus).toMatchObject({ status: 'paid', paidOn: '2026-04-18' });
    const listHtml = await (await as.supplier.get('/invoices?erpStatus=paid')).text();
    expect(listHtml).toContain('SPC-STATUS-1');

    // The other supplier's invoice of the same number has only its own (paid) status.
    expect((await getInvoice(ctx, actor.other, theirs.id)).statuses.map((s) => s.status)).toEqual(['paid']);
  });
});
