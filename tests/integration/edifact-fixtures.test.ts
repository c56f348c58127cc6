// Every EDIFACT sample file we have — tests/fixtures/edifact (permissive copies) and
// ../shared/fixtures/edifact/{permissive,copyleft} (read where they are; an absent folder
// disables its tests, and the run says so: tests/support/fixtures.ts) — is read in strict and in
// lenient mode:
// - the readable ones tokenize, their envelopes check, and a round trip writer → tokenizer
//   gives the same values back;
// - the broken ones (their MANIFEST says how) are refused, and the CONTRL that answers them
//   names the fault: UCI/UCM action 4 with the syntax error code, UCS with the segment position
//   in the message, UCD with element and component (asserted segment by segment below);
// - the message types we map become records or precise refusals: each DESADV goes through
//   submitDesadvFile against a real SQLite file (the samples' GTINs and orders are not ours,
//   and most carry no lot, so they are refused with the reason and its segment), each INVOIC
//   through mapInvoic (refused: allowances, credit note, …), each ORDERS through mapOrders.
// The table says for each file what must happen and why.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import type { Actor } from '../../shared/auth/actor.ts';
import { tokenize } from '../../shared/edifact/tokenize.ts';
import type { Interchange, Segment, TokenizeMode } from '../../shared/edifact/interchange.ts';
import { isEdifactError, type EdifactProblem } from '../../shared/edifact/problems.ts';
import { readEnvelope, splitInterchanges } from '../../shared/edifact/envelope.ts';
import { una, writeSegment, encodeInterchange, type WriteElement } from '../../shared/edifact/write.ts';
import { contrlForRefusal, unbForAnswer, writeContrl } from '../../shared/edifact/write-contrl.ts';
import { mapInvoic } from '../../shared/invoices/map-invoic.ts';
import { mapOrders } from '../../shared/erp/map-orders.ts';
import { mapDesadv } from '../../shared/lots/map-desadv.ts';
import { submitDesadvFile } from '../../shared/lots/submit-desadv-file.ts';
import { ediFiles, edifactFolders, needs } from '../support/fixtures.ts';
import { demo, demoDatabase } from '../support/demo.ts';
import { actorFor } from '../support/actors.ts';

const [localDir, permissiveDir, copyleftDir] = edifactFolders;

/** What reading one file must give: the messages per interchange, or the refusal and its CONTRL (UC* segments as written). */
type Read = { messages: string[] } | { refused: string; contrl: string | null };

interface Expected {
  strict: Read;
  lenient: Read;
  /** Per mapped message (interchange/message reference): 'stored', or its problems as code@segment(tag)[:element:component]. */
  mapped?: Record<string, string>;
  why: string;
}

const aperakLenient = (ref: string): Read => ({ refused: 'segmentCount@8(UNT):1:1', contrl: `UCI+${ref}+RECEIVERID+SENDERID+4+29' UCM+1+APERAK:D:96A:UN+4+29+UNT+1:1` });
const aperakStrict = (ref: string): Read => ({ refused: 'badCharacter@7(FTX):4:1', contrl: `UCI+${ref}+RECEIVERID+SENDERID+4+21' UCM+1+APERAK:D:96A:UN+4' UCS+6' UCD+21+4:1` });

