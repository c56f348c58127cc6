import { describe, expect, it } from 'vitest';
import { tokenize } from './tokenize.ts';
import type { Segment } from './interchange.ts';
import { isEdifactError, type EdifactError } from './problems.ts';
import { value } from './element-values.ts';
import { readEnvelope } from './envelope.ts';
import { buildContrl, contrlForRefusal, writeContrl, type ContrlInput } from './write-contrl.ts';
import { buildAperak, ercCode, writeAperak } from './write-aperak.ts';

const at = new Date('2026-03-20T10:15:00Z');
const answered = { reference: 'ICR1', sender: 'SUPPLIER', senderQualifier: '14', recipient: 'LOTBRIDGE', recipientQualifier: '14', syntaxVersion: 3, charset: 'UNOA' };

function refusal(text: string): { error: EdifactError; segments: Segment[] | null } {
  let segments: Segment[] | null = null;
  try {
    const ic = tokenize(text);
    segments = ic.segments;
    readEnvelope(ic);
  } catch (e) {
    if (isEdifactError(e)) return { error: e, segments };
    throw e;
  }
  throw new Error('accepted');
}

/** The CONTRL's segments between UNH and UNT, as tag + elements. */
function body(text: string): { tag: string; elements: string[][] }[] {
  const env = readEnvelope(tokenize(text));
  expect(env.messages).toHaveLength(1);
  return env.messages[0]!.segments.slice(1, -1).map((s) => ({ tag: s.tag, elements: s.elements }));
}

