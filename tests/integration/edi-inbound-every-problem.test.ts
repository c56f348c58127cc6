// Issue 11, through the real inbound path (a payload stored as the AS2 receive path stores it,
// processed by processAs2Payload on a real SQLite file): the CONTRL names every syntax fault of
// a message, the APERAK every business problem, and a 20,000-message interchange neither takes
// quadratic work nor keeps the event loop from others while it is processed.
import { setImmediate as macrotask } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import { addPartner } from '../../shared/edi/partners/add-partner.ts';
import { tokenize } from '../../shared/edifact/tokenize.ts';
import { readEnvelope } from '../../shared/edifact/envelope.ts';
import { encodeInterchange, writeInterchange } from '../../shared/edifact/write.ts';
import { processAs2Payload, type EdiInboundContext } from '../../shared/edi/inbound/process-as2-payload.ts';
import { maxProblemsPerMessage } from '../../shared/edifact/write-contrl.ts';
import { desadvMessage, inboundGtins, inboundWorld, invoicMessage, storeInboundEdifact } from '../support/inbound-edifact.ts';

const system = { type: 'system' as const, name: 'edi-inbound every-problem test' };
const { a: gtinA, b: gtinB } = inboundGtins;
const po = '4500088101';
const supplierEdi = ['6901234000001', '14'];

let dir: { dir: string; remove(): void };
let db: Db;
let ctx: EdiInboundContext;
let supplierPartner: string;
let supplierOrg: string;

const inbound = (bytes: Uint8Array) => storeInboundEdifact(db, ctx.files, { partnerId: supplierPartner, organisationId: supplierOrg, as2From: supplierPartner, bytes });

/** The queued answers (CONTRL, APERAK) of a processed inbound message, as text. */
async function answers(as2MessageId: string): Promise<{ purpose: string; text: string }[]> {
  const row = (await db.get<{ edifact_result: string }>('SELECT edifact_result FROM as2_messages WHERE id = ?', [as2MessageId]))!;
  const ids = (JSON.parse(row.edifact_result) as { queued: { id: string }[] }).queued.map((q) => q.id);
  const rows = await db.all<{ purpose: string; payload: ArrayBuffer }>('SELECT purpose, payload FROM as2_outbound_messages WHERE id IN (SELECT value FROM json_each(?)) ORDER BY created_at, rowid', [JSON.stringify(ids)]);
  return rows.map((r) => ({ purpose: r.purpose, text: Buffer.from(r.payload).toString('latin1') }));
}

/** The segments of a CONTRL or APERAK between UNH and UNT, read back by our own strict reader. */
function segmentsOf(text: string): { tag: string; elements: string[][] }[] {
  return readEnvelope(tokenize(text, { mode: 'strict' })).messages[0]!.segments.slice(1, -1).map((s) => ({ tag: s.tag, elements: s.elements }));
}

beforeAll(async () => {
  ({ dir, db, ctx, supplierOrg } = await inboundWorld('lotbridge-edi-every-', po));
  const plain = { requireSigned: false, requireEncrypted: false };
  supplierPartner = (await addPartner(ctx, system, { organisationId: supplierOrg, as2Id: 'EVERY-AS2', ediId: supplierEdi.join(':'), options: plain })).partner.id;
});

afterAll(() => {
  db?.close();
  dir?.remove();
});

describe('the CONTRL names every syntax fault', () => {
  it('a message with three characters UNOA does not allow: UCM rejects it, three UCS/UCD name each position', async () => {
    // Lower case under UNOA at BGM (segment 2) element 2, PIA (4) element 2 component 1, QTY (5) element 1 component 2.
    const text = "UNB+UNOA:3+6901234000001:14+4012345000009:14+260320:1015+EVERY1'UNH+M1+DESADV:D:96A:UN:EAN005'BGM+351+da1+9'LIN+1++09506000888020:SRV'PIA+1+lot1:NB'QTY+12:1o'UNT+6+M1'UNZ+1+EVERY1'";
    const id = await inbound(new TextEncoder().encode(text));
    await processAs2Payload(ctx, { as2MessageId: id });
    const [contrl, ...rest] = await answers(id);
    expect([contrl!.purpose, rest.length]).toEqual(['contrl', 0]);
    const segs = segmentsOf(contrl!.text);
    expect(segs.find((s) => s.tag === 'UCM')!.elements.slice(0, 3)).toEqual([['M1'], ['DESADV', 'D', '96A', 'UN', 'EAN005'], ['4']]);
    const named = segs.filter((s) => s.tag === 'UCS' || s.tag === 'UCD').map((s) => s.elements);
    expect(named).toEqual([[['2']], [['21'], ['2', '1']], [['4']], [['21'], ['2', '1']], [['5']], [['21'], ['1', '2']]]);
    const recorded = (await db.get<{ problems: string }>("SELECT problems FROM edi_interchanges WHERE control_reference = 'EVERY1'"))!;
    expect((JSON.parse(recorded.problems) as { segment: number }[]).map((p) => p.segment)).toEqual([3, 5, 6]);
  });
});