const expected: Record<string, Expected> = {
  'pydifact_aperak_d96a_v3_accepted.edi': { strict: aperakStrict('000000002'), lenient: aperakLenient('000000002'), why: 'lower-case FTX text under UNOA (strict); UNT counts 8 segments, the message has 7' },
  'pydifact_aperak_d96a_v3_rejected.edi': { strict: aperakStrict('000000003'), lenient: aperakLenient('000000003'), why: 'as the accepted one: lower case under UNOA, UNT count 8 for 7 segments' },
  'pydifact_aperak_d96a_v4_accepted.edi': { strict: aperakStrict('000000005'), lenient: aperakLenient('000000005'), why: 'as v3: lower case under UNOA, UNT count 8 for 7 segments' },
  'pydifact_aperak_d96a_v4_rejected.edi': { strict: aperakStrict('000000004'), lenient: aperakLenient('000000004'), why: 'as v3: lower case under UNOA, UNT count 8 for 7 segments' },
  'pydifact_invoic_d97a_invoice1.edi': {
    strict: { messages: ['PAYO0012101221/1 INVOIC'] },
    lenient: { messages: ['PAYO0012101221/1 INVOIC'] },
    mapped: { 'PAYO0012101221/1': 'creditNote@2(BGM):1:1 badDate@3(DTM):1:2 noGtin@11(LIN):3:1 noQuantity@11(LIN) priceBasis@14(PRI):1:5 missingSegment@21(UNS) missingSegment@21(UNS)' },
    why: 'a valid interchange; its INVOIC is a credit note (381) with a 12-digit date in format 102, a buyer item number (IN) instead of a GTIN, QTY+12 instead of QTY+47, a price per 100 that is not exact to 4 places, no tax and net totals',
  },
  'pydifact_orders_d96a_ean008_order.edi': { strict: { refused: 'missingUnz', contrl: "UCI+807+12345678:8+WBDZDD:ZZ+4+13+UNZ" }, lenient: { refused: 'missingUnz', contrl: "UCI+807+12345678:8+WBDZDD:ZZ+4+13+UNZ" }, why: 'the file ends after UNT: no UNZ' },
  'pydifact_orders_d96a_order2.edi': { strict: { refused: 'missingUnz', contrl: 'UCI+000000001+SENDERID+RECEIVERID+4+13+UNZ' }, lenient: { refused: 'missingUnz', contrl: 'UCI+000000001+SENDERID+RECEIVERID+4+13+UNZ' }, why: 'no UNZ' },
  'pydifact_orders_d96a_huge_file2.edi': {
    strict: { refused: 'unknownCharset@1(UNB):1:1', contrl: 'UCI+1+6XPPC+LHPPC+4+2+UNB+1:1' },
    lenient: { refused: 'segmentCount@109620(UNT):1:1 missingUnz', contrl: "UCI+1+6XPPC+LHPPC+4+13+UNZ' UCM+1+ORDERS:D:96A:UN:EAN008+4+29+UNT+1:1" },
    why: 'syntax identifier IATB (an IATA one, not EDIFACT); one UNH with 109,618 segments and UNT+16; no UNZ: a parser performance sample, not an interchange',
  },
  'staedi_invoic_d97b_bad.edi': {
    strict: { refused: 'badCharacter@14(PRI):1:2', contrl: "UCI+00000000000778+005435656:1+006415160:1+4+21' UCM+00000000000117+INVOIC:D:97B:UN+4' UCS+13' UCD+21+1:2" },
    lenient: { refused: 'badCharacter@14(PRI):1:2', contrl: "UCI+00000000000778+005435656:1+006415160:1+4+21' UCM+00000000000117+INVOIC:D:97B:UN+4' UCS+13' UCD+21+1:2" },
    why: "MANIFEST: deliberate errors; the first is PRI+INV:$1.179 ('$' is not UNOA), segment 13 of the message",
  },
  'staedi_invoic_d97b_custom_una.edi': {
    strict: { refused: 'segmentCount@25(UNT):1:1', contrl: "UCI+00000000000778+005435656:1+006415160:1+4+29' UCM+00000000000117+INVOIC:D:97B:UN+4+29+UNT+1:1" },
    lenient: { refused: 'segmentCount@25(UNT):1:1', contrl: "UCI+00000000000778+005435656:1+006415160:1+4+29' UCM+00000000000117+INVOIC:D:97B:UN+4+29+UNT+1:1" },
    why: "UNA '=*.?^~' read; the recipient 006?415160 releases a digit (read as the digit, with a warning: issue 11); UNT counts 23, the message has 24",
  },
  'staedi_orders_d96b_ean008_with_ung.edi': {
    strict: { refused: 'segmentCount@20(UNT):1:1', contrl: "UCI+2722166169492+5400110000009:14+5013546107732:14+4+29' UCF+1+5400110000009:14+5013546107732:14+4' UCM+1+ORDERS:D:96B:UN:EAN008B+4+29+UNT+1:1" },
    lenient: { refused: 'segmentCount@20(UNT):1:1', contrl: "UCI+2722166169492+5400110000009:14+5013546107732:14+4+29' UCF+1+5400110000009:14+5013546107732:14+4' UCM+1+ORDERS:D:96B:UN:EAN008B+4+29+UNT+1:1" },
    why: 'UNG/UNE group read (the message is answered under its UCF); UNT counts 21, the message has 18',
  },
  'bots_aperak_d96a_dutchic_aperak1.edi': { strict: { messages: ['1/14 APERAK'] }, lenient: { messages: ['1/14 APERAK'] }, why: 'valid; APERAK is not a type we take (refused as unsupported when sent to the DESADV door)' },
  'bots_desadv_d96a_ean005_desadv1.edi': {
    strict: { messages: ['1/7 DESADV', '1/8 DESADV', '1/10 DESADV'] },
    lenient: { messages: ['1/7 DESADV', '1/8 DESADV', '1/10 DESADV'] },
    mapped: {
      '1/7': 'noLot@14(LIN) noLot@16(LIN)',
      '1/8': 'severalLots@49(LIN) severalLots@65(LIN) severalLots@102(LIN) severalLots@118(LIN)',
      '1/10': 'lots.unknownPurchaseOrder@8(RFF):1:2',
    },
    why: 'valid; message 7 has no lots, message 8 names two lots per line (PIA …:NB BATCHNUMBER and GIN+BX BATCHNUMBERPAC), message 10 maps but delivers against order BYORDNUM, not one of the supplier\'s',
  },
  'bots_desadv_d96a_ean005_dutchic_desadv1.edi': {
    strict: { messages: ['1/1 DESADV', '1/2 DESADV', '1/3 DESADV', '1/4 DESADV', '1/5 DESADV', '1/6 DESADV', '1/7 DESADV', '1/8 DESADV'] },
    lenient: { messages: ['1/1 DESADV', '1/2 DESADV', '1/3 DESADV', '1/4 DESADV', '1/5 DESADV', '1/6 DESADV', '1/7 DESADV', '1/8 DESADV'] },
    mapped: {
      '1/1': 'noLot@14(LIN) noLot@16(LIN) noLot@18(LIN) noLot@20(LIN) noLot@22(LIN) noLot@24(LIN) noLot@26(LIN) noLot@28(LIN) noLot@30(LIN) noLot@32(LIN) notWholeQuantity@33(QTY):1:2 noLot@34(LIN) notWholeQuantity@35(QTY):1:2 noLot@36(LIN) notWholeQuantity@37(QTY):1:2',
      '1/2': 'noLot@12(LIN) noLot@14(LIN)',
      '1/3': 'noLot@11(LIN) noLot@13(LIN)',
      '1/4': 'noLot@11(LIN) noLot@13(LIN)',
      '1/5': 'noLot@14(LIN) noLot@16(LIN)',
      '1/6': 'noLot@12(LIN) noLot@14(LIN)',
      '1/7': 'noLot@12(LIN) noLot@14(LIN)',
      '1/8': 'noLot@10(LIN) noLot@12(LIN)',
    },
    why: 'valid; retail despatch advices without lots (a lot is what we record), quantities up to 121212121212.121',
  },
  'bots_invoic_d96a_ean008_dutchic_invoic1.edi': {
    strict: { messages: ['2/9 INVOIC'] },
    lenient: { messages: ['2/9 INVOIC'] },
    mapped: { '2/9': 'missingSegment@2(BGM) allowances@16(ALC) allowances@19(ALC) allowances@28(ALC) allowances@31(ALC) allowances@34(ALC) allowances@42(ALC) allowances@44(ALC) allowances@46(ALC) allowances@55(ALC) allowances@57(ALC)' },
    why: 'valid; no due date, and allowances/charges (ALC), which our invoices do not take',
  },
  'bots_invoic_d96a_ean008_invoic01.edi': {
    strict: { messages: ['4/111424 INVOIC', '4/111425 INVOIC'] },
    lenient: { messages: ['4/111424 INVOIC', '4/111425 INVOIC'] },
    mapped: {
      '4/111424': 'allowances@18(ALC) allowances@21(ALC) allowances@30(ALC) allowances@33(ALC) allowances@36(ALC) allowances@44(ALC) allowances@46(ALC) allowances@48(ALC) allowances@57(ALC) allowances@59(ALC)',
      '4/111425': 'allowances@18(ALC) allowances@21(ALC) allowances@30(ALC) allowances@33(ALC) allowances@36(ALC) allowances@44(ALC) allowances@46(ALC) allowances@48(ALC) allowances@57(ALC) allowances@59(ALC)',
    },
    why: 'valid, two INVOICs with header and line allowances/charges (ALC)',
  },
  'bots_orders_d96a_ean008_0T0000000004.edi': {
    strict: { messages: ['T0000000004-1/T0000000004-1 ORDERS', 'T0000000004-1/T0000000004-2 ORDERS', 'T0000000004-2/T0000000004-3 ORDERS'] },
    lenient: { messages: ['T0000000004-1/T0000000004-1 ORDERS', 'T0000000004-1/T0000000004-2 ORDERS', 'T0000000004-2/T0000000004-3 ORDERS'] },
    mapped: { 'T0000000004-1/T0000000004-1': '1 lines', 'T0000000004-1/T0000000004-2': '1 lines', 'T0000000004-2/T0000000004-3': '1 lines' },
    why: 'two interchanges in one file (split at the second UNB)',
  },
  'bots_orders_d96a_ean008_orders02.edi': {
    strict: { messages: [] },
    lenient: { messages: [] },
    why: '24 interchanges back to back (counted below); one ORDERS has no LIN',
  },
  'djangopyas2_orders_d96a_ean008_amazon.edi': {
    strict: { refused: 'badCharacter@1(UNB):2:1', contrl: "UCI+5+<Sender GLN>:14+<Receiver GLN>:14+4+21+UNB+2:1" },
    lenient: { messages: ['5/1 ORDERS'] },
    mapped: { '5/1': '3 lines' },
    why: 'placeholder GLNs in lower case under UNOA: strict refuses (answered in UNOC, which can carry them), lenient reads',
  },
  'phpedifact_desadv_d96a.edi': {
    strict: { messages: ['1/142 DESADV'] },
    lenient: { messages: ['1/142 DESADV'] },
    mapped: { '1/142': 'noGtin@9(LIN):3:1 noLot@9(LIN) noGtin@15(LIN):3:1 noLot@15(LIN)' },
    why: 'valid (UNH version "0"); book lines name ISBNs in PIA+5 without a code list (no GTIN type) and no lot',
  },
  'phpedifact_desadv_utf8.edi': {
    strict: { refused: 'controlCharacter@12(IMD):3:4', contrl: "UCI+1+1556150:31B+8888888:ZZ+4+21' UCM+142+DESADV:0:96A:UN+4' UCS+11' UCD+21+3:4" },
    lenient: { messages: ['1/142 DESADV'] },
    mapped: { '1 register': 'duplicate', '1/142': 'noGtin@9(LIN):3:1 noLot@9(LIN) noGtin@15(LIN):3:1 noLot@15(LIN)' },
    why: 'MANIFEST: declares UNOC but carries UTF-8 (MUNCIË): strict reads byte 0x8B as a control character; lenient reads UTF-8. Same sender (1556150:31B) and control reference (1) as phpedifact_desadv_d96a.edi, read before it: recognised as a repeat, answered with the first CONTRL, not processed again',
  },
  'phpedifact_orders_d01b_ean010_error.edi': {
    strict: { messages: ['896/2019265563 ORDERS'] },
    lenient: { messages: ['896/2019265563 ORDERS'] },
    mapped: { '896/2019265563': '146 lines' },
    why: 'MANIFEST: release-character negative test ("?*" releases a non-service character): read as "*" with a warning, as Bots and most readers do (issue 11), in both modes',
  },
  'phpedifact_orders_d01b_ean010_ok.edi': {
    strict: { messages: ['896/2019265563 ORDERS'] },
    lenient: { messages: ['896/2019265563 ORDERS'] },
    mapped: { '896/2019265563': '146 lines' },
    why: 'valid; ISO-8859-1 bytes under UNOC and ?: releases',
  },
  'phpedifact_release_character.edi': {
    strict: { refused: 'unknownCharset@1(UNB):1:1', contrl: 'UCI+1+6XPPC+LHPPC+4+2+UNB+1:1' },
    lenient: { refused: 'segmentCount@24(UNT):1:1', contrl: "UCI+1+6XPPC+LHPPC+4+29' UCM+1+PAORES:93:1:IA+4+29+UNT+1:1" },
    why: 'IATB syntax identifier; the releases read right, but UNT counts 14 for 23 segments',
  },
  'phpedifact_wrapped.edi': {
    strict: { refused: 'unknownCharset@1(UNB):1:1', contrl: 'UCI+1+6XPPC+LHPPC+4+2+UNB+1:1' },
    lenient: { messages: ['1/1 PAORES'] },
    why: 'one line without line breaks; IATB syntax identifier (lenient reads it as latin1); PAORES is not a type we map',
  },
};