describe('writeContrl', () => {
  it('rejects an interchange with a wrong UNT count: UCI 4, UCM 4 with code 29 on UNT element 1', () => {
    const { error, segments } = refusal("UNB+UNOA:3+SUPPLIER:14+LOTBRIDGE:14+260320:1015+ICR1'UNH+M1+DESADV:D:96A:UN:EAN005'BGM+351+DA1+9'UNT+9+M1'UNZ+1+ICR1'");
    const input = contrlForRefusal(error, segments, { reference: 'OUR1', preparedAt: at })!;
    const text = writeContrl(input);
    expect(text.startsWith("UNB+UNOA:3+LOTBRIDGE:14+SUPPLIER:14+260320:1015+OUR1'UNH+1+CONTRL:D:3:UN'")).toBe(true);
    expect(body(text)).toEqual([
      { tag: 'UCI', elements: [['ICR1'], ['SUPPLIER', '14'], ['LOTBRIDGE', '14'], ['4'], ['29']] },
      { tag: 'UCM', elements: [['M1'], ['DESADV', 'D', '96A', 'UN', 'EAN005'], ['4'], ['29'], ['UNT'], ['1', '1']] },
    ]);
  });

  it('names a bad character inside a message by UCS (position from UNH = 1) and UCD (element, component)', () => {
    const { error, segments } = refusal("UNB+UNOA:3+SUPPLIER:14+LOTBRIDGE:14+260320:1015+ICR2'UNH+M1+DESADV:D:96A:UN:EAN005'BGM+351+DA1+9'LIN+1++4012345000009:SRV'PIA+1+lot1:NB'UNT+5+M1'UNZ+1+ICR2'");
    expect(segments).toBeNull(); // refused by the tokenizer: the CONTRL is built from its context
    const input = contrlForRefusal(error, segments, { reference: 'OUR2', preparedAt: at })!;
    expect(body(writeContrl(input))).toEqual([
      { tag: 'UCI', elements: [['ICR2'], ['SUPPLIER', '14'], ['LOTBRIDGE', '14'], ['4'], ['21']] },
      { tag: 'UCM', elements: [['M1'], ['DESADV', 'D', '96A', 'UN', 'EAN005'], ['4']] },
      { tag: 'UCS', elements: [['4']] },
      { tag: 'UCD', elements: [['21'], ['2', '1']] },
    ]);
  });

  it('answers the messages of a functional group under its UCF', () => {
    const text = writeContrl({
      answered,
      problems: [],
      messages: [
        { reference: 'M1', identifier: ['ORDERS', 'D', '96A', 'UN'], group: { reference: 'G1', sender: ['APPS', '14'], recipient: ['APPR', '14'] }, problems: [] },
        { reference: 'M2', identifier: ['ORDERS', 'D', '96A', 'UN'], group: { reference: 'G1', sender: ['APPS', '14'], recipient: ['APPR', '14'] }, problems: [] },
      ],
      reference: 'OURG',
      preparedAt: at,
    });
    expect(body(text).map((s) => [s.tag, s.elements[0]![0], s.elements.at(-1)![0]])).toEqual([
      ['UCI', 'ICR1', '7'],
      ['UCF', 'G1', '7'],
      ['UCM', 'M1', '7'],
      ['UCM', 'M2', '7'],
    ]);
  });

  it('puts an interchange-level fault on UCI with its tag and element (UNZ reference)', () => {
    const { error, segments } = refusal("UNB+UNOC:4+SUPPLIER:14+LOTBRIDGE:14+20260320:1015+ICR3'UNH+M1+DESADV:D:96A:UN'UNT+2+M1'UNZ+1+WRONG'");
    const text = writeContrl(contrlForRefusal(error, segments, { reference: 'OUR3', preparedAt: at })!);
    // Syntax 4 is answered with CONTRL 4:1 and a CCYYMMDD date.
    expect(text).toContain("UNB+UNOC:4+LOTBRIDGE:14+SUPPLIER:14+20260320:1015+OUR3'UNH+1+CONTRL:4:1:UN'");
    expect(body(text)).toEqual([{ tag: 'UCI', elements: [['ICR3'], ['SUPPLIER', '14'], ['LOTBRIDGE', '14'], ['4'], ['28'], ['UNZ'], ['2', '1']] }]);
  });

  it('acknowledges an interchange with a UCM per message: 7 for accepted, 4 with code 14 on UNH S009 for an unsupported type', () => {
    const input: ContrlInput = {
      answered,
      problems: [],
      messages: [
        { reference: 'M1', identifier: ['DESADV', 'D', '96A', 'UN', 'EAN005'], problems: [] },
        {
          reference: 'M2',
          identifier: ['IFTSTA', 'D', '01B', 'UN'],
          problems: [{ code: 'unsupportedMessageType', message: 'x', params: {}, segment: 1, tag: 'UNH', element: 2, component: 1, messageReference: 'M2' }],
        },
      ],
      reference: 'OUR4',
      preparedAt: at,
    };
    expect(body(writeContrl(input))).toEqual([
      { tag: 'UCI', elements: [['ICR1'], ['SUPPLIER', '14'], ['LOTBRIDGE', '14'], ['7']] },
      { tag: 'UCM', elements: [['M1'], ['DESADV', 'D', '96A', 'UN', 'EAN005'], ['7']] },
      { tag: 'UCM', elements: [['M2'], ['IFTSTA', 'D', '01B', 'UN'], ['4'], ['14'], ['UNH'], ['2', '1']] },
    ]);
    expect(body(writeContrl({ ...input, action: 'received' }))).toEqual([{ tag: 'UCI', elements: [['ICR1'], ['SUPPLIER', '14'], ['LOTBRIDGE', '14'], ['8']] }]);
  });

  it('round-trips: escapes service characters in references and writes UNT/UNZ counts the envelope check accepts', () => {
    const odd = { ...answered, reference: "R+1:2'3?", sender: 'A+B', charset: 'UNOC' };
    const built = buildContrl({ answered: odd, problems: [], messages: [{ reference: "M'1", identifier: ['DESADV', 'D', '96A', 'UN'], problems: [] }], reference: 'OUR5', preparedAt: at });
    const text = writeContrl({ answered: odd, problems: [], messages: [{ reference: "M'1", identifier: ['DESADV', 'D', '96A', 'UN'], problems: [] }], reference: 'OUR5', preparedAt: at });
    const env = readEnvelope(tokenize(text));
    const uci = env.messages[0]!.segments[1]!;
    expect([value(uci, 1), value(uci, 2, 1), value(uci, 4)]).toEqual(["R+1:2'3?", 'A+B', '7']);
    expect(value(env.messages[0]!.segments[2]!, 1)).toBe("M'1");
    expect(env.recipient).toBe('A+B');
    // Every written value comes back as written.
    expect(env.messages[0]!.segments.slice(1, -1).map((s) => s.elements)).toEqual(built.messages[0]!.segments.map((s) => (s.elements ?? []).map((e) => (typeof e === 'string' ? [e] : (e as string[])))));
  });

  it('answers in UNOC when the partner declared UNOA but our text needs lower case', () => {
    const text = writeContrl({ answered: { ...answered, sender: '<Sender GLN>' }, problems: [], messages: [], reference: 'OUR6', preparedAt: at });
    expect(text.startsWith('UNB+UNOC:3+')).toBe(true);
    expect(readEnvelope(tokenize(text)).recipient).toBe('<Sender GLN>');
  });
});

