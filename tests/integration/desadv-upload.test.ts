// The EDIFACT DESADV upload on the lots page (the door of submitDesadvFile for a supplier whose
// EDI software exports files but who has no AS2), against the real server and its SQLite file:
// a valid despatch advice becomes lots, listed with links and on the lots page, the interchange
// kept with its CONTRL; a file with a refused message stores the other message and shows each
// problem next to where it is (segment, tag, element), in English or Chinese, the APERAK kept;
// a syntax fault refuses the interchange in strict reading and lenient reading accepts it; a
// file that is not EDIFACT is refused with nothing recorded; QA, distributors and anonymous
// visitors cannot upload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import { demoUsers } from '../../shared/demo/seed-demo.ts';
import { writeInterchange, encodeInterchange, type WriteMessage } from '../../shared/edifact/write.ts';
import { desadvMessage, inboundGtins, seedInboundOrder } from '../support/inbound-edifact.ts';
import type { RunningServer } from '../support/server.ts';
import { BrowserClient, openServerDb, signInDirectly, startBuiltServer } from '../support/portal.ts';

const demo = (role: string) => demoUsers.find((u) => u.role === role)!;
const po = '4500066001';
const { a: gtinA, b: gtinB } = inboundGtins;
/** The GTIN-13s as the lots keep them (GTIN-14, padded). */
const stored = (gtin: string) => gtin.padStart(14, '0');

let server: RunningServer;
let db: Db;
const as: Record<'supplier' | 'qa' | 'distributor', BrowserClient> = {} as never;
let seq = 0;
const run = Date.now().toString(36).slice(-5).toUpperCase();
const lotName = (tag: string) => `${tag}-${run}-${++seq}`;

/** A DESADV interchange as an EDI program would export it (CRLF after each segment). */
function file(messages: WriteMessage[], syntax = 'UNOC'): { text: string; reference: string } {
  const reference = `UP${run}${++seq}`;
  return { text: writeInterchange({ syntax: [syntax, '3'], sender: ['6901234000001', '14'], recipient: ['4012345000009', '14'], preparedAt: ['260320', '1015'], reference, messages, newline: '\r\n' }), reference };
}

function upload(client: BrowserClient, text: string, options: { syntax?: string; lenient?: boolean; locale?: string } = {}): Promise<Response> {
  const form = new FormData();
  if (options.lenient) form.set('lenient', 'on');
  form.set('file', new Blob([encodeInterchange(text, options.syntax ?? 'UNOC') as Uint8Array<ArrayBuffer>], { type: 'application/EDIFACT' }), 'despatch.edi');
  return client.request('/lots?/edifact', { method: 'POST', body: form, headers: { accept: 'text/html', ...(options.locale ? { 'accept-language': options.locale } : {}) } });
}