const short = (p: EdifactProblem) => `${p.code}${p.segment !== null ? `@${p.segment}(${p.tag})` : ''}${p.element !== undefined ? `:${p.element}:${p.component}` : ''}`;
const at = new Date('2026-03-20T10:15:00Z');

/** The UC* segments of a CONTRL as written. */
const ucSegments = (text: string) => text.split("'").filter((s) => /^UC[IMSDF]/.test(s)).join("' ");

function read(bytes: Uint8Array, mode: TokenizeMode): { read: Read; interchanges: Interchange[] } {
  let segments: Segment[] | null = null;
  try {
    const ic = tokenize(bytes, { mode });
    const parts = splitInterchanges(ic);
    const messages: string[] = [];
    for (const part of parts) {
      segments = part.segments;
      const env = readEnvelope(part);
      for (const m of env.messages) messages.push(`${env.reference}/${m.reference} ${m.type}`);
    }
    return { read: { messages }, interchanges: parts };
  } catch (e) {
    if (!isEdifactError(e)) throw e;
    const input = contrlForRefusal(e, segments, { reference: 'OURS', preparedAt: at }, unbForAnswer(bytes));
    return { read: { refused: e.problems.map(short).join(' '), contrl: input ? ucSegments(writeContrl(input)) : null }, interchanges: [] };
  }
}

