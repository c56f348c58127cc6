// The explicit reprocess path of the interchange register, on a real SQLite file (all
// migrations, the demo seed, items and an order from the ERP's own apply functions). A DESADV
// interchange over AS2 with two messages: one against a known order (accepted, lots stored),
// one against an order the ERP has not sent yet (refused, APERAK). An administrator reprocesses
// it: the interchange is rerun (not a repeat), only the refused message is submitted again
// (still refused: APERAK and CONTRL queued again); the order arrives as the ERP event
// purchase_order.created; reprocessed again, the message becomes lots (source 'edifact', the
// lot.submitted event valid against its schema) and a CONTRL is queued; the lots of the message
// accepted the first time are not submitted twice. Each rerun is audited as
// edi.interchange_reprocessed with the reason and the earlier outcome. Duplicate detection
// stays: the same interchange in another AS2 message is a repeat, even when that message is
// run with a reprocess request; a wholly accepted interchange is not reprocessed.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import type { Actor } from '../../shared/auth/actor.ts';
import { applyItemUpserted } from '../../shared/erp/apply-item-upserted.ts';
import { applyPurchaseOrder } from '../../shared/erp/apply-purchase-order.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { addPartner } from '../../shared/edi/partners/add-partner.ts';
import { tokenize } from '../../shared/edifact/tokenize.ts';
import { readEnvelope } from '../../shared/edifact/envelope.ts';
import { encodeInterchange, writeInterchange, type WriteMessage } from '../../shared/edifact/write.ts';
import { submitDesadvFile } from '../../shared/lots/submit-desadv-file.ts';
import { recordInterchange, headerOf } from '../../shared/edi/inbound/record-interchange.ts';
import { toGtin14 } from '../../shared/gs1/gtin.ts';
import { processAs2Payload, reprocessRequestJson, type EdiInboundContext } from '../../shared/edi/inbound/process-as2-payload.ts';
import { reprocessEdiMessage } from '../../shared/edi/message-log/reprocess-edi-message.ts';
import { getEdiMessage } from '../../shared/edi/message-log/get-edi-message.ts';
import { validateEvent } from '../../shared/events/validate-event.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { actorFor } from '../support/actors.ts';
import { desadvMessage, storeInboundEdifact } from '../support/inbound-edifact.ts';
import { demoDatabase } from '../support/demo.ts';

const system = { type: 'system' as const, name: 'edi-reprocess test' };
const gtinA = '0950600088802';
const gtinB = '0950600088819';
const knownPo = '4500077001';
const latePo = '4500077002';
const supplierEdi = ['6901234000007', '14'];

let dir: { dir: string; remove(): void };
let db: Db;
let ctx: EdiInboundContext;
let supplierOrg: string;
let partnerId: string;
let admin: Actor;

/** The AS2 message stored as the receive path stores it, waiting for the EDIFACT engine. */
async function inbound(bytes: Uint8Array, filename: string): Promise<string> {
  const id = await storeInboundEdifact(db, ctx.files, { partnerId, organisationId: supplierOrg, as2From: 'REPRO-AS2', bytes, filename });
  // Answered as the receive path answers (no MDN asked for): the AS2 layer is done with it.
  await db.run("UPDATE as2_messages SET state = 'processed', disposition = 'automatic-action/MDN-sent-automatically; processed' WHERE id = ?", [id]);
  return id;
}

const desadv = desadvMessage;

function interchange(reference: string, messages: WriteMessage[]): Uint8Array {
  const text = writeInterchange({ syntax: ['UNOC', '3'], sender: supplierEdi, recipient: ['4012345000009', '14'], preparedAt: ['260320', '1015'], reference, messages, newline: '\r\n' });
  return encodeInterchange(text, 'UNOC');
}

const count = async (sql: string, args: (string | number)[] = []) => (await db.get<{ n: number }>(sql, args))!.n;

/** The outbound messages queued by the message's latest run, oldest first, with their EDIFACT text. */
async function queuedBy(as2MessageId: string): Promise<{ purpose: string; relates_to_id: string; text: string }[]> {
  const row = (await db.get<{ edifact_result: string }>('SELECT edifact_result FROM as2_messages WHERE id = ?', [as2MessageId]))!;
  const ids = (JSON.parse(row.edifact_result) as { queued: { id: string }[] }).queued.map((q) => q.id);
  const rows = await db.all<{ purpose: string; relates_to_id: string; payload: ArrayBuffer }>(
    'SELECT purpose, relates_to_id, payload FROM as2_outbound_messages WHERE id IN (SELECT value FROM json_each(?)) ORDER BY created_at, rowid',
    [JSON.stringify(ids)],
  );
  return rows.map((r) => ({ purpose: r.purpose, relates_to_id: r.relates_to_id, text: Buffer.from(r.payload).toString('latin1') }));
}