describe('writeAperak', () => {
  it('gives the lot use case\'s problem codes their ERC codes, an invoice field problem BADVALUE and a missing value MISSING', () => {
    const erc = (code: string) => ercCode({ code, message: '', params: {}, segment: null, tag: null });
    expect(['lots.unknownPurchaseOrder', 'lots.duplicate', 'lots.duplicateOnOrder', 'lots.gtinNotOnOrder', 'common.required'].map(erc)).toEqual(['UNKPO', 'DUPLOT', 'DUPLOT', 'GTINNOPO', 'BADVALUE']);
    expect(['invoices.unknownPurchaseOrder', 'invoices.noLines', 'noLot', 'unknownPurchaseOrder'].map(erc)).toEqual(['BADVALUE', 'BADVALUE', 'MISSING', 'UNKPO']);
  });

  it('writes BGM+313, DTM, RFF to the original message, NAD back to the sender and ERC + FTX per problem; round-trips', () => {
    const problems = [
      { code: 'unknownPurchaseOrder', message: 'lines/0/po_number is not one of your purchase orders: 4500000001', params: {}, segment: 7, tag: 'RFF', element: 1, component: 2, messageReference: 'M1' },
      { code: 'unknownGtin', message: "GTIN isn't known + ok: 'quoted' ? " + 'x'.repeat(200), params: {}, segment: 9, tag: 'LIN', element: 3, component: 1, messageReference: 'M1' },
    ];
    const input = {
      answered,
      message: { reference: 'M1', identifier: ['DESADV', 'D', '96A', 'UN', 'EAN005'], documentNumber: 'DA-1', purchaseOrder: '4500000001' },
      problems,
      reference: 'AP1',
      documentNumber: 'AP1',
      preparedAt: at,
    };
    const text = writeAperak(input);
    expect(text).toContain("UNH+1+APERAK:D:96A:UN:EAN002'BGM+313+AP1+27'DTM+137:202603201015:203'RFF+ACW:M1'RFF+DM:DA-1'RFF+ON:4500000001'NAD+MS+LOTBRIDGE::9'NAD+MR+SUPPLIER::9'ERC+UNKPO::ZZZ'");
    const env = readEnvelope(tokenize(text));
    expect([env.sender, env.recipient]).toEqual(['LOTBRIDGE', 'SUPPLIER']);
    const segs = env.messages[0]!.segments;
    const ftx = segs.filter((s) => s.tag === 'FTX');
    expect(ftx.map((s) => s.elements[3]!.join(''))).toEqual(['segment 7 (RFF), element 1, component 2: ' + problems[0]!.message, ('segment 9 (LIN), element 3, component 1: ' + problems[1]!.message).slice(0, 350)]);
    expect(ftx[1]!.elements[3]!.every((c) => c.length <= 70)).toBe(true);
    expect(segs.filter((s) => s.tag === 'ERC').map((s) => value(s, 1, 1))).toEqual(['UNKPO', 'UNKGTIN']);
    const built = buildAperak(input);
    expect(segs.slice(1, -1).map((s) => s.elements)).toEqual(built.messages[0]!.segments.map((s) => (s.elements ?? []).map((e) => (typeof e === 'string' ? [e] : (e as string[]).slice(0, (e as string[]).findLastIndex((c) => c !== '') + 1)))));
    // Accepted: function 29 and no ERC.
    expect(writeAperak({ ...input, problems: [] })).toContain("BGM+313+AP1+29'");
  });
});
