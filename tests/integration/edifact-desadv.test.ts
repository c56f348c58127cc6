// DESADV interchanges against a real SQLite file (all migrations, the demo seed, items and
// orders from the ERP's own apply functions): a despatch advice written with
// shared/edifact/write.ts becomes lots through submitLots (the use case of the form, CSV and
// barcode), with the CONTRL acknowledging it and the interchange register holding the bytes and
// the records; the same interchange again is recognised and answered with the first CONTRL,
// nothing stored twice; one bad line refuses its whole message (APERAK with the code and the
// segment) while another message of the interchange is stored; a syntax fault is refused with a
// CONTRL naming the segment and element; a message type we do not take (IFTSTA) is stored and
// refused with CONTRL and APERAK; another supplier's order is not ours to deliver against.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import type { Actor } from '../../shared/auth/actor.ts';
import { systemClock } from '../../shared/clock.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { applyItemUpserted } from '../../shared/erp/apply-item-upserted.ts';
import { applyPurchaseOrder } from '../../shared/erp/apply-purchase-order.ts';
import { gtinCheckDigit } from '../../shared/gs1/gtin.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { tokenize } from '../../shared/edifact/tokenize.ts';
import { value } from '../../shared/edifact/element-values.ts';
import { readEnvelope } from '../../shared/edifact/envelope.ts';
import { writeInterchange, encodeInterchange, type WriteMessage, type WriteSegment } from '../../shared/edifact/write.ts';
import { submitDesadvFile, DesadvFileError } from '../../shared/lots/submit-desadv-file.ts';
import { demo, demoDatabase } from '../support/demo.ts';
import { actorFor } from '../support/actors.ts';

const supplier = demo('supplier_user');
const other = { email: 'edi@ningbo-desadv.example', displayName: 'Li Wei', password: 'ningbo-desadv-pass' };
const gtin = (first13: string) => first13 + gtinCheckDigit(first13);
const gtinA = gtin('0950600077701');
const gtinB = gtin('0950600077702');
const po = '4500077001';
const otherPo = '4500077999';

let dir: { dir: string; remove(): void };
let db: Db;
let ctx: UseCaseContext;
let actor: Actor;
let otherActor: Actor;
let icSeq = 0;

const lotName = (tag: string) => `${tag}${Date.now().toString(36).slice(-4).toUpperCase()}${++icSeq}`;

/** One DESADV line: LIN with the GTIN, the lot as PIA…:NB, serials as GIN+BN, dates under PCI, QTY+12 and the order line. */
function line(n: number, l: { gtin: string; lot: string; quantity: string; serials?: string[]; expiry?: string; production?: string; po?: string; poLine?: string }): WriteSegment[] {
  return [
    { tag: 'LIN', elements: [String(n), '', [l.gtin, 'SRV']] },
    { tag: 'PIA', elements: ['1', [l.lot, 'NB']] },
    { tag: 'QTY', elements: [['12', l.quantity]] },
    ...(l.po ? [{ tag: 'RFF', elements: [['ON', l.po, l.poLine ?? '']] }] : []),
    ...(l.production ? [{ tag: 'DTM', elements: [['94', l.production, '102']] }] : []),
    { tag: 'PCI', elements: ['36E'] },
    ...(l.expiry ? [{ tag: 'DTM', elements: [['36', l.expiry, '102']] }] : []),
    ...(l.serials?.length ? [{ tag: 'GIN', elements: ['BN', ...l.serials] }] : []),
  ];
}

function desadv(reference: string, number: string, lines: WriteSegment[], headerPo = po): WriteMessage {
  return {
    reference,
    type: ['DESADV', 'D', '96A', 'UN', 'EAN005'],
    segments: [
      { tag: 'BGM', elements: [['351'], number, '9'] },
      { tag: 'DTM', elements: [['137', '20260320', '102']] },
      { tag: 'RFF', elements: [['ON', headerPo]] },
      { tag: 'NAD', elements: ['SU', ['6901234000001', '', '9']] },
      { tag: 'NAD', elements: ['BY', ['4012345000009', '', '9']] },
      { tag: 'CPS', elements: ['1'] },
      { tag: 'PAC', elements: ['1', '', '201'] },
      { tag: 'PCI', elements: ['33E'] },
      { tag: 'GIN', elements: ['BJ', '369012340000000015'] },
      ...lines,
    ],
  };
}