const segmentsOf = (text: string) => readEnvelope(tokenize(text)).messages[0]!.segments.slice(1, -1).map((s) => ({ tag: s.tag, elements: s.elements }));

beforeAll(async () => {
  ({ dir, db, ctx } = await demoDatabase('lotbridge-edi-reprocess-'));
  supplierOrg = (await db.get<{ id: string }>("SELECT id FROM organisations WHERE erp_id = 'V-10001'"))!.id;
  admin = await actorFor(db, 'admin@meridian-medical.example');
  await db.transaction(async (tx) => {
    for (const g of [gtinA, gtinB]) await applyItemUpserted(tx, systemClock, { gtin: g, description: `Item ${g}`, unitOfMeasure: 'EA' });
    await applyPurchaseOrder(tx, systemClock, {
      poNumber: knownPo,
      supplier: { erpId: 'V-10001' },
      status: 'open',
      currency: 'EUR',
      orderDate: '2026-03-01',
      version: 1,
      lines: [{ lineNumber: 1, gtin: gtinA, quantity: 500, unitPrice: '3.85' }],
    });
  });
  partnerId = (await addPartner(ctx, system, { organisationId: supplierOrg, as2Id: 'REPRO-AS2', ediId: supplierEdi.join(':'), options: { requireSigned: false, requireEncrypted: false } })).partner.id;
});

afterAll(() => {
  db?.close();
  dir?.remove();
});

