// From AS2 to records, on a real SQLite file (all migrations, the demo seed, orders and a
// shipment from the ERP's own apply functions): inbound AS2 messages whose EDIFACT payload waits
// are processed in the name of the partner's technical user. DESADV → lots and INVOIC → an
// invoice, each with a CONTRL (UCI 7) queued back over AS2; a DESADV against an unknown order
// → APERAK UNKPO; the same interchange again → the first CONTRL again, nothing twice; an
// interchange whose UNB sender is not the partner → CONTRL 23; ORDRSP, RECADV and ORDERS →
// edi_documents records and events that validate against their schemas; an unsupported type →
// UCM 4 / code 14 and APERAK. The technical user cannot sign in. End to end: the real server,
// OpenSSL as the partner's AS2 software, a signed and encrypted DESADV POSTed to /as2 → after
// the MDN the worker makes the lots and queues the CONTRL in as2_outbound_messages.
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import { fixedClock, systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { applyItemUpserted } from '../../shared/erp/apply-item-upserted.ts';
import { applyPurchaseOrder } from '../../shared/erp/apply-purchase-order.ts';
import { applyShipmentDispatched } from '../../shared/erp/apply-shipment-dispatched.ts';
import { addPartner } from '../../shared/edi/partners/add-partner.ts';
import { ensureAs2Identity } from '../../shared/edi/identity/ensure-as2-identity.ts';
import { getAs2Identity } from '../../shared/edi/identity/get-as2-identity.ts';
import { partnerSystemActor, partnerSystemEmail } from '../../shared/edi/partners/partner-system-user.ts';
import { signInWithPassword } from '../../shared/auth/sign-in-with-password.ts';
import { findSignInUser } from '../../shared/auth/find-sign-in-user.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { validateEvent } from '../../shared/events/validate-event.ts';
import { tokenize } from '../../shared/edifact/tokenize.ts';
import { readEnvelope } from '../../shared/edifact/envelope.ts';
import { encodeInterchange, writeInterchange, type WriteMessage } from '../../shared/edifact/write.ts';
import { processAs2Payload, type EdiInboundContext } from '../../shared/edi/inbound/process-as2-payload.ts';
import { createEdifactWorker } from '../../shared/edi/inbound/edifact-worker.ts';
import { deliverDueMdns } from '../../shared/edi/messages/async-mdn-sender.ts';
import { heldReceiver } from '../support/held-receiver.ts';
import { createLogger } from '../../shared/log.ts';
import { makeTestPki, OpensslDir } from '../support/openssl.ts';
import { tempDir, type RunningServer } from '../support/server.ts';
import { openServerDb, startBuiltServer } from '../support/portal.ts';
import { desadvMessage, inboundGtins, inboundWorld, invoicMessage, storeInboundEdifact } from '../support/inbound-edifact.ts';
import { actorFor } from '../support/actors.ts';
import { getEdiMessage } from '../../shared/edi/message-log/get-edi-message.ts';

const fixtures = join(import.meta.dirname, '../fixtures/edifact');
const system = { type: 'system' as const, name: 'edi-inbound test' };
// GTIN-13s with their check digits; stored as GTIN-14.
const { a: gtinA, b: gtinB } = inboundGtins;
const po = '4500088001';
const supplierEdi = ['6901234000001', '14'];
const distributorEdi = ['5400110000009', '14'];

let dir: { dir: string; remove(): void };
let db: Db;
let ctx: EdiInboundContext;
let supplierPartner: string;
let distributorPartner: string;
let icSeq = 0;

/** A payload stored as the receive path stores it, waiting for the EDIFACT engine. */
const inbound = (partnerId: string, organisationId: string, bytes: Uint8Array, filename?: string) =>
  storeInboundEdifact(db, ctx.files, { partnerId, organisationId, as2From: partnerId, bytes, filename });

function interchange(messages: WriteMessage[], sender = supplierEdi, reference = `IN${Date.now().toString(36).toUpperCase()}${++icSeq}`): { bytes: Uint8Array; reference: string } {
  const text = writeInterchange({ syntax: ['UNOC', '3'], sender, recipient: ['4012345000009', '14'], preparedAt: ['260320', '1015'], reference, messages, newline: '\r\n' });
  return { bytes: encodeInterchange(text, 'UNOC'), reference };
}

const desadv = (reference: string, number: string, lines: { gtin: string; lot: string; quantity: string; poLine: string }[], order = po) =>
  desadvMessage(reference, number, order, lines);

const invoic = (reference: string, number: string) => invoicMessage(reference, number, po, supplierEdi[0]!);

/** The segments of a CONTRL or APERAK between UNH and UNT, as tag + elements. */
function segmentsOf(text: string): { tag: string; elements: string[][] }[] {
  return readEnvelope(tokenize(text)).messages[0]!.segments.slice(1, -1).map((s) => ({ tag: s.tag, elements: s.elements }));
}

interface Queued {
  id: string;
  partner_id: string;
  purpose: string;
  content_type: string;
  filename: string;
  relates_to_type: string;
  relates_to_id: string;
  text: string;
}

async function queuedFor(as2MessageId: string): Promise<Queued[]> {
  const row = (await db.get<{ edifact_result: string }>('SELECT edifact_result FROM as2_messages WHERE id = ?', [as2MessageId]))!;
  const ids = (JSON.parse(row.edifact_result) as { queued: { id: string }[] }).queued.map((q) => q.id);
  const rows = await db.all<Omit<Queued, 'text'> & { payload: ArrayBuffer }>(
    `SELECT id, partner_id, purpose, content_type, filename, relates_to_type, relates_to_id, payload FROM as2_outbound_messages WHERE id IN (SELECT value FROM json_each(?)) ORDER BY created_at, rowid`,
    [JSON.stringify(ids)],
  );
  return rows.map(({ payload, ...r }) => ({ ...r, text: Buffer.from(payload).toString('latin1') }));
}

const count = async (sql: string, args: (string | number)[] = []) => (await db.get<{ n: number }>(sql, args))!.n;

/** The outbox event of a record as the ERP receives it, validated against its schema. */
async function deliveredEvent(type: string, aggregateId: string) {
  const e = (await db.get<{ payload: string; aggregate_type: string; aggregate_seq: number; occurred_at: string }>(
    'SELECT payload, aggregate_type, aggregate_seq, occurred_at FROM outbox WHERE event_type = ? AND aggregate_id = ?',
    [type, aggregateId],
  ))!;
  const body = { type, timestamp: e.occurred_at, data: { ...JSON.parse(e.payload), aggregate: { type: e.aggregate_type, id: aggregateId, sequence: e.aggregate_seq } } };
  return validateEvent(body, 'outbound').data;
}

let supplierOrg: string;
let distributorOrg: string;

beforeAll(async () => {
  ({ dir, db, ctx, supplierOrg, distributorOrg } = await inboundWorld('lotbridge-edi-inbound-', po));
  await db.transaction(async (tx) => {
    await applyShipmentDispatched(tx, systemClock, {
      shipmentNumber: 'SH-EDI-0001',
      distributor: { erpId: 'C-20001' },
      dispatchedAt: '2026-03-02T15:42:00Z',
      lines: [
        { gtin: gtinA, lot: 'L-A1', quantity: 120 },
        { gtin: gtinB, lot: 'L-B1', quantity: 2 },
      ],
    });
  });
  const plain = { requireSigned: false, requireEncrypted: false };
  supplierPartner = (await addPartner(ctx, system, { organisationId: supplierOrg, as2Id: 'SUZHOU-AS2', ediId: supplierEdi.join(':'), options: plain })).partner.id;
  distributorPartner = (await addPartner(ctx, system, { organisationId: distributorOrg, as2Id: 'RHEIN-AS2', ediId: distributorEdi.join(':'), options: plain })).partner.id;
});

afterAll(() => {
  db?.close();
  dir?.remove();
});

describe("the partner's technical user", () => {
  it('is made on first use: a member of the partner organisation in its role, named "EDI <AS2 id>", the same user ever after', async () => {
    const first = await db.transaction((tx) => partnerSystemActor(tx, systemClock, supplierPartner));
    const again = await db.transaction((tx) => partnerSystemActor(tx, systemClock, supplierPartner));
    expect(again.userId).toBe(first.userId);
    expect(first).toMatchObject({ email: partnerSystemEmail(supplierPartner), displayName: 'EDI SUZHOU-AS2', organisationId: supplierOrg, organisationKind: 'supplier', role: 'supplier_user' });
    const distributor = await db.transaction((tx) => partnerSystemActor(tx, systemClock, distributorPartner));
    expect(distributor).toMatchObject({ displayName: 'EDI RHEIN-AS2', organisationId: distributorOrg, role: 'distributor_user' });
    expect(await count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'user.created' AND entity_id = ?", [first.userId])).toBe(1);
  });

  it('cannot sign in: no password hash, no passkey; password sign-in refuses it as it refuses a wrong password [REQ-P11-ESIG-04]', async () => {
    const email = partnerSystemEmail(supplierPartner);
    const user = (await findSignInUser(db, { email }))!;
    expect(user.password_hash).toBeNull();
    expect(await count('SELECT COUNT(*) AS n FROM passkey_credentials WHERE user_id = ?', [user.id])).toBe(0);
    for (const password of ['', 'anything at all', 'EDI SUZHOU-AS2']) {
      await expect(signInWithPassword(ctx, { email, password })).rejects.toMatchObject({ code: password ? 'invalid_credentials' : 'invalid_input' });
    }
    expect(await count('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?', [user.id])).toBe(0);
  });
});

describe('DESADV and INVOIC over AS2', () => {
  let desadvBytes: Uint8Array;
  let desadvReference: string;
  let firstContrl: string;

  it('DESADV → lots made by the technical user; a CONTRL (UCI 7, UCM 7) queued back to the partner over AS2 [REQ-EDI-CONTRL-01]', async () => {
    const ic = interchange([desadv('M1', 'DA-EDI-1', [{ gtin: gtinA, lot: 'EDI-A1', quantity: '48', poLine: '1' }, { gtin: gtinB, lot: 'EDI-B1', quantity: '2', poLine: '2' }])]);
    desadvBytes = ic.bytes;
    desadvReference = ic.reference;
    const id = await inbound(supplierPartner, supplierOrg, ic.bytes, 'desadv.edi');
    const result = await processAs2Payload(ctx, { as2MessageId: id });
    expect([result.interchanges, result.accepted, result.rejected, result.acknowledgements.length]).toEqual([1, 1, 0, 1]);
    firstContrl = result.acknowledgements[0]!;

    const technical = (await findSignInUser(db, { email: partnerSystemEmail(supplierPartner) }))!;
    const lots = await db.all<{ lot: string; submitted_by: string; organisation_id: string; quantity: number }>("SELECT lot, submitted_by, organisation_id, quantity FROM lots WHERE lot LIKE 'EDI-%' ORDER BY lot");
    expect(lots).toEqual([
      { lot: 'EDI-A1', submitted_by: technical.id, organisation_id: supplierOrg, quantity: 48 },
      { lot: 'EDI-B1', submitted_by: technical.id, organisation_id: supplierOrg, quantity: 2 },
    ]);
    const audit = await db.all<{ actor_name: string }>("SELECT actor_name FROM audit_log WHERE action = 'lot.submitted' AND actor_id = ?", [technical.id]);
    expect(audit.map((a) => a.actor_name)).toEqual(['EDI SUZHOU-AS2', 'EDI SUZHOU-AS2']);

    const queued = await queuedFor(id);
    expect(queued.map((q) => [q.purpose, q.partner_id, q.content_type, q.relates_to_type])).toEqual([['contrl', supplierPartner, 'application/EDIFACT', 'edi_interchange']]);
    expect(queued[0]!.text).toBe(firstContrl);
    const contrl = readEnvelope(tokenize(firstContrl));
    expect([contrl.sender, contrl.recipient, contrl.messages[0]!.type]).toEqual(['4012345000009', supplierEdi[0], 'CONTRL']);
    expect(segmentsOf(firstContrl)).toEqual([
      { tag: 'UCI', elements: [[ic.reference], supplierEdi, ['4012345000009', '14'], ['7']] },
      { tag: 'UCM', elements: [['M1'], ['DESADV', 'D', '96A', 'UN', 'EAN005'], ['7']] },
    ]);
    const row = (await db.get<{ edifact_state: string }>('SELECT edifact_state FROM as2_messages WHERE id = ?', [id]))!;
    expect(row.edifact_state).toBe('processed');
    const register = (await db.get<{ status: string; as2_message_id: string; received_by: string }>('SELECT status, as2_message_id, received_by FROM edi_interchanges WHERE control_reference = ?', [ic.reference]))!;
    expect(register).toEqual({ status: 'accepted', as2_message_id: `${id}@partner.example`, received_by: technical.id });
  });

  it('processing the same AS2 message again returns what was done: nothing stored or queued twice', async () => {
    const id = (await db.get<{ id: string }>("SELECT id FROM as2_messages WHERE subject = 'desadv.edi'"))!.id;
    const before = await count('SELECT COUNT(*) AS n FROM as2_outbound_messages');
    const again = await processAs2Payload(ctx, { as2MessageId: id });
    expect(again.acknowledgements).toEqual([firstContrl]);
    expect(await count('SELECT COUNT(*) AS n FROM as2_outbound_messages')).toBe(before);
    expect(await count("SELECT COUNT(*) AS n FROM lots WHERE lot LIKE 'EDI-%'")).toBe(2);
  });

  it('the same interchange in a new AS2 message: the first CONTRL is queued again, nothing processed twice', async () => {
    const id = await inbound(supplierPartner, supplierOrg, desadvBytes, 'desadv-again.edi');
    const result = await processAs2Payload(ctx, { as2MessageId: id });
    expect(result.acknowledgements).toEqual([firstContrl]);
    expect((await queuedFor(id)).map((q) => [q.purpose, q.text])).toEqual([['contrl', firstContrl]]);
    expect(await count("SELECT COUNT(*) AS n FROM lots WHERE lot LIKE 'EDI-%'")).toBe(2);
    expect(await count('SELECT repeats AS n FROM edi_interchanges WHERE control_reference = ?', [desadvReference])).toBe(1);
  });

  it('INVOIC → an invoice of the supplier, submitted by the technical user, acknowledged by CONTRL', async () => {
    const ic = interchange([invoic('I1', 'INV-EDI-1')]);
    const id = await inbound(supplierPartner, supplierOrg, ic.bytes, 'invoic.edi');
    const result = await processAs2Payload(ctx, { as2MessageId: id });
    expect([result.accepted, result.rejected]).toEqual([1, 0]);
    const invoice = (await db.get<{ id: string; organisation_id: string; submitted_by: string }>("SELECT id, organisation_id, submitted_by FROM invoices WHERE invoice_number = 'INV-EDI-1'"))!;
    const technical = (await findSignInUser(db, { email: partnerSystemEmail(supplierPartner) }))!;
    expect([invoice.organisation_id, invoice.submitted_by]).toEqual([supplierOrg, technical.id]);
    const audit = (await db.get<{ new_values: string }>("SELECT new_values FROM audit_log WHERE action = 'invoice.submitted' AND entity_id = ?", [invoice.id]))!;
    expect(JSON.parse(audit.new_values)).toMatchObject({ source: 'edifact', sourceDetail: { interchange: ic.reference, message: 'I1', as2MessageId: `${id}@partner.example` } });
    const queued = await queuedFor(id);
    expect(queued.map((q) => q.purpose)).toEqual(['contrl']);
    expect(segmentsOf(queued[0]!.text)).toEqual([
      { tag: 'UCI', elements: [[ic.reference], supplierEdi, ['4012345000009', '14'], ['7']] },
      { tag: 'UCM', elements: [['I1'], ['INVOIC', 'D', '96A', 'UN', 'EAN008'], ['7']] },
    ]);
  });

  it('a DESADV against an unknown order: CONTRL acknowledges the syntax, an APERAK (UNKPO, with the segment) refuses it; the good message is stored [REQ-EDI-APERAK-01]', async () => {
    const ic = interchange([
      desadv('G1', 'DA-EDI-2', [{ gtin: gtinA, lot: 'EDI-A2', quantity: '5', poLine: '1' }]),
      desadv('B1', 'DA-EDI-3', [{ gtin: gtinA, lot: 'EDI-A3', quantity: '5', poLine: '1' }], '4500000404'),
    ]);
    const id = await inbound(supplierPartner, supplierOrg, ic.bytes);
    const result = await processAs2Payload(ctx, { as2MessageId: id });
    expect([result.accepted, result.rejected]).toEqual([1, 0]);
    expect(await db.all("SELECT lot FROM lots WHERE lot IN ('EDI-A2', 'EDI-A3')")).toEqual([{ lot: 'EDI-A2' }]);
    const queued = await queuedFor(id);
    expect(queued.map((q) => q.purpose)).toEqual(['contrl', 'aperak']);
    expect(segmentsOf(queued[0]!.text).map((s) => [s.tag, s.elements[0]![0], s.elements.at(-1)![0]])).toEqual([
      ['UCI', ic.reference, '7'],
      ['UCM', 'G1', '7'],
      ['UCM', 'B1', '7'],
    ]);
    const aperak = segmentsOf(queued[1]!.text);
    expect(aperak.find((s) => s.tag === 'BGM')!.elements[2]).toEqual(['27']);
    expect(aperak.filter((s) => s.tag === 'RFF').map((s) => s.elements[0])).toEqual([['ACW', 'B1'], ['DM', 'DA-EDI-3'], ['ON', '4500000404']]);
    expect(aperak.find((s) => s.tag === 'ERC')!.elements[0]).toEqual(['UNKPO', '', 'ZZZ']);
    // The FTX names the segment the order number was read from.
    expect(aperak.find((s) => s.tag === 'FTX')!.elements[3]!.join('')).toMatch(/^segment \d+ \(RFF\).*Not one of your purchase orders/);
    const message = (await db.get<{ status: string; aperak: string }>("SELECT m.status, m.aperak FROM edi_messages m JOIN edi_interchanges i ON i.id = m.interchange_id WHERE i.control_reference = ? AND m.message_reference = 'B1'", [ic.reference]))!;
    expect([message.status, message.aperak]).toEqual(['rejected', queued[1]!.text]);
  });

  it('a message type we do not take: UCM rejected with code 14 and an APERAK (MSGTYPE)', async () => {
    const ic = interchange([{ reference: 'T1', type: ['IFTSTA', 'D', '96A', 'UN', 'EAN002'], segments: [{ tag: 'BGM', elements: [['77'], 'ST-1', '9'] }] }]);
    const id = await inbound(supplierPartner, supplierOrg, ic.bytes);
    const result = await processAs2Payload(ctx, { as2MessageId: id });
    expect([result.accepted, result.rejected]).toEqual([0, 1]);
    const queued = await queuedFor(id);
    expect(queued.map((q) => q.purpose)).toEqual(['contrl', 'aperak']);
    expect(segmentsOf(queued[0]!.text)[1]).toEqual({ tag: 'UCM', elements: [['T1'], ['IFTSTA', 'D', '96A', 'UN', 'EAN002'], ['4'], ['14'], ['UNH'], ['2', '1']] });
    expect(segmentsOf(queued[1]!.text).find((s) => s.tag === 'ERC')!.elements[0]![0]).toBe('MSGTYPE');
    expect(await db.get("SELECT m.status FROM edi_messages m JOIN edi_interchanges i ON i.id = m.interchange_id WHERE i.control_reference = ?", [ic.reference])).toEqual({ status: 'unsupported' });
  });

  it('an interchange whose UNB sender is not the partner: CONTRL 23 (unknown sender), nothing recorded under that sender [REQ-EDI-SENDER-01]', async () => {
    // A distributor's real ORDERS (staedi sample), sent over the supplier's AS2 connection.
    const bytes = readFileSync(join(fixtures, 'staedi_orders_d96b_ean008_with_ung.edi'));
    const id = await inbound(supplierPartner, supplierOrg, bytes);
    const result = await processAs2Payload(ctx, { as2MessageId: id });
    expect([result.interchanges, result.accepted, result.rejected]).toEqual([1, 0, 1]);
    const queued = await queuedFor(id);
    expect(queued.map((q) => [q.purpose, q.relates_to_type, q.relates_to_id])).toEqual([['contrl', 'as2_message', id]]);
    expect(segmentsOf(queued[0]!.text)).toEqual([{ tag: 'UCI', elements: [['2722166169492'], distributorEdi, ['5013546107732', '14'], ['4'], ['23'], ['UNB'], ['2', '1']] }]);
    expect(await count("SELECT COUNT(*) AS n FROM edi_interchanges WHERE control_reference = '2722166169492'")).toBe(0);
    const audit = (await db.get<{ reason: string }>("SELECT reason FROM audit_log WHERE action = 'edi.interchange_refused' AND entity_id = ?", [id]))!;
    expect(audit.reason).toBe('interchange sender 5400110000009:14 is not the EDI id of AS2 partner "SUZHOU-AS2" (6901234000001:14): the interchange is refused');
  });

  it('a syntax fault: CONTRL rejects the interchange with the segment and element [REQ-EDI-CONTRL-01]', async () => {
    const text = new TextDecoder('latin1').decode(interchange([desadv('S1', 'DA-EDI-4', [{ gtin: gtinA, lot: 'EDI-A4', quantity: '1', poLine: '1' }])]).bytes).replace(/UNT\+\d+/, 'UNT+99');
    const id = await inbound(supplierPartner, supplierOrg, encodeInterchange(text, 'UNOC'));
    const result = await processAs2Payload(ctx, { as2MessageId: id });
    expect([result.accepted, result.rejected]).toEqual([0, 1]);
    const contrl = segmentsOf(result.acknowledgements[0]!);
    expect(contrl[0]!.elements[3]).toEqual(['4']);
    // The UNT's own count is wrong: named on the UCM (code 29, UNT, element 1).
    expect(contrl[1]).toEqual({ tag: 'UCM', elements: [['S1'], ['DESADV', 'D', '96A', 'UN', 'EAN005'], ['4'], ['29'], ['UNT'], ['1', '1']] });
    expect(await count("SELECT COUNT(*) AS n FROM lots WHERE lot = 'EDI-A4'")).toBe(0);
  });
});

describe('a release character before an ordinary character (issue 11)', () => {
  it('a DESADV with an over-escaped decimal comma ("?,") in free text and quantity: accepted, lots made, the warning kept with the interchange and shown by the log', async () => {
    const m = desadv('W1', 'DA-EDI-W', [{ gtin: gtinA, lot: 'EDI-W1', quantity: '3,0', poLine: '1' }]);
    m.segments.splice(2, 0, { tag: 'FTX', elements: ['AAI', '', '', 'PALLET 1,5 M'] });
    // As partners' software writes it: the comma (not a separator here) released all the same.
    const text = new TextDecoder('latin1').decode(interchange([m]).bytes).replace('PALLET 1,5 M', 'PALLET 1?,5 M').replace("QTY+12:3,0'", "QTY+12:3?,0'");
    expect(text).toContain("QTY+12:3?,0'");
    const id = await inbound(supplierPartner, supplierOrg, encodeInterchange(text, 'UNOC'));
    const result = await processAs2Payload(ctx, { as2MessageId: id });
    expect([result.accepted, result.rejected]).toEqual([1, 0]);
    expect(segmentsOf(result.acknowledgements[0]!)[0]!.elements[3]).toEqual(['7']);
    expect(await db.all<{ quantity: number }>("SELECT quantity FROM lots WHERE lot = 'EDI-W1'")).toEqual([{ quantity: 3 }]);
    const row = (await db.get<{ status: string; problems: string }>("SELECT ei.status, ei.problems FROM edi_interchanges ei JOIN as2_messages a ON ei.as2_message_id = a.message_id WHERE a.id = ?", [id]))!;
    const warnings = (JSON.parse(row.problems) as { code: string; severity: string; tag: string; element: number; component: number; messageReference: string }[]).map((w) => [w.code, w.severity, w.tag, w.element, w.component, w.messageReference]);
    expect([row.status, warnings]).toEqual([
      'accepted',
      [
        ['releasedOrdinary', 'warning', 'FTX', 4, 1, 'W1'],
        ['releasedOrdinary', 'warning', 'QTY', 1, 2, 'W1'],
      ],
    ]);
    const detail = await getEdiMessage(ctx, await actorFor(db, 'admin@meridian-medical.example'), { id });
    expect(detail.direction === 'in' && detail.interchanges.flatMap((ic) => ic.problems.map((p) => [p.code, p.severity]))).toEqual([
      ['releasedOrdinary', 'warning'],
      ['releasedOrdinary', 'warning'],
    ]);
  });
});

describe('an interchange whose UNA makes NUL the release character (issue 11)', () => {
  it('is refused with a CONTRL that our own strict reader reads back, naming the ids without the NULs', async () => {
    // "\0\0" in the recipient is a released release character: the id read holds a raw NUL.
    // The UNT count is wrong, so the interchange is refused and the CONTRL copies that id.
    const text = `UNA:+.\u0000 'UNB+UNOC:3+${supplierEdi.join(':')}+40123\u0000\u000045000009:14+260320:1015+NUL1'UNH+1+DESADV:D:96A:UN'UNT+9+1'UNZ+1+NUL1'`;
    const id = await inbound(supplierPartner, supplierOrg, new TextEncoder().encode(text));
    const result = await processAs2Payload(ctx, { as2MessageId: id });
    expect([result.accepted, result.rejected]).toEqual([0, 1]);
    const contrl = tokenize(result.acknowledgements[0]!, { mode: 'strict' });
    const env = readEnvelope(contrl);
    expect([env.sender, env.senderQualifier, env.recipient, env.recipientQualifier, env.messages[0]!.type]).toEqual(['4012345000009', '14', supplierEdi[0], '14', 'CONTRL']);
    expect(segmentsOf(result.acknowledgements[0]!)[0]!.elements.slice(0, 4)).toEqual([['NUL1'], supplierEdi, ['4012345000009', '14'], ['4']]);
  });
});

describe('ORDRSP, RECADV and ORDERS → records and events', () => {
  it('ORDRSP (our sample): a purchase order response record and purchase_order.responded, valid against its schema', async () => {
    const id = await inbound(supplierPartner, supplierOrg, readFileSync(join(fixtures, 'lotbridge/lotbridge_ordrsp_d96a_changed.edi')), 'ordrsp.edi');
    const result = await processAs2Payload(ctx, { as2MessageId: id });
    expect([result.accepted, result.rejected]).toEqual([1, 0]);
    const doc = (await db.get<{ id: string; kind: string; status: string; refers_to_type: string; document_number: string; received_by: string; source: string; refers_to_version: number }>(
      "SELECT id, kind, status, refers_to_type, document_number, received_by, source, refers_to_version FROM edi_documents WHERE document_number = 'RSP-0001'",
    ))!;
    expect(doc).toMatchObject({ kind: 'purchase_order_response', status: 'changed', refers_to_type: 'purchase_order', source: 'edifact', refers_to_version: 1 });
    const data = await deliveredEvent('purchase_order.responded', doc.id);
    expect(data).toMatchObject({
      responseNumber: 'RSP-0001',
      responseDate: '2026-03-21',
      purchaseOrder: { poNumber: po },
      status: 'changed',
      // The same use case as the portal's order page: the same record and event, with its source.
      source: 'edifact',
      note: null,
      supplier: { organisationId: supplierOrg, erpId: 'V-10001' },
      lines: [
        { lineNumber: 1, gtin: `0${gtinA}`, status: 'accepted', quantity: '500', deliveryDate: '2026-04-02' },
        { lineNumber: 2, gtin: `0${gtinB}`, status: 'changed', quantity: '150', deliveryDate: '2026-04-16' },
      ],
    });
  });

  it('an ORDRSP naming a line not on the order: APERAK UNKPOLIN with the LIN segment', async () => {
    const text = readFileSync(join(fixtures, 'lotbridge/lotbridge_ordrsp_d96a_changed.edi'), 'latin1').replace(/ORSP0001/g, 'ORSP0002').replace('RSP-0001', 'RSP-0002').replace('LIN+2+3', 'LIN+7+3');
    const id = await inbound(supplierPartner, supplierOrg, Buffer.from(text, 'latin1'));
    const result = await processAs2Payload(ctx, { as2MessageId: id });
    expect([result.accepted, result.rejected]).toEqual([0, 1]);
    const aperak = segmentsOf((await queuedFor(id))[1]!.text);
    expect(aperak.find((s) => s.tag === 'ERC')!.elements[0]![0]).toBe('UNKPOLIN');
    expect(aperak.find((s) => s.tag === 'FTX')!.elements[3]!.join('')).toBe('segment 10 (LIN), element 1: line 7 is not a line of purchase order 4500088001');
    expect(await count("SELECT COUNT(*) AS n FROM edi_documents WHERE document_number = 'RSP-0002'")).toBe(0);
  });

  it('RECADV (our sample) from the distributor: a receiving advice with its discrepancy and shipment.received', async () => {
    const id = await inbound(distributorPartner, distributorOrg, readFileSync(join(fixtures, 'lotbridge/lotbridge_recadv_d96a_short.edi')), 'recadv.edi');
    const result = await processAs2Payload(ctx, { as2MessageId: id });
    expect([result.accepted, result.rejected]).toEqual([1, 0]);
    const doc = (await db.get<{ id: string; status: string; received_by: string }>("SELECT id, status, received_by FROM edi_documents WHERE kind = 'receiving_advice' AND document_number = 'RA-0001'"))!;
    expect(doc.status).toBe('discrepancies');
    const technical = (await findSignInUser(db, { email: partnerSystemEmail(distributorPartner) }))!;
    expect(doc.received_by).toBe(technical.id);
    const data = await deliveredEvent('shipment.received', doc.id);
    expect(data).toMatchObject({
      adviceNumber: 'RA-0001',
      receivedOn: '2026-03-04',
      shipment: { shipmentNumber: 'SH-EDI-0001' },
      distributor: { organisationId: distributorOrg, erpId: 'C-20001' },
      status: 'discrepancies',
      lines: [
        { lineNumber: 1, gtin: `0${gtinA}`, lot: 'L-A1', quantityShipped: 120, quantityReceived: 120, quantityAccepted: 120, discrepancies: [] },
        { lineNumber: 2, gtin: `0${gtinB}`, lot: 'L-B1', quantityShipped: 2, quantityReceived: 1, quantityAccepted: 1, discrepancies: ['short'] },
      ],
    });
    // CONTRL to the distributor, not the supplier.
    expect((await queuedFor(id)).map((q) => [q.purpose, q.partner_id])).toEqual([['contrl', distributorPartner]]);
  });

  it('ORDERS (our sample) from the distributor: a sales order record and sales_order.received, valid against its schema', async () => {
    const id = await inbound(distributorPartner, distributorOrg, readFileSync(join(fixtures, 'lotbridge/lotbridge_orders_d96a_distributor.edi')), 'orders.edi');
    const result = await processAs2Payload(ctx, { as2MessageId: id });
    expect([result.accepted, result.rejected]).toEqual([1, 0]);
    const doc = (await db.get<{ id: string; kind: string; organisation_id: string }>("SELECT id, kind, organisation_id FROM edi_documents WHERE document_number = 'PO-RHM-55012'"))!;
    expect([doc.kind, doc.organisation_id]).toEqual(['sales_order', distributorOrg]);
    const data = await deliveredEvent('sales_order.received', doc.id);
    expect(data).toMatchObject({
      orderNumber: 'PO-RHM-55012',
      orderDate: '2026-03-10',
      deliveryDate: '2026-03-24',
      distributor: { organisationId: distributorOrg, erpId: 'C-20001' },
      lines: [
        { lineNumber: 1, gtin: `0${gtinA}`, quantity: 240, unitPrice: '6.90' },
        { lineNumber: 2, gtin: `0${gtinB}`, quantity: 50, unitPrice: null },
      ],
    });
  });

  it('the same ORDERS document number in a new interchange: APERAK naming the BGM, no second record', async () => {
    const text = readFileSync(join(fixtures, 'lotbridge/lotbridge_orders_d96a_distributor.edi'), 'latin1').replace(/ORD0001/g, 'ORD0002');
    const id = await inbound(distributorPartner, distributorOrg, Buffer.from(text, 'latin1'));
    const result = await processAs2Payload(ctx, { as2MessageId: id });
    expect([result.accepted, result.rejected]).toEqual([0, 1]);
    const ftx = segmentsOf((await queuedFor(id))[1]!.text).find((s) => s.tag === 'FTX')!;
    expect(ftx.elements[3]!.join('')).toMatch(/^segment 2 \(BGM\), element 2, component 1: document PO-RHM-55012 was received before/);
    expect(await count("SELECT COUNT(*) AS n FROM edi_documents WHERE document_number = 'PO-RHM-55012'")).toBe(1);
  });

  it('the staedi ORDERS sample (UNG group) from the distributor: refused by CONTRL, its UNT counts 21 segments of 18 (UCF + UCM 29)', async () => {
    const id = await inbound(distributorPartner, distributorOrg, readFileSync(join(fixtures, 'staedi_orders_d96b_ean008_with_ung.edi')));
    const result = await processAs2Payload(ctx, { as2MessageId: id });
    expect([result.accepted, result.rejected]).toEqual([0, 1]);
    expect(segmentsOf(result.acknowledgements[0]!)).toEqual([
      { tag: 'UCI', elements: [['2722166169492'], distributorEdi, ['5013546107732', '14'], ['4'], ['29']] },
      { tag: 'UCF', elements: [['1'], distributorEdi, ['5013546107732', '14'], ['4']] },
      { tag: 'UCM', elements: [['1'], ['ORDERS', 'D', '96B', 'UN', 'EAN008B'], ['4'], ['29'], ['UNT'], ['1', '1']] },
    ]);
    expect(await count("SELECT COUNT(*) AS n FROM edi_documents WHERE document_number = 'C1441747'")).toBe(0);
  });

  it('a supplier may not send a RECADV: refused by APERAK (NOTAUTH), nothing recorded [REQ-EDI-APERAK-01]', async () => {
    const text = readFileSync(join(fixtures, 'lotbridge/lotbridge_recadv_d96a_short.edi'), 'latin1').replace(/5400110000009:14\+4012345000009/, '6901234000001:14+4012345000009').replace(/RCV0001/g, 'RCV0009');
    const id = await inbound(supplierPartner, supplierOrg, Buffer.from(text, 'latin1'));
    const result = await processAs2Payload(ctx, { as2MessageId: id });
    expect([result.accepted, result.rejected]).toEqual([0, 1]);
    expect(segmentsOf((await queuedFor(id))[1]!.text).find((s) => s.tag === 'ERC')!.elements[0]![0]).toBe('NOTAUTH');
  });

  it('the worker takes waiting messages oldest first, and the audit chain holds', async () => {
    const a = await inbound(supplierPartner, supplierOrg, interchange([desadv('W1', 'DA-EDI-W1', [{ gtin: gtinA, lot: 'EDI-W1', quantity: '1', poLine: '1' }])]).bytes);
    const b = await inbound(supplierPartner, supplierOrg, interchange([desadv('W2', 'DA-EDI-W2', [{ gtin: gtinA, lot: 'EDI-W2', quantity: '1', poLine: '1' }])]).bytes);
    const worker = createEdifactWorker({ ctx, log: createLogger('error') });
    expect(await worker.drain()).toBe(2);
    const states = await db.all<{ id: string; edifact_state: string }>('SELECT id, edifact_state FROM as2_messages WHERE id IN (?, ?) ORDER BY received_at', [a, b]);
    expect(states).toEqual([{ id: a, edifact_state: 'processed' }, { id: b, edifact_state: 'processed' }]);
    const lots = await db.all<{ lot: string }>("SELECT lot FROM lots WHERE lot IN ('EDI-W1', 'EDI-W2') ORDER BY submitted_at, rowid");
    expect(lots.map((l) => l.lot)).toEqual(['EDI-W1', 'EDI-W2']);
    expect(await count("SELECT COUNT(*) AS n FROM as2_messages WHERE edifact_state = 'waiting'")).toBe(0);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });
});

describe('a payload that cannot be processed', () => {
  it('is marked failed after the worker\'s attempts, with the reason naming the missing file; the other waiting messages go on', async () => {
    const broken = await inbound(supplierPartner, supplierOrg, interchange([desadv('X1', 'DA-EDI-X1', [{ gtin: gtinA, lot: 'EDI-X1', quantity: '1', poLine: '1' }])]).bytes);
    const key = (await db.get<{ payload_storage_key: string }>('SELECT payload_storage_key FROM as2_messages WHERE id = ?', [broken]))!.payload_storage_key;
    rmSync(join(dir.dir, key));
    const fine = await inbound(supplierPartner, supplierOrg, interchange([desadv('X2', 'DA-EDI-X2', [{ gtin: gtinA, lot: 'EDI-X2', quantity: '1', poLine: '1' }])]).bytes);
    const worker = createEdifactWorker({ ctx, log: createLogger('error', {}, () => undefined), maxAttempts: 2 });
    expect(await worker.drain()).toBe(1);
    expect((await db.get<{ edifact_state: string }>('SELECT edifact_state FROM as2_messages WHERE id = ?', [broken]))!.edifact_state).toBe('waiting');
    expect(await worker.drain()).toBe(0);
    const row = (await db.get<{ edifact_state: string; edifact_result: string; message_id: string }>('SELECT edifact_state, edifact_result, message_id FROM as2_messages WHERE id = ?', [broken]))!;
    expect(row.edifact_state).toBe('failed');
    expect(JSON.parse(row.edifact_result).error).toBe(`processing failed 2 times: the payload of AS2 message ${row.message_id} cannot be read: no stored file "${key}" in the local folder ${dir.dir}`);
    expect((await db.get<{ edifact_state: string }>('SELECT edifact_state FROM as2_messages WHERE id = ?', [fine]))!.edifact_state).toBe('processed');
    expect(await db.get("SELECT reason FROM audit_log WHERE action = 'as2.payload_failed' AND entity_id = ?", [broken])).toEqual({ reason: JSON.parse(row.edifact_result).error });
  });
});

describe('a worker whose claim ran out', () => {
  it('leaves the claim of the instance that took the message over when its own attempt ends', async () => {
    const id = await inbound(supplierPartner, supplierOrg, interchange([desadv('Y1', 'DA-EDI-Y1', [{ gtin: gtinA, lot: 'EDI-Y1', quantity: '1', poLine: '1' }])]).bytes);
    let reading!: () => void;
    const readStarted = new Promise<void>((r) => (reading = r));
    let fail!: () => void;
    const failed = new Promise<void>((r) => (fail = r));
    // Instance A: its read of the payload stalls past its lease, then fails.
    const files = Object.create(ctx.files) as typeof ctx.files;
    files.get = async () => {
      reading();
      await failed;
      throw new Error('the disk went away');
    };
    const slow = createEdifactWorker({ ctx: { ...ctx, files }, log: createLogger('error', {}, () => undefined), maxAttempts: 5 });
    const drained = slow.drain();
    await readStarted;
    // Meanwhile A's lease ran out and instance B claimed the message (its lease in the row).
    const theirs = '2999-01-01T00:00:00.000Z';
    await db.run('UPDATE as2_messages SET edifact_lease_until = ? WHERE id = ?', [theirs, id]);
    fail();
    expect(await drained).toBe(0);
    expect(await db.get('SELECT edifact_state, edifact_lease_until FROM as2_messages WHERE id = ?', [id])).toEqual({ edifact_state: 'waiting', edifact_lease_until: theirs });
    await db.run('UPDATE as2_messages SET edifact_lease_until = NULL WHERE id = ?', [id]);
  });
});

describe('an async MDN attempt that outlives its lease', () => {
  it('does not write its failure over the claim of the instance that took the delivery over', async () => {
    const receiver = await heldReceiver([503, 200]);
    const before = await db.get<{ as2_url: string | null; async_mdn_private: number }>('SELECT as2_url, async_mdn_private FROM edi_partners WHERE id = ?', [supplierPartner]);
    try {
      await db.run('UPDATE edi_partners SET as2_url = ?, async_mdn_private = 1 WHERE id = ?', [receiver.url, supplierPartner]);
      const id = await inbound(supplierPartner, supplierOrg, interchange([desadv('M1', 'DA-EDI-M1', [{ gtin: gtinA, lot: 'EDI-M1', quantity: '1', poLine: '1' }])]).bytes);
      const now = Date.now();
      await db.run(
        "UPDATE as2_messages SET receipt_delivery_url = ?, mdn_headers = '[]', mdn_body = ?, mdn_delivery_state = 'pending', mdn_next_attempt_at = ?, mdn_delivery_attempts = 0 WHERE id = ?",
        [receiver.url, new Uint8Array([1, 2, 3]), new Date(now - 1000).toISOString(), id],
      );
      const clock = fixedClock(new Date(now));
      const options = (db: Db) => ({ db, clock, log: createLogger('error', {}, () => undefined), timeoutMs: 10_000 });
      // A posts it; the partner keeps its answer back past A's lease (5 min); B takes it over.
      const passA = deliverDueMdns(options(db));
      await receiver.arrivals(1);
      clock.advance(5 * 60_000);
      const passB = deliverDueMdns(options(db));
      await receiver.arrivals(2);
      const bLease = new Date(clock.now().getTime() + 5 * 60_000).toISOString();
      const delivery = () => db.get<{ state: string; next: string | null; attempts: number }>('SELECT mdn_delivery_state AS state, mdn_next_attempt_at AS next, mdn_delivery_attempts AS attempts FROM as2_messages WHERE id = ?', [id]);
      // A's late 503: counted, but B's claim stands.
      receiver.answer(0);
      await passA;
      expect(await delivery()).toEqual({ state: 'pending', next: bLease, attempts: 1 });
      receiver.answer(1);
      await passB;
      expect(await delivery()).toMatchObject({ state: 'delivered', attempts: 2 });
    } finally {
      await db.run('UPDATE edi_partners SET as2_url = ?, async_mdn_private = ? WHERE id = ?', [before!.as2_url, before!.async_mdn_private, supplierPartner]);
      await receiver.close();
    }
  });
});

describe('end to end: POST /as2 → MDN → worker → lots and a queued CONTRL', () => {
  let server: RunningServer;
  let serverDb: Db;
  let ssl: OpensslDir;
  let uploads: { dir: string; remove(): void };

  beforeAll(async () => {
    ssl = new OpensslDir();
    makeTestPki(ssl);
    uploads = tempDir('lotbridge-edi-inbound-uploads-');
    server = await startBuiltServer({ UPLOAD_DIR: uploads.dir, AS2_ID: 'LOTBRIDGE' });
    serverDb = openServerDb(server);
    const sctx: UseCaseContext = { db: serverDb, clock: systemClock, policy: defaultPolicy };
    await ensureAs2Identity(sctx, system, { as2Id: 'LOTBRIDGE' });
    ssl.write('lotbridge.pem', (await getAs2Identity(sctx, system, { as2Id: 'LOTBRIDGE' })).certificatePem!);
    const supplier = (await serverDb.get<{ id: string }>("SELECT id FROM organisations WHERE erp_id = 'V-10001'"))!.id;
    await serverDb.transaction(async (tx) => {
      await applyItemUpserted(tx, systemClock, { gtin: gtinA, description: 'Item A', unitOfMeasure: 'EA' });
      await applyPurchaseOrder(tx, systemClock, { poNumber: po, supplier: { erpId: 'V-10001' }, status: 'open', currency: 'EUR', orderDate: '2026-03-01', version: 1, lines: [{ lineNumber: 1, gtin: gtinA, quantity: 500, unitPrice: '3.85' }] });
    });
    await addPartner(sctx, system, { organisationId: supplier, as2Id: 'SUZHOU-AS2', ediId: supplierEdi.join(':'), certificates: [{ fileName: 'partner.pem', data: ssl.read('partner.pem') }] });
  }, 180_000);

  afterAll(async () => {
    serverDb?.close();
    await server?.stop();
    ssl?.remove();
    uploads?.remove();
  });

  it('a signed and encrypted DESADV: positive MDN, then the lots exist (by the technical user) and a CONTRL UCI 7 is queued for the partner [REQ-AS2-01]', async () => {
    const ic = interchange([desadv('E1', 'DA-E2E-1', [{ gtin: gtinA, lot: 'E2E-A1', quantity: '12', poLine: '1' }])]);
    ssl.write('entity.eml', Buffer.concat([Buffer.from('Content-Type: application/edifact\r\nContent-Disposition: attachment; filename="desadv-e2e.edi"\r\n\r\n', 'latin1'), Buffer.from(ic.bytes)]));
    ssl.ok(['cms', '-sign', '-in', 'entity.eml', '-binary', '-signer', 'partner.pem', '-inkey', 'partner.key', '-md', 'sha256', '-out', 'signed.eml']);
    ssl.ok(['cms', '-encrypt', '-binary', '-in', 'signed.eml', '-aes256', '-recip', 'lotbridge.pem', '-outform', 'DER', '-out', 'enc.der']);
    const messageId = `${randomBytes(8).toString('hex')}@suzhou.example`;
    const response = await fetch(`${server.url}/as2`, {
      method: 'POST',
      headers: {
        'AS2-Version': '1.2',
        'AS2-From': 'SUZHOU-AS2',
        'AS2-To': 'LOTBRIDGE',
        'Message-ID': `<${messageId}>`,
        Subject: 'DESADV DA-E2E-1',
        'Content-Type': 'application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m',
        'Disposition-Notification-To': 'edi@suzhou.example',
      },
      body: new Uint8Array(ssl.read('enc.der')),
    });
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).toString('latin1')).toMatch(/Disposition: automatic-action\/MDN-sent-automatically; processed\r?\n/);

    // The worker is woken after the MDN; wait for it to finish with the message.
    let row: { id: string; edifact_state: string; edifact_result: string | null } | undefined;
    for (;;) {
      row = await serverDb.get('SELECT id, edifact_state, edifact_result FROM as2_messages WHERE message_id = ?', [messageId]);
      if (row && row.edifact_state !== 'waiting') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(row!.edifact_state).toBe('processed');
    const lot = (await serverDb.get<{ submitted_by: string; quantity: number }>("SELECT submitted_by, quantity FROM lots WHERE lot = 'E2E-A1'"))!;
    const technical = (await findSignInUser(serverDb, { email: partnerSystemEmail((await serverDb.get<{ id: string }>("SELECT id FROM edi_partners WHERE as2_id = 'SUZHOU-AS2'"))!.id) }))!;
    expect(lot).toEqual({ submitted_by: technical.id, quantity: 12 });
    const out = (await serverDb.get<{ purpose: string; payload: ArrayBuffer; relates_to_type: string }>(
      "SELECT purpose, payload, relates_to_type FROM as2_outbound_messages WHERE partner_id = (SELECT id FROM edi_partners WHERE as2_id = 'SUZHOU-AS2')",
    ))!;
    expect([out.purpose, out.relates_to_type]).toEqual(['contrl', 'edi_interchange']);
    expect(segmentsOf(Buffer.from(out.payload).toString('latin1'))[0]).toEqual({ tag: 'UCI', elements: [[ic.reference], supplierEdi, ['4012345000009', '14'], ['7']] });
  });
});

describe('CONTRLs from partners', () => {
  it('a CONTRL from the partner is recorded as its acknowledgement and never answered with a CONTRL (two systems would answer each other for ever)', async () => {
    // The partner's CONTRL of an interchange of ours: what our own writer makes, sent back.
    const contrlOfOurs: WriteMessage = {
      reference: 'C1',
      type: ['CONTRL', 'D', '3', 'UN'],
      segments: [{ tag: 'UCI', elements: ['OURS000001', ['4012345000009', '14'], supplierEdi, '7'] }],
    };
    const good = interchange([contrlOfOurs]);
    const id = await inbound(supplierPartner, supplierOrg, good.bytes, 'contrl.edi');
    const result = await processAs2Payload(ctx, { as2MessageId: id });
    expect([result.accepted, result.rejected, result.acknowledgements.length]).toEqual([1, 0, 0]);
    expect(await queuedFor(id)).toEqual([]);
    expect(await db.get('SELECT status, acknowledgement FROM edi_interchanges WHERE control_reference = ?', [good.reference])).toEqual({ status: 'accepted', acknowledgement: null });

    // A broken one is refused and recorded, but not answered either.
    const broken = new TextDecoder().decode(interchange([contrlOfOurs]).bytes).replace(/UNT\+\d+/, 'UNT+9');
    const brokenId = await inbound(supplierPartner, supplierOrg, new TextEncoder().encode(broken), 'contrl-broken.edi');
    const refused = await processAs2Payload(ctx, { as2MessageId: brokenId });
    expect([refused.accepted, refused.rejected, refused.acknowledgements.length]).toEqual([0, 1, 0]);
    expect(await queuedFor(brokenId)).toEqual([]);
  });
});