function interchange(messages: WriteMessage[], reference = `IC${Date.now().toString(36).toUpperCase()}${++icSeq}`, sender = '6901234000001'): { bytes: Uint8Array; reference: string } {
  const text = writeInterchange({ syntax: ['UNOC', '3'], sender: [sender, '14'], recipient: ['4012345000009', '14'], preparedAt: ['260320', '1015'], reference, messages, newline: '\r\n' });
  return { bytes: encodeInterchange(text, 'UNOC'), reference };
}

/** The segments of a CONTRL or APERAK between UNH and UNT, as tag + elements. */
function answer(text: string | null): { tag: string; elements: string[][] }[] {
  expect(text).not.toBeNull();
  const env = readEnvelope(tokenize(text!));
  return env.messages[0]!.segments.slice(1, -1).map((s) => ({ tag: s.tag, elements: s.elements }));
}

const lotCount = async () => (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM lots'))!.n;

beforeAll(async () => {
  ({ dir, db, ctx } = await demoDatabase('lotbridge-desadv-'));
  const by = { type: 'system' as const, name: 'desadv test' };
  const otherOrg = (await createOrganisation(ctx, by, { name: 'Ningbo Despatch Ltd.', kind: 'supplier', erpId: 'V-10079' })).id;
  await addUser(ctx, by, { ...other, role: 'supplier_user', organisationId: otherOrg });
  await db.transaction(async (tx) => {
    for (const g of [gtinA, gtinB]) await applyItemUpserted(tx, systemClock, { gtin: g, description: `Item ${g}`, unitOfMeasure: 'EA' });
    await applyPurchaseOrder(tx, systemClock, {
      poNumber: po,
      supplier: { erpId: 'V-10001' },
      status: 'open',
      currency: 'EUR',
      orderDate: '2026-03-01',
      version: 1,
      lines: [
        { lineNumber: 1, gtin: gtinA, quantity: 500, unitPrice: '3.85' },
        { lineNumber: 2, gtin: gtinB, quantity: 200, unitPrice: '1.20' },
      ],
    });
    await applyPurchaseOrder(tx, systemClock, { poNumber: otherPo, supplier: { erpId: 'V-10079' }, status: 'open', currency: 'EUR', orderDate: '2026-03-01', version: 1, lines: [{ lineNumber: 1, gtin: gtinA, quantity: 5, unitPrice: '3.85' }] });
  });
  actor = await actorFor(db, supplier.email);
  otherActor = await actorFor(db, other.email);
});

afterAll(() => {
  db?.close();
  dir?.remove();
});

describe('DESADV → lots', () => {
  let first: { bytes: Uint8Array; reference: string };
  let firstContrl: string | null;
  const lotA = lotName('LA');
  const lotB = lotName('LB');

  it('stores each line as a lot of the supplier (GTIN, lot, serials, dates, quantity, order line), acknowledged by CONTRL', async () => {
    first = interchange([
      desadv('M1', 'DA-1', [
        ...line(1, { gtin: gtinA, lot: lotA, quantity: '48.000', expiry: '20290228', production: '20260301', po, poLine: '1' }),
        ...line(2, { gtin: gtinB, lot: lotB, quantity: '2', serials: ['SN-1', 'SN-2'] }),
      ]),
    ]);
    const result = await submitDesadvFile(ctx, actor, { bytes: first.bytes, name: 'desadv-1.edi' });
    expect(result.interchanges).toHaveLength(1);
    const ic = result.interchanges[0]!;
    expect([ic.duplicate, ic.status, ic.problems]).toEqual([false, 'accepted', []]);
    const m = ic.messages[0]!;
    expect([m.status, m.problems, m.aperak]).toEqual(['accepted', [], null]);
    expect(m.advice!.lines.map((l) => l.ssccs)).toEqual([['369012340000000015'], ['369012340000000015']]);
    expect(m.lots.map((l) => [l.gtin, l.lot, l.serials, l.manufactureDate, l.expiryDate, l.quantity, l.purchaseOrder?.poNumber, l.purchaseOrder?.lineNumber, l.supplier.organisationId])).toEqual([
      [gtinA, lotA, [], '2026-03-01', '2029-02-28', 48, po, 1, actor.organisationId],
      [gtinB, lotB, ['SN-1', 'SN-2'], null, null, 2, po, 2, actor.organisationId],
    ]);
    // The CONTRL: from us to the sender, UCI 7 for the interchange, UCM 7 for the message.
    firstContrl = ic.contrl;
    const contrl = readEnvelope(tokenize(ic.contrl!));
    expect([contrl.sender, contrl.recipient]).toEqual(['4012345000009', '6901234000001']);
    expect(answer(ic.contrl)).toEqual([
      { tag: 'UCI', elements: [[first.reference], ['6901234000001', '14'], ['4012345000009', '14'], ['7']] },
      { tag: 'UCM', elements: [['M1'], ['DESADV', 'D', '96A', 'UN', 'EAN005'], ['7']] },
    ]);
    // The register: the bytes as received, the answer, the message and its records.
    const row = (await db.get<{ status: string; raw: ArrayBuffer; acknowledgement: string; message_count: number; message_types: string; received_by: string; file_name: string }>(
      'SELECT status, raw, acknowledgement, message_count, message_types, received_by, file_name FROM edi_interchanges WHERE id = ?',
      [ic.id],
    ))!;
    expect([row.status, row.acknowledgement, row.message_count, JSON.parse(row.message_types), row.received_by, row.file_name]).toEqual(['accepted', ic.contrl, 1, ['DESADV'], actor.userId, 'desadv-1.edi']);
    expect(new Uint8Array(row.raw)).toEqual(first.bytes);
    const msg = (await db.get<{ status: string; records: string }>('SELECT status, records FROM edi_messages WHERE interchange_id = ?', [ic.id]))!;
    expect([msg.status, JSON.parse(msg.records)]).toEqual(['accepted', m.lots.map((l) => ({ type: 'lot', id: l.id }))]);
    // Each lot is audited and announced as every lot is.
    for (const l of m.lots) {
      expect(await db.get("SELECT 1 AS x FROM audit_log WHERE action = 'lot.submitted' AND entity_id = ?", [l.id])).toBeTruthy();
      expect(await db.get("SELECT 1 AS x FROM outbox WHERE event_type = 'lot.submitted' AND aggregate_id = ?", [l.id])).toBeTruthy();
    }
    expect(await db.get("SELECT 1 AS x FROM audit_log WHERE action = 'edi.interchange_received' AND entity_id = ?", [ic.id])).toBeTruthy();
  });

  it('recognises the same interchange again: answered with the first CONTRL, nothing processed twice', async () => {
    const before = await lotCount();
    const again = await submitDesadvFile(ctx, actor, { bytes: first.bytes, name: 'desadv-1-again.edi' });
    expect(again.interchanges.map((i) => [i.duplicate, i.status, i.contrl, i.messages.length])).toEqual([[true, 'accepted', firstContrl, 0]]);
    expect(await lotCount()).toBe(before);
    const row = (await db.get<{ repeats: number; n: number }>('SELECT repeats, (SELECT COUNT(*) FROM edi_interchanges WHERE control_reference = ?) AS n FROM edi_interchanges WHERE control_reference = ?', [first.reference, first.reference]))!;
    expect([row.repeats, row.n]).toEqual([1, 1]);
    expect(await db.get("SELECT reason FROM audit_log WHERE action = 'edi.interchange_repeated' AND entity_id = ?", [again.interchanges[0]!.id])).toMatchObject({ reason: expect.stringContaining('not processed again') });
  });

  it('refuses a whole message when one line fails (APERAK with code and segment); the other message is stored', async () => {
    const before = await lotCount();
    const good = lotName('LG');
    const { bytes } = interchange([
      desadv('B1', 'DA-2', [...line(1, { gtin: gtinA, lot: lotName('LX'), quantity: '5' }), ...line(2, { gtin: gtinB, lot: lotName('LY'), quantity: '1', po: '4500000404' })]),
      desadv('G1', 'DA-3', line(1, { gtin: gtinA, lot: good, quantity: '7' })),
    ]);
    const ic = (await submitDesadvFile(ctx, actor, { bytes })).interchanges[0]!;
    expect(ic.status).toBe('partially_accepted');
    const [bad, ok] = ic.messages;
    expect([bad!.status, bad!.lots, ok!.status, ok!.lots.map((l) => l.lot)]).toEqual(['rejected', [], 'accepted', [good]]);
    expect(await lotCount()).toBe(before + 1);
    // The unknown order of line 2 is named where it was read: its RFF+ON, segment 18 of message B1.
    expect(bad!.problems.map((p) => [p.code, p.segment, p.tag, p.element, p.component, p.field])).toEqual([['lots.unknownPurchaseOrder', 18, 'RFF', 1, 2, 'lines/1/po_number']]);
    const aperak = answer(bad!.aperak);
    expect(aperak.slice(0, 3)).toEqual([
      { tag: 'BGM', elements: [['313'], [aperak[0]!.elements[1]![0]!], ['27']] },
      { tag: 'DTM', elements: [['137', aperak[1]!.elements[0]![1]!, '203']] },
      { tag: 'RFF', elements: [['ACW', 'B1']] },
    ]);
    expect(aperak.find((s) => s.tag === 'NAD' && s.elements[0]![0] === 'MR')!.elements[1]).toEqual(['6901234000001', '', '9']);
    expect(aperak.filter((s) => s.tag === 'ERC').map((s) => s.elements[0]![0])).toEqual(['UNKPO']);
    expect(aperak.find((s) => s.tag === 'FTX')!.elements[3]!.join('')).toContain('segment 18 (RFF), element 1, component 2: lines/1/po_number: Not one of your purchase orders: 4500000404');
    // CONTRL acknowledges both messages' syntax: the refusal is a business one, APERAK's.
    expect(answer(ic.contrl).map((s) => [s.tag, s.elements[0]![0], s.elements.at(-1)![0]])).toEqual([
      ['UCI', ic.reference, '7'],
      ['UCM', 'B1', '7'],
      ['UCM', 'G1', '7'],
    ]);
    expect((await db.get<{ aperak: string }>("SELECT aperak FROM edi_messages WHERE interchange_id = ? AND message_reference = 'B1'", [ic.id]))!.aperak).toBe(bad!.aperak);
  });

  it('refuses a lot submitted before, and a serial count that does not match the quantity, at their segments', async () => {
    const { bytes } = interchange([desadv('D1', 'DA-4', [...line(1, { gtin: gtinA, lot: lotA, quantity: '1' }), ...line(2, { gtin: gtinB, lot: lotName('LS'), quantity: '3', serials: ['S1', 'S2'] })])]);
    const m = (await submitDesadvFile(ctx, actor, { bytes })).interchanges[0]!.messages[0]!;
    expect(m.problems.map((p) => [p.code, p.segment, p.tag, p.field])).toEqual([
      ['lots.duplicateOnOrder', 12, 'PIA', 'lines/0/lot'],
      ['lots.serialCount', 19, 'GIN', 'lines/1/serials'],
    ]);
    expect(answer(m.aperak).filter((s) => s.tag === 'ERC').map((s) => s.elements[0]![0])).toEqual(['DUPLOT', 'BADVALUE']);
  });

  it('refuses a syntax fault with a CONTRL naming message, segment and element; nothing stored', async () => {
    const before = await lotCount();
    const text = writeInterchange({ syntax: ['UNOA', '3'], sender: ['6901234000001', '14'], recipient: ['4012345000009', '14'], preparedAt: ['260320', '1015'], reference: 'SYNTAX1', messages: [desadv('S1', 'DA-5', line(1, { gtin: gtinA, lot: 'lower-case', quantity: '1' }))] });
    const ic = (await submitDesadvFile(ctx, actor, { bytes: encodeInterchange(text, 'UNOA') })).interchanges[0]!;
    expect([ic.status, ic.problems.map((p) => [p.code, p.segment, p.tag, p.element, p.component])]).toEqual(['rejected', [['badCharacter', 13, 'PIA', 2, 1]]]);
    expect(answer(ic.contrl)).toEqual([
      { tag: 'UCI', elements: [['SYNTAX1'], ['6901234000001', '14'], ['4012345000009', '14'], ['4'], ['21']] },
      { tag: 'UCM', elements: [['S1'], ['DESADV', 'D', '96A', 'UN', 'EAN005'], ['4']] },
      { tag: 'UCS', elements: [['12']] },
      { tag: 'UCD', elements: [['21'], ['2', '1']] },
    ]);
    expect(await lotCount()).toBe(before);
    expect((await db.get<{ status: string; problems: string }>('SELECT status, problems FROM edi_interchanges WHERE id = ?', [ic.id]))!).toMatchObject({ status: 'rejected', problems: expect.stringContaining('badCharacter') });
    // Lenient mode reads the lower case (a common partner mistake) and the lot is stored.
    const lenient = await submitDesadvFile(ctx, actor, { bytes: encodeInterchange(text.replace(/SYNTAX1/g, 'SYNTAX2'), 'UNOA') }, { mode: 'lenient' });
    expect(lenient.interchanges[0]!.messages[0]!.lots.map((l) => l.lot)).toEqual(['lower-case']);
  });

  it('reads a decimal comma released by the partner ("?,") in quantity and free text: the lot stored, the warnings kept in the register (issue 11)', async () => {
    const lot = lotName('LW');
    const m = desadv('W1', 'DA-W', line(1, { gtin: gtinA, lot, quantity: '4,0', po, poLine: '1' }));
    m.segments.splice(1, 0, { tag: 'FTX', elements: ['AAI', '', '', 'PALLET 1,5 M'] });
    const { bytes } = interchange([m]);
    const text = new TextDecoder('latin1').decode(bytes).replace('PALLET 1,5 M', 'PALLET 1?,5 M').replace("QTY+12:4,0'", "QTY+12:4?,0'");
    expect(text).toContain("QTY+12:4?,0'");
    const ic = (await submitDesadvFile(ctx, actor, { bytes: encodeInterchange(text, 'UNOC') })).interchanges[0]!;
    expect(ic.status).toBe('accepted');
    expect(ic.messages[0]!.lots.map((l) => [l.lot, l.quantity])).toEqual([[lot, 4]]);
    const row = (await db.get<{ problems: string }>('SELECT problems FROM edi_interchanges WHERE id = ?', [ic.id]))!;
    expect((JSON.parse(row.problems) as { code: string; severity: string; tag: string }[]).map((w) => [w.code, w.severity, w.tag])).toEqual([
      ['releasedOrdinary', 'warning', 'FTX'],
      ['releasedOrdinary', 'warning', 'QTY'],
    ]);
  });

  it('stores a message type it does not take (IFTSTA) and refuses it with CONTRL (UCM 4, code 14 on UNH S009) and APERAK', async () => {
    const { bytes, reference } = interchange([{ reference: 'T1', type: ['IFTSTA', 'D', '01B', 'UN', 'EAN004'], segments: [{ tag: 'BGM', elements: ['23', 'ST-1', '9'] }] }]);
    const ic = (await submitDesadvFile(ctx, actor, { bytes })).interchanges[0]!;
    expect([ic.status, ic.messages.map((m) => [m.status, m.type, m.problems.map((p) => p.code)])]).toEqual(['rejected', [['unsupported', 'IFTSTA:D:01B:UN:EAN004', ['unsupportedMessageType']]]]);
    expect(answer(ic.contrl)).toEqual([
      { tag: 'UCI', elements: [[reference], ['6901234000001', '14'], ['4012345000009', '14'], ['7']] },
      { tag: 'UCM', elements: [['T1'], ['IFTSTA', 'D', '01B', 'UN', 'EAN004'], ['4'], ['14'], ['UNH'], ['2', '1']] },
    ]);
    const aperak = answer(ic.messages[0]!.aperak);
    expect(aperak.filter((s) => s.tag === 'ERC').map((s) => s.elements[0]![0])).toEqual(['MSGTYPE']);
    expect(aperak.find((s) => s.tag === 'FTX')!.elements[3]!.join('')).toContain('message type IFTSTA is not supported here');
    const row = (await db.get<{ status: string; message_types: string }>('SELECT status, message_types FROM edi_interchanges WHERE id = ?', [ic.id]))!;
    expect([row.status, row.message_types]).toEqual(['rejected', '["IFTSTA"]']);
    expect(await db.get("SELECT status FROM edi_messages WHERE interchange_id = ? AND message_reference = 'T1'", [ic.id])).toMatchObject({ status: 'unsupported' });
  });

  it("does not let a supplier deliver against another supplier's order", async () => {
    const before = await lotCount();
    const { bytes } = interchange([desadv('O1', 'DA-6', line(1, { gtin: gtinA, lot: lotName('LO'), quantity: '1' }), otherPo)]);
    const m = (await submitDesadvFile(ctx, actor, { bytes })).interchanges[0]!.messages[0]!;
    expect(m.problems.map((p) => [p.code, p.tag, p.field])).toEqual([['lots.unknownPurchaseOrder', 'RFF', 'lines/0/po_number']]);
    expect(await lotCount()).toBe(before);
    // The other supplier may (under its own EDI id: the demo supplier's is not its to send as).
    const mine = await submitDesadvFile(ctx, otherActor, { bytes: interchange([desadv('O2', 'DA-7', line(1, { gtin: gtinA, lot: lotName('LO'), quantity: '1' }), otherPo)], undefined, '6907979000001').bytes });
    expect(mine.interchanges[0]!.messages[0]!.lots.map((l) => [l.supplier.organisationId, l.purchaseOrder?.poNumber])).toEqual([[otherActor.organisationId, otherPo]]);
  });

  it('refuses a file with nothing to answer (no UNB) as a whole', async () => {
    await expect(submitDesadvFile(ctx, actor, { bytes: new TextEncoder().encode("UNH+1+DESADV:D:96A:UN'") })).rejects.toBeInstanceOf(DesadvFileError);
    await expect(submitDesadvFile(ctx, actor, { bytes: new Uint8Array(0) })).rejects.toMatchObject({ ediProblems: [{ code: 'empty' }] });
  });

  it('keeps the audit chain intact', async () => {
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    expect(value(tokenize(firstContrl!).segments[0]!, 1, 1)).toBe('UNOC');
  });
});