const lotsNamed = (...lots: string[]) => db.all<{ id: string; lot: string; gtin: string; source: string }>(`SELECT id, lot, gtin, source FROM lots WHERE lot IN (${lots.map(() => '?').join(', ')}) ORDER BY lot`, lots);
const count = async (table: string) => (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n;
const interchange = (reference: string) => db.get<{ id: string; status: string; file_name: string; acknowledgement: string | null }>('SELECT id, status, file_name, acknowledgement FROM edi_interchanges WHERE control_reference = ?', [reference]);
const messagesOf = (id: string) => db.all<{ message_reference: string; status: string; records: string; aperak: string | null }>('SELECT message_reference, status, records, aperak FROM edi_messages WHERE interchange_id = ? ORDER BY message_reference', [id]);

/** The rows of the problem tables in the page: where (position text), the problem's text and its segment and tag. */
function problemRows(html: string): { segment: string; tag: string; where: string; text: string }[] {
  return [...html.matchAll(/<tr data-testid="edifact-problem" data-segment="(\d*)" data-tag="(\w*)"><td class="nowrap">(.*?)<\/td>\s*<td>(.*?)<\/td><\/tr>/gs)].map((m) => ({ segment: m[1]!, tag: m[2]!, where: m[3]!.replace(/<!--.*?-->/g, ''), text: m[4]! }));
}

beforeAll(async () => {
  server = await startBuiltServer();
  db = openServerDb(server);
  await seedInboundOrder(db, po);
  for (const [who, role] of [['supplier', 'supplier_user'], ['qa', 'manufacturer_qa'], ['distributor', 'distributor_user']] as const) {
    as[who] = new BrowserClient(server.url);
    await signInDirectly(as[who], db, demo(role).email);
  }
});

afterAll(async () => {
  db?.close();
  await server?.stop();
});

describe('a supplier uploads a DESADV file on the lots page', () => {
  it('stores each line as a lot, links them, lists them, and keeps the interchange with its CONTRL', async () => {
    const [lotA, lotB] = [lotName('DA'), lotName('DB')];
    const { text, reference } = file([desadvMessage('M1', `DN-${run}`, po, [{ gtin: gtinA, lot: lotA, quantity: '10', poLine: '1' }, { gtin: gtinB, lot: lotB, quantity: '3', poLine: '2' }])]);
    const res = await upload(as.supplier, text);
    const html = await res.text();
    expect(res.status, html.slice(0, 2000)).toBe(200);
    const lots = await lotsNamed(lotA, lotB);
    expect(lots).toMatchObject([
      { lot: lotA, gtin: stored(gtinA), source: 'edifact' },
      { lot: lotB, gtin: stored(gtinB), source: 'edifact' },
    ]);
    expect(html).toContain('2 lot(s) stored from the file.');
    expect(html).toContain('Message M1 (DESADV:D:96A:UN:EAN005)');
    const storedList = html.slice(html.indexOf('data-testid="edifact-stored"'), html.indexOf('</ul>', html.indexOf('data-testid="edifact-stored"')));
    for (const l of lots) expect(storedList).toContain(`lots/${l.id}">${l.lot}</a>`);
    expect(problemRows(html)).toEqual([]);
    // The register keeps the file, its CONTRL and the records each message became.
    const ic = await interchange(reference);
    expect(ic).toMatchObject({ status: 'accepted', file_name: 'despatch.edi' });
    expect(ic!.acknowledgement).toContain('CONTRL');
    const [m] = await messagesOf(ic!.id);
    expect(m).toMatchObject({ message_reference: 'M1', status: 'accepted', aperak: null });
    expect(JSON.parse(m!.records)).toEqual(lots.map((l) => ({ type: 'lot', id: l.id })));
    // The lots page lists them like any other lot.
    const list = await (await as.supplier.get(`/lots?po=${po}`)).text();
    for (const l of lots) expect(list).toContain(`/lots/${l.id}`);
  });

  it('stores the good message of a file, refuses the other and shows each problem where it is, the APERAK kept', async () => {
    const [good, bad1, bad2] = [lotName('OK'), lotName('X1'), lotName('X2')];
    const { text, reference } = file([
      desadvMessage('M1', `DN-G-${run}`, po, [{ gtin: gtinA, lot: good, quantity: '5', poLine: '1' }]),
      // Line 2 names B against order line 1, which orders A: the whole message is refused.
      desadvMessage('M2', `DN-B-${run}`, po, [{ gtin: gtinA, lot: bad1, quantity: '5', poLine: '1' }, { gtin: gtinB, lot: bad2, quantity: '5', poLine: '1' }]),
    ]);
    const res = await upload(as.supplier, text);
    const html = await res.text();
    expect(res.status).toBe(400);
    expect(html).toContain('1 lot(s) stored from the file. 1 message(s) of the file were refused; none of their lots were stored.');
    expect((await lotsNamed(good, bad1, bad2)).map((l) => l.lot)).toEqual([good]);
    expect(html).toContain('Message M2 (DESADV:D:96A:UN:EAN005)');
    expect(html).toContain('refused: none of its lots were stored');
    // UNH 1, BGM 2, DTM 3, RFF 4, CPS 5, line 1: LIN 6…RFF 9, line 2: LIN 10: the GTIN is its third element.
    expect(problemRows(html)).toEqual([
      {
        segment: '10',
        tag: 'LIN',
        where: 'Message M2: segment 10 (LIN), element 3, component 1',
        text: `lines/1/gtin: This GTIN is not the one ordered on the purchase order line: ${po} / 1 orders ${stored(gtinA)}`,
      },
    ]);
    const ic = await interchange(reference);
    expect(ic!.status).toBe('partially_accepted');
    const [m1, m2] = await messagesOf(ic!.id);
    expect(m1).toMatchObject({ status: 'accepted', aperak: null });
    expect(m2).toMatchObject({ status: 'rejected' });
    expect(m2!.aperak).toContain('APERAK');
  });

  it('words a DESADV problem and its position in Chinese for a Chinese user', async () => {
    const { text } = file([desadvMessage('M1', `DN-Z-${run}`, po, [{ gtin: gtinA, lot: '', quantity: '5', poLine: '1' }])]);
    const res = await upload(as.supplier, text, { locale: 'zh-CN' });
    expect(res.status).toBe(400);
    expect(problemRows(await res.text())).toContainEqual({ segment: '6', tag: 'LIN', where: '报文 M1: 第 6 段（LIN）', text: '该行未给出批号（PIA+1+批号:NB 或 GIN+BX+批号）。' });
  });

  it('refuses a syntax fault in strict reading, naming the segment and element, and accepts a common deviation in lenient reading', async () => {
    const wrongCount = file([desadvMessage('M1', `DN-U-${run}`, po, [{ gtin: gtinA, lot: lotName('U'), quantity: '1', poLine: '1' }])]);
    const res = await upload(as.supplier, wrongCount.text.replace("UNT+10+M1'", "UNT+9+M1'"));
    const html = await res.text();
    expect(res.status).toBe(400);
    expect(html).toContain('1 interchange(s) of the file were refused on their syntax; nothing of them was stored.');
    expect(html).toContain(`Interchange ${wrongCount.reference} was refused: nothing of it was stored.`);
    expect(problemRows(html)).toEqual([{ segment: '11', tag: 'UNT', where: 'Message M1: segment 11 (UNT), element 1, component 1', text: 'UNT counts 9 segments, message M1 has 10.' }]);
    expect((await interchange(wrongCount.reference))!.status).toBe('rejected');

    // Not EDIFACT at all: no UNB to answer, so nothing is recorded and the upload itself is refused.
    const interchanges = await count('edi_interchanges');
    const notEdifact = await upload(as.supplier, 'gtin,lot,quantity');
    const notEdifactHtml = await notEdifact.text();
    expect(notEdifact.status).toBe(400);
    expect(notEdifactHtml).toContain('The file was refused: 1 problem(s). Nothing was stored.');
    expect(problemRows(notEdifactHtml)).toMatchObject([{ segment: '1', text: 'The segment tag gtin,lot,quantity is not three upper-case letters or digits.' }]);
    expect(await count('edi_interchanges')).toBe(interchanges);

    // A lower-case lot under UNOA: refused in strict reading, stored in lenient reading.
    const lower = `lc-${run.toLowerCase()}-${++seq}`;
    const strict = file([desadvMessage('M1', `DN-L-${run}`, po, [{ gtin: gtinA, lot: lower, quantity: '1', poLine: '1' }])], 'UNOA');
    const refused = await upload(as.supplier, strict.text, { syntax: 'UNOA' });
    expect(refused.status).toBe(400);
    expect(problemRows(await refused.text())).toMatchObject([{ tag: 'PIA', where: expect.stringContaining('element 2, component 1') as string, text: expect.stringContaining('is not allowed under UNOA') as string }]);
    expect(await lotsNamed(lower)).toEqual([]);
    const lenient = file([desadvMessage('M1', `DN-L-${run}`, po, [{ gtin: gtinA, lot: lower, quantity: '1', poLine: '1' }])], 'UNOA');
    const accepted = await upload(as.supplier, lenient.text, { syntax: 'UNOA', lenient: true });
    expect(accepted.status).toBe(200);
    expect(await lotsNamed(lower)).toMatchObject([{ lot: lower, source: 'edifact' }]);
  });
});

describe('only suppliers upload DESADV files', () => {
  it('refuses QA and distributor users (403), who are not offered the upload, and stores nothing', async () => {
    const [lots, interchanges] = [await count('lots'), await count('edi_interchanges')];
    for (const client of [as.qa, as.distributor]) {
      const { text } = file([desadvMessage('M1', `DN-R-${run}`, po, [{ gtin: gtinA, lot: lotName('R'), quantity: '1', poLine: '1' }])]);
      const res = await upload(client, text);
      await res.body?.cancel();
      expect(res.status).toBe(403);
      expect(await (await client.get('/lots')).text()).not.toContain('data-testid="edifact-form"');
    }
    expect(await (await as.supplier.get('/lots')).text()).toContain('data-testid="edifact-form"');
    expect([await count('lots'), await count('edi_interchanges')]).toEqual([lots, interchanges]);
  });

  it('sends anonymous visitors to sign in and stores nothing', async () => {
    const interchanges = await count('edi_interchanges');
    const { text } = file([desadvMessage('M1', `DN-A-${run}`, po, [{ gtin: gtinA, lot: lotName('A'), quantity: '1', poLine: '1' }])]);
    const res = await upload(new BrowserClient(server.url), text);
    await res.body?.cancel();
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/login\?/);
    expect(await count('edi_interchanges')).toBe(interchanges);
  });
});