/** Written back with the interchange's own service characters, then read again. */
function roundTrip(ic: Interchange, mode: TokenizeMode): Interchange {
  const element = (s: Segment, k: number): WriteElement => (s.repetitions[k]!.length > 1 ? { repeat: s.repetitions[k]! } : s.elements[k]!);
  const text = (ic.una ? una(ic.chars) : '') + ic.segments.map((s) => writeSegment({ tag: s.tag, elements: s.elements.map((_, k) => element(s, k)) }, ic.chars)).join('\r\n');
  const bytes = ic.encoding === 'utf-8' ? new TextEncoder().encode(text) : encodeInterchange(text, 'UNOC');
  return tokenize(bytes, { mode });
}

/** Values as ISO 9735 compares them: trailing empty components and elements left off (the writer omits them). */
function values(ic: Interchange): unknown[] {
  const trim = <T,>(a: T[], empty: (x: T) => boolean) => {
    const out = [...a];
    while (out.length && empty(out[out.length - 1]!)) out.pop();
    return out;
  };
  const comps = (c: string[]) => trim(c, (x) => x === '');
  return ic.segments.map((s) => [s.tag, trim(s.repetitions.map((reps) => trim(reps.map(comps), (r) => r.length === 0)), (e) => e.length === 0)]);
}