describe('reprocessing a DESADV refused for an order that arrives later', () => {
  const reference = `RP${randomBytes(4).toString('hex').toUpperCase()}`;
  let bytes: Uint8Array;
  let as2Id: string;
  let interchangeId: string;
  let firstLotIds: string[];
  const lotsOf = (lot: string) => db.all<{ id: string; source: string; po_number: string | null }>('SELECT l.id, l.source, po.po_number FROM lots l LEFT JOIN purchase_orders po ON po.id = l.purchase_order_id WHERE l.lot = ?', [lot]);

  it('first run: the message against the known order becomes lots (source edifact), the other is refused with an APERAK', async () => {
    bytes = interchange(reference, [
      desadv('M1', 'DA-RP-1', knownPo, [{ gtin: gtinA, lot: 'RP-A1', quantity: '48', poLine: '1' }]),
      desadv('M2', 'DA-RP-2', latePo, [{ gtin: gtinB, lot: 'RP-B1', quantity: '12', poLine: '1' }]),
    ]);
    as2Id = await inbound(bytes, 'desadv-rp.edi');
    const result = await processAs2Payload(ctx, { as2MessageId: as2Id });
    expect([result.interchanges, result.accepted, result.rejected]).toEqual([1, 1, 0]);
    const register = (await db.get<{ id: string; status: string; repeats: number }>('SELECT id, status, repeats FROM edi_interchanges WHERE control_reference = ?', [reference]))!;
    expect(register).toMatchObject({ status: 'partially_accepted', repeats: 0 });
    interchangeId = register.id;
    const lots = await lotsOf('RP-A1');
    expect(lots).toEqual([{ id: expect.any(String), source: 'edifact', po_number: knownPo }]);
    firstLotIds = lots.map((l) => l.id);
    expect(await lotsOf('RP-B1')).toEqual([]);
    const queued = await queuedBy(as2Id);
    expect(queued.map((q) => q.purpose)).toEqual(['contrl', 'aperak']);
    expect(queued[1]!.text).toContain(latePo);
  });

  it('the lot.submitted event says edifact and is valid against its schema', async () => {
    const e = (await db.get<{ payload: string; aggregate_type: string; aggregate_seq: number; occurred_at: string }>(
      "SELECT payload, aggregate_type, aggregate_seq, occurred_at FROM outbox WHERE event_type = 'lot.submitted' AND aggregate_id = ?",
      [firstLotIds[0]!],
    ))!;
    const body = { type: 'lot.submitted', timestamp: e.occurred_at, data: { ...JSON.parse(e.payload), aggregate: { type: e.aggregate_type, id: firstLotIds[0], sequence: e.aggregate_seq } } };
    expect(validateEvent(body, 'outbound').data).toMatchObject({ source: 'edifact', lot: 'RP-A1' });
  });

  it('the log offers the reprocess: the interchange is in the register but not wholly accepted', async () => {
    const detail = await getEdiMessage(ctx, admin, { id: as2Id });
    expect(detail.direction === 'in' && detail.reprocessRefusal).toBeNull();
  });

  it('reprocessed before the order is there: only the refused message is run again, refused again, CONTRL and APERAK queued again', async () => {
    const outboundBefore = await count('SELECT COUNT(*) AS n FROM as2_outbound_messages');
    const reason = 'checking whether order 4500077002 is in yet (ticket 901)';
    const result = await reprocessEdiMessage(ctx, admin, { id: as2Id, reason });
    expect([result.interchanges, result.accepted, result.rejected]).toEqual([1, 1, 0]);
    const queued = await queuedBy(as2Id);
    expect(queued.map((q) => [q.purpose, q.relates_to_id])).toEqual([
      ['contrl', interchangeId],
      ['aperak', interchangeId],
    ]);
    expect(await count('SELECT COUNT(*) AS n FROM as2_outbound_messages')).toBe(outboundBefore + 2);
    expect(segmentsOf(queued[0]!.text).map((s) => s.tag)).toEqual(['UCI', 'UCM', 'UCM']);
    expect(await lotsOf('RP-A1')).toHaveLength(1);
    const audit = (await db.get<{ actor_name: string; reason: string; old_values: string; new_values: string }>(
      "SELECT actor_name, reason, old_values, new_values FROM audit_log WHERE action = 'edi.interchange_reprocessed' AND entity_id = ?",
      [interchangeId],
    ))!;
    expect(audit.actor_name).toBe(admin.displayName);
    expect(audit.reason).toBe(reason);
    const old = JSON.parse(audit.old_values) as { status: string; acknowledgement: string; messages: { reference: string; status: string; problems: string[]; records: { id: string }[] }[] };
    expect(old.status).toBe('partially_accepted');
    expect(old.acknowledgement).toContain('UCI+');
    expect(old.messages.map((m) => [m.reference, m.status])).toEqual([
      ['M1', 'accepted'],
      ['M2', 'rejected'],
    ]);
    expect(old.messages[0]!.records.map((r) => r.id)).toEqual(firstLotIds);
    expect(JSON.parse(audit.new_values)).toMatchObject({ rerun: ['M2'], kept: ['M1'] });
  });

  it('the order arrives as purchase_order.created; reprocessed, the message becomes lots, a CONTRL is queued, the accepted message is not doubled', async () => {
    const data = { poNumber: latePo, supplier: { erpId: 'V-10001' }, status: 'open', currency: 'EUR', orderDate: '2026-03-19', version: 1, lines: [{ lineNumber: 1, gtin: toGtin14(gtinB), quantity: 100, unitPrice: '1.2345' }] };
    const event = await receiveErpEvent(ctx, { webhookId: `msg_${randomBytes(6).toString('hex')}`, sentAt: Math.floor(Date.now() / 1000), body: { type: 'purchase_order.created', timestamp: new Date().toISOString(), data } });
    expect(event.duplicate).toBe(false);

    const reason = `order ${latePo} received from the ERP`;
    const result = await reprocessEdiMessage(ctx, admin, { id: as2Id, reason });
    expect([result.interchanges, result.accepted, result.rejected]).toEqual([1, 1, 0]);
    expect(await lotsOf('RP-B1')).toEqual([{ id: expect.any(String), source: 'edifact', po_number: latePo }]);
    expect((await lotsOf('RP-A1')).map((l) => l.id)).toEqual(firstLotIds);
    expect(await count("SELECT COUNT(*) AS n FROM outbox WHERE event_type = 'lot.submitted' AND aggregate_id = ?", [firstLotIds[0]!])).toBe(1);

    const queued = await queuedBy(as2Id);
    expect(queued.map((q) => q.purpose)).toEqual(['contrl']);
    expect(segmentsOf(queued[0]!.text)).toEqual([
      { tag: 'UCI', elements: [[reference], supplierEdi, ['4012345000009', '14'], ['7']] },
      { tag: 'UCM', elements: [['M1'], ['DESADV', 'D', '96A', 'UN', 'EAN005'], ['7']] },
      { tag: 'UCM', elements: [['M2'], ['DESADV', 'D', '96A', 'UN', 'EAN005'], ['7']] },
    ]);
    const register = (await db.get<{ status: string; repeats: number; acknowledgement: string }>('SELECT status, repeats, acknowledgement FROM edi_interchanges WHERE id = ?', [interchangeId]))!;
    expect(register).toEqual({ status: 'accepted', repeats: 0, acknowledgement: queued[0]!.text });
    const messages = await db.all<{ message_reference: string; status: string; records: string }>('SELECT message_reference, status, records FROM edi_messages WHERE interchange_id = ? ORDER BY message_reference', [interchangeId]);
    expect(messages.map((m) => [m.message_reference, m.status])).toEqual([
      ['M1', 'accepted'],
      ['M2', 'accepted'],
    ]);
    expect((JSON.parse(messages[0]!.records) as { id: string }[]).map((r) => r.id)).toEqual(firstLotIds);
    const reruns = await db.all<{ reason: string }>("SELECT reason FROM audit_log WHERE action = 'edi.interchange_reprocessed' AND entity_id = ? ORDER BY seq", [interchangeId]);
    expect(reruns.map((r) => r.reason)).toEqual(['checking whether order 4500077002 is in yet (ticket 901)', reason]);
    expect(await count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'edi.interchange_repeated' AND entity_id = ?", [interchangeId])).toBe(0);
  });

  it('a wholly accepted interchange is not reprocessed', async () => {
    await expect(reprocessEdiMessage(ctx, admin, { id: as2Id, reason: 'once more' })).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining(`${reference} (accepted)`) });
  });

  it('duplicate detection stays: the same interchange in another AS2 message is a repeat, reprocess request or not', async () => {
    const lotsBefore = await count('SELECT COUNT(*) AS n FROM lots');
    const again = await inbound(bytes, 'desadv-rp-again.edi');
    const result = await processAs2Payload(ctx, { as2MessageId: again, reprocess: { reason: 'sent again by the partner', by: system } });
    const stored = (await db.get<{ acknowledgement: string; repeats: number }>('SELECT acknowledgement, repeats FROM edi_interchanges WHERE id = ?', [interchangeId]))!;
    expect(result.acknowledgements).toEqual([stored.acknowledgement]);
    expect(stored.repeats).toBe(1);
    expect(await count('SELECT COUNT(*) AS n FROM lots')).toBe(lotsBefore);
    expect(await count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'edi.interchange_reprocessed' AND entity_id = ?", [interchangeId])).toBe(2);
  });

  it('the register reopens only the same interchange with the same bytes, and only with a reason', async () => {
    const unb = tokenize(bytes).segments[0]!;
    const by = { actor: system, organisationId: supplierOrg };
    const input = { bytes, header: headerOf(unb), messageTypes: ['DESADV', 'DESADV'], messageCount: 2 };
    await expect(recordInterchange(ctx, by, input, { reprocessOf: interchangeId, reason: ' ' })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(recordInterchange(ctx, by, { ...input, header: { ...input.header, controlReference: 'OTHER1' } }, { reprocessOf: interchangeId, reason: 'x' })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining(`is ${reference} from ${supplierEdi.join(':')} in the register, not OTHER1`),
    });
    await expect(recordInterchange(ctx, by, { ...input, bytes: new Uint8Array([...bytes, 10]) }, { reprocessOf: interchangeId, reason: 'x' })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('was registered with other bytes'),
    });
    await expect(recordInterchange(ctx, by, input, { reprocessOf: 'edi_missing', reason: 'x' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('a reprocess request left on the waiting message is honoured by whoever runs it (the EDIFACT worker calls processAs2Payload without one)', async () => {
    const ref = `RW${randomBytes(4).toString('hex').toUpperCase()}`;
    const id = await inbound(interchange(ref, [desadv('W1', 'DA-RW-1', '4500077099', [{ gtin: gtinA, lot: 'RW-A1', quantity: '3', poLine: '1' }])]), 'desadv-rw.edi');
    await processAs2Payload(ctx, { as2MessageId: id });
    const registered = (await db.get<{ id: string; status: string }>('SELECT id, status FROM edi_interchanges WHERE control_reference = ?', [ref]))!;
    expect(registered.status).toBe('rejected');
    await db.run("UPDATE as2_messages SET edifact_state = 'waiting', edifact_result = ? WHERE id = ?", [reprocessRequestJson({ reason: 'left for the worker', by: system }), id]);
    const result = await processAs2Payload(ctx, { as2MessageId: id });
    expect([result.interchanges, result.rejected]).toEqual([1, 1]);
    expect(await db.get("SELECT actor_name, reason FROM audit_log WHERE action = 'edi.interchange_reprocessed' AND entity_id = ?", [registered.id])).toEqual({ actor_name: system.name, reason: 'left for the worker' });
    expect((await db.get<{ repeats: number }>('SELECT repeats FROM edi_interchanges WHERE id = ?', [registered.id]))!.repeats).toBe(0);
    expect((await queuedBy(id)).map((q) => q.purpose)).toEqual(['contrl', 'aperak']);
  });

  it('an uploaded DESADV makes lots with source edifact too, and the audit chain holds', async () => {
    const supplier = await actorFor(db, (await db.get<{ email: string }>("SELECT u.email FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.organisation_id = ? AND m.role = 'supplier_user' AND u.password_hash IS NOT NULL LIMIT 1", [supplierOrg]))!.email);
    const file = interchange(`UP${randomBytes(4).toString('hex').toUpperCase()}`, [desadv('U1', 'DA-RP-UP', knownPo, [{ gtin: gtinA, lot: 'RP-UP1', quantity: '5', poLine: '1' }])]);
    const result = await submitDesadvFile(ctx, supplier, { bytes: file, name: 'upload.edi' });
    expect(result.interchanges[0]!.messages[0]!.status).toBe('accepted');
    expect((await lotsOf('RP-UP1')).map((l) => l.source)).toEqual(['edifact']);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });
});