describe('the APERAK names every business problem', () => {
  it('an INVOIC with no due date whose gross total does not add up: one APERAK naming both', async () => {
    const text = writeInterchange({ syntax: ['UNOC', '3'], sender: supplierEdi, recipient: ['4012345000009', '14'], preparedAt: ['260320', '1015'], reference: 'EVERY2', messages: [invoicMessage('I1', 'INV-EVERY-1', po, supplierEdi[0]!, { noDueDate: true, grossTotal: '99.99' })] });
    const id = await inbound(encodeInterchange(text, 'UNOC'));
    await processAs2Payload(ctx, { as2MessageId: id });
    const queued = await answers(id);
    expect(queued.map((q) => q.purpose)).toEqual(['contrl', 'aperak']);
    const aperak = segmentsOf(queued[1]!.text);
    expect(aperak.find((s) => s.tag === 'BGM')!.elements[2]).toEqual(['27']);
    const texts = aperak.filter((s) => s.tag === 'FTX').map((s) => s.elements[3]!.join(''));
    expect(aperak.filter((s) => s.tag === 'ERC').map((s) => s.elements[0]![0])).toEqual(['MISSING', 'BADVALUE']);
    expect(texts[0]).toMatch(/due date/);
    expect(texts[1]).toMatch(/\(MOA\).*grossTotal: Gross total 99\.99, but net \+ tax is 47\.69/);
    expect(await db.get("SELECT id FROM invoices WHERE invoice_number = 'INV-EVERY-1'")).toBeUndefined();
  });
});

describe('the APERAK names every problem of a DESADV', () => {
  it('a line without a lot and another against an order that is not the partner\'s: one APERAK naming both, no lot stored [REQ-EDI-APERAK-01]', async () => {
    const m = desadvMessage('D1', 'DA-EVERY-1', po, [
      { gtin: gtinA, lot: 'L-EVERY-1', quantity: '5', poLine: '1' },
      { gtin: gtinB, lot: 'L-EVERY-2', quantity: '2', poLine: '2' },
    ]);
    // Line 1 names no lot (its PIA removed); line 2 refers to an order that is not the partner's.
    const segments = m.segments.filter((s) => !(s.tag === 'PIA' && (s.elements?.[1] as string[])[0] === 'L-EVERY-1'));
    const other = segments.findLastIndex((s) => s.tag === 'RFF');
    segments[other] = { tag: 'RFF', elements: [['ON', '4500000404', '2']] };
    const text = writeInterchange({ syntax: ['UNOC', '3'], sender: supplierEdi, recipient: ['4012345000009', '14'], preparedAt: ['260320', '1015'], reference: 'EVERY4', messages: [{ ...m, segments }] });
    const id = await inbound(encodeInterchange(text, 'UNOC'));
    await processAs2Payload(ctx, { as2MessageId: id });
    const queued = await answers(id);
    expect(queued.map((q) => q.purpose)).toEqual(['contrl', 'aperak']);
    const aperak = segmentsOf(queued[1]!.text);
    expect(aperak.filter((s) => s.tag === 'ERC').map((s) => s.elements[0]![0])).toEqual(['MISSING', 'UNKPO']);
    const texts = aperak.filter((s) => s.tag === 'FTX').map((s) => s.elements[3]!.join(''));
    expect(texts[0]).toMatch(/\(LIN\).*names no lot/);
    expect(texts[1]).toMatch(/\(RFF\).*4500000404/);
    expect(await db.get("SELECT id FROM lots WHERE lot IN ('L-EVERY-1', 'L-EVERY-2')")).toBeUndefined();
  });
});

/** A DESADV interchange of `n` messages all with the reference M1 (n - 1 duplicate-reference faults). */
function duplicates(n: number, reference: string): Uint8Array {
  const parts = [`UNB+UNOC:3+6901234000001:14+4012345000009:14+260320:1015+${reference}'`];
  for (let i = 0; i < n; i++) parts.push("UNH+M1+DESADV:D:96A:UN'BGM+351+D1+9'UNT+3+M1'");
  parts.push(`UNZ+${n}+${reference}'`);
  return new TextEncoder().encode(parts.join(''));
}

describe('a partner file with 20,000 messages', () => {
  it('is refused with a bounded CONTRL while a concurrent small operation gets its turns before it finishes', async () => {
    const id = await inbound(duplicates(20000, 'EVERY3'));
    const order: string[] = [];
    const big = processAs2Payload(ctx, { as2MessageId: id }).then(() => order.push('big'));
    // The small operation: 200 turns of the event loop, each waiting for the previous one (as
    // requests of other partners would). Reading the file and the database alone give fewer than
    // 100 (24 to 71 seen) before the work that used to run in one piece; a processing that hands
    // the event loop back as it reads (every 2 KiB of the 900 KB) gives several hundred.
    const small = (async () => {
      for (let i = 0; i < 200; i++) await macrotask();
      order.push('small');
    })();
    await Promise.all([big, small]);
    expect(order).toEqual(['small', 'big']);
    const [contrl] = await answers(id);
    const segs = segmentsOf(contrl!.text);
    expect(segs.filter((s) => s.tag === 'UCS')).toHaveLength(maxProblemsPerMessage - 1);
    const recorded = (await db.get<{ status: string; problems: string }>("SELECT status, problems FROM edi_interchanges WHERE control_reference = 'EVERY3'"))!;
    const problems = JSON.parse(recorded.problems) as { code: string; params: { count?: number } }[];
    expect([recorded.status, problems.length, problems.at(-1)!.code, problems.at(-1)!.params.count]).toEqual(['rejected', maxProblemsPerMessage + 1, 'moreProblems', 19999 - maxProblemsPerMessage]);
  });
});