let dir: { dir: string; remove(): void };
let db: Db;
let ctx: UseCaseContext;
let actor: Actor;

beforeAll(async () => {
  ({ dir, db, ctx } = await demoDatabase('lotbridge-edifact-fixtures-'));
  actor = await actorFor(db, demo('supplier_user').email);
});

afterAll(() => {
  db?.close();
  dir?.remove();
});

function sweep(folder: string, files: string[]): void {
  it('has an expectation for every file', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((f) => !expected[f])).toEqual([]);
  });

  it.each(files)('%s', async (file) => {
    const bytes = new Uint8Array(readFileSync(join(folder, file)));
    const want = expected[file]!;
    for (const mode of ['strict', 'lenient'] as const) {
      const { read: got, interchanges } = read(bytes, mode);
      if (file === 'bots_orders_d96a_ean008_orders02.edi' && 'messages' in got) {
        expect([interchanges.length, got.messages.length, new Set(got.messages.map((m) => m.split(' ')[1])).size]).toEqual([24, 24, 1]);
      } else expect({ mode, ...got }).toEqual({ mode, ...want[mode] });
      if (!('messages' in got)) continue;

      // Round trip writer → tokenizer.
      for (const ic of interchanges) expect(values(roundTrip(ic, mode))).toEqual(values(ic));

      // The mapped types, once (lenient when only lenient reads the file).
      if (mode === 'strict' && 'refused' in want.lenient) continue;
      if (mode === 'lenient' && 'messages' in want.strict) continue;
      const mapped: Record<string, string> = {};
      for (const ic of interchanges) {
        const env = readEnvelope(ic);
        for (const m of env.messages) {
          const key = `${env.reference}/${m.reference}`;
          if (m.type === 'INVOIC') {
            const r = mapInvoic(m);
            mapped[key] = r.ok ? 'stored' : r.problems.map(short).join(' ');
          } else if (m.type === 'ORDERS') mapped[key] = `${mapOrders(m).length} lines`;
        }
      }
      if (interchanges.some((ic) => readEnvelope(ic).messages.some((m) => m.type === 'DESADV'))) {
        // Through the use case, in a real database: the register keeps the file, each message is refused with its reasons.
        const result = await submitDesadvFile(ctx, actor, { bytes, name: file }, { mode });
        for (const ic of result.interchanges) {
          expect(ic.contrl).toMatch(/UCI\+[^']+\+7'/);
          if (ic.duplicate) {
            // Sent before (same sender and control reference): answered with the first CONTRL, not processed; the mapping still says why it would be refused.
            mapped[`${ic.reference} register`] = 'duplicate';
            for (const m of readEnvelope(interchanges.find((x) => readEnvelope(x).reference === ic.reference)!).messages) {
              const r = mapDesadv(m);
              mapped[`${ic.reference}/${m.reference}`] = r.ok ? 'maps' : r.problems.map(short).join(' ');
            }
          }
          for (const m of ic.messages) {
            mapped[`${ic.reference}/${m.reference}`] = m.status === 'accepted' ? 'stored' : m.problems.map(short).join(' ');
            if (m.status !== 'accepted') expect(m.aperak).toContain(`RFF+ACW:${m.reference}'`);
          }
        }
      }
      if (file === 'bots_orders_d96a_ean008_orders02.edi') {
        expect(Object.values(mapped).filter((v) => v === '0 lines')).toHaveLength(1);
        continue;
      }
      expect(mapped).toEqual(want.mapped ?? {});
    }
  });
}

describe('EDIFACT fixtures in tests/fixtures/edifact', () => {
  sweep(localDir, ediFiles(localDir));
});

describe('EDIFACT fixtures in ../shared/fixtures/edifact/permissive', needs(permissiveDir), () => {
  sweep(permissiveDir, ediFiles(permissiveDir));
});

// Copyleft samples stay outside the repository.
describe('EDIFACT fixtures in ../shared/fixtures/edifact/copyleft', needs(copyleftDir), () => {
  sweep(copyleftDir, ediFiles(copyleftDir));
});

it('reads our ten copies in tests/fixtures/edifact', () => {
  expect(ediFiles(localDir).length).toBe(10);
});
