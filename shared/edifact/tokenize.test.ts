import { describe, expect, it } from 'vitest';
import { tokenize } from './tokenize.ts';
import { ChunkTokenizer } from './chunk-tokenizer.ts';
import { maxWarnings } from './interchange.ts';
import { isEdifactError, type EdifactProblem } from './problems.ts';
import { value } from './element-values.ts';
import { readEnvelope } from './envelope.ts';
import { writeInterchange, encodeInterchange, escape } from './write.ts';

const refused = (f: () => unknown): EdifactProblem[] => {
  try {
    f();
  } catch (e) {
    if (isEdifactError(e)) return e.problems;
    throw e;
  }
  throw new Error('accepted');
};
const seg = (text: string, mode: 'strict' | 'lenient' = 'strict') => tokenize(text, { mode }).segments;

describe('tokenize', () => {
  it('reads the defaults without UNA, empty and trailing empty elements', () => {
    const s = seg("UNB+UNOA:3+A+B+260101:1200+1'UNH+1+INVOIC:D:96A:UN'DTM+137::102++'UNT+3+1'UNZ+1+1'");
    expect(s.map((x) => x.tag)).toEqual(['UNB', 'UNH', 'DTM', 'UNT', 'UNZ']);
    expect(s[2]!.elements).toEqual([['137', '', '102'], [''], ['']]);
    expect(s[2]!.position).toBe(3);
  });

  it('handles release characters before every separator and before itself', () => {
    const s = seg("UNB+UNOA:3+A+B+1+1'FTX+AAI+++A?+B?:C?'D??E?'?'+X'UNZ+0+1'");
    expect(s[1]!.elements[3]).toEqual(["A+B:C'D?E''"]);
    expect(s[1]!.elements[4]).toEqual(['X']);
  });

  it('reads a UNA with any service characters and a repetition separator (syntax 4)', () => {
    const s = seg("UNA=*,#^~UNB*UNOC=4*A*B*1*1~FTX*AAI*1*2*x=y^p=q#~z~UNZ*0*1~");
    expect(s[1]!.elements[3]).toEqual(['x', 'y']);
    expect(s[1]!.repetitions[3]).toEqual([['x', 'y'], ['p', 'q~z']]);
  });

  it('uses * as the repetition separator in syntax 4 without UNA', () => {
    const s = seg("UNB+UNOC:4+A+B+1+1'NAT+2+DE*FR'UNZ+0+1'");
    expect(s[1]!.repetitions[1]).toEqual([['DE'], ['FR']]);
    // Syntax 3: * is data.
    expect(seg("UNB+UNOC:3+A+B+1+1'NAT+2+DE*FR'UNZ+0+1'")[1]!.elements[1]).toEqual(['DE*FR']);
  });

  it('skips a UTF-8 BOM and CR/LF between segments; a segment split across CRLF only in lenient mode', () => {
    const text = "\uFEFFUNB+UNOA:3+A+B+1+1'\r\nUNH+1+INVOIC:D:96A:UN'\r\nUNT+2+1'\r\nUNZ+1+1'\r\n";
    expect(seg(text).length).toBe(4);
    const split = "UNB+UNOA:3+A+B+1+1'\r\nFTX+AAI+++SPLIT\r\n TEXT'UNZ+0+1'";
    expect(refused(() => seg(split))).toMatchObject([{ code: 'controlCharacter', segment: 2, tag: 'FTX', element: 4, component: 1 }]);
    expect(seg(split, 'lenient')[1]!.elements[3]).toEqual(['SPLIT TEXT']);
    // A release split from its character by a line break.
    expect(seg("UNB+UNOA:3+A+B+1+1'FTX+A?\r\n+B'UNZ+0+1'", 'lenient')[1]!.elements[0]).toEqual(['A+B']);
  });

  it('decodes by the UNB charset: UNOC as latin1, UNOW as UTF-8', () => {
    const latin = new Uint8Array(Buffer.from("UNB+UNOC:3+A+B+1+1'FTX+M\xfcNCHEN'UNZ+0+1'", 'latin1'));
    expect(tokenize(latin).segments[1]!.elements[0]).toEqual(['MüNCHEN']);
    const utf8 = new TextEncoder().encode("UNB+UNOW:4+A+B+1+1'FTX+上海'UNZ+0+1'");
    expect(tokenize(utf8).segments[1]!.elements[0]).toEqual(['上海']);
    const badUtf8 = new Uint8Array([...new TextEncoder().encode("UNB+UNOY:4+A+B+1+1'FTX+"), 0xff, 0x27]);
    expect(refused(() => tokenize(badUtf8))).toMatchObject([{ code: 'notUtf8' }]);
  });

  it('refuses lower case under UNOA in strict mode with its position, accepts it in lenient mode', () => {
    const text = "UNB+UNOA:3+A+B+1+1'NAD+BY+x:y'UNZ+0+1'";
    expect(refused(() => seg(text))).toMatchObject([{ code: 'badCharacter', segment: 2, tag: 'NAD', element: 2, component: 1 }]);
    expect(seg(text, 'lenient')[1]!.elements[1]).toEqual(['x', 'y']);
  });

  it('refuses a dangling release, an unterminated segment, a bad tag and an unknown charset (strict)', () => {
    expect(refused(() => seg("UNB+UNOA:3+A+B+1+1'FTX+A?"))).toMatchObject([{ code: 'danglingRelease', segment: 2 }]);
    expect(refused(() => seg("UNB+UNOA:3+A+B+1+1'FTX+A"))).toMatchObject([{ code: 'unterminated', segment: 2, tag: 'FTX' }]);
    expect(refused(() => seg("UNB+UNOA:3+A+B+1+1'F-X+A'"))).toMatchObject([{ code: 'badTag', segment: 2 }]);
    expect(refused(() => seg("UNB+IATB:1+A+B+1+1'UNZ+0+1'"))).toMatchObject([{ code: 'unknownCharset', segment: 1, element: 1, component: 1 }]);
    expect(refused(() => seg(''))).toMatchObject([{ code: 'empty' }]);
  });
});

describe('the fast and the careful path', () => {
  it('give the same segments: plain segments (fast) and the same with line breaks inside (careful, lenient)', () => {
    const plain = "UNA:+.?*'UNB+UNOC:4+A:14+B+20260101:1200+1'UNH+1+DESADV:D:96A:UN:EAN005'LIN+1++09506000134352:SRV'PIA+1+L1:NB*L2:NB'QTY+12:4'DTM'UNT+6+1'UNZ+1+1'";
    const broken = plain.replace(/(\w)(\w)'/g, "$1\r\n$2'");
    const read = (t: string) => tokenize(t, { mode: 'lenient' }).segments.map((s) => [s.tag, s.elements, s.repetitions, s.position]);
    expect(read(broken)).toEqual(read(plain));
    expect(read(plain)[3]).toEqual(['PIA', [['1'], ['L1', 'NB']], [[['1']], [['L1', 'NB'], ['L2', 'NB']]], 4]);
    expect(read(plain)[5]).toEqual(['DTM', [], [], 6]);
  });

  it('value() reads a segment in place as its elements say, repetitions and missing parts included', () => {
    const [, lin, pia] = tokenize("UNA:+.?*'UNB+UNOC:4+A+B+20260101:1200+1'LIN+1++09506000134352:SRV'PIA+1+L1:NB*L2:NB+:x'UNZ+0+1'").segments;
    expect([value(lin!, 3, 1), value(lin!, 3, 2), value(lin!, 3, 3), value(lin!, 2), value(lin!, 9)]).toEqual(['09506000134352', 'SRV', '', '', '']);
    expect([value(pia!, 2, 1), value(pia!, 2, 2), value(pia!, 3, 1), value(pia!, 3, 2)]).toEqual(['L1', 'NB', '', 'x']);
  });
});

describe('write and envelope', () => {
  it('round-trips through the writer with escaping and computed counts', () => {
    const text = writeInterchange({
      syntax: ['UNOC', '3'],
      sender: ['SENDER', '14'],
      recipient: ['RECIP', '14'],
      preparedAt: ['260325', '1200'],
      reference: 'REF1',
      newline: '\r\n',
      messages: [
        { reference: 'M1', type: ['INVOIC', 'D', '96A', 'UN', 'EAN008'], segments: [{ tag: 'BGM', elements: [['380'], "A+B:C'D?E", '9'] }, { tag: 'FTX', elements: ['AAI', '', '', ['x', '', ''], ''] }] },
        { reference: 'M2', type: ['INVOIC', 'D', '01B', 'UN'], segments: [{ tag: 'BGM', elements: ['380', 'N2'] }] },
      ],
    });
    expect(text).toContain("BGM+380+A?+B?:C?'D??E+9'");
    expect(text).toContain("FTX+AAI+++x'");
    expect(text).toContain("UNT+4+M1'");
    expect(text).toContain("UNZ+2+REF1'");
    const ic = tokenize(encodeInterchange(text, 'UNOC'));
    const env = readEnvelope(ic);
    expect(env.messages.map((m) => [m.reference, m.type, m.version, m.release, m.association])).toEqual([
      ['M1', 'INVOIC', 'D', '96A', 'EAN008'],
      ['M2', 'INVOIC', 'D', '01B', ''],
    ]);
    expect(env.messages[0]!.segments[1]!.elements[1]).toEqual(["A+B:C'D?E"]);
    expect(escape('a?b', { component: '=', element: '*', decimal: '.', release: '?', repetition: '^', segment: '~' })).toBe('a??b');
  });

  it('checks UNT and UNZ counts and references, all problems at once', () => {
    const text = "UNB+UNOA:3+A+B+260101:1200+R1'UNH+M1+INVOIC:D:96A:UN'BGM+380+1'UNT+5+M9'UNZ+2+R2'";
    expect(refused(() => readEnvelope(tokenize(text)))).toMatchObject([
      { code: 'segmentCount', segment: 4, tag: 'UNT', element: 1, params: { given: '5', actual: 3 } },
      { code: 'referenceMismatch', segment: 4, tag: 'UNT', element: 2 },
      { code: 'messageCount', segment: 5, tag: 'UNZ', element: 1 },
      { code: 'referenceMismatch', segment: 5, tag: 'UNZ', element: 2 },
    ]);
    expect(refused(() => readEnvelope(tokenize("UNB+UNOA:3+A+B+260101:1200+R1'UNH+M1+INVOIC:D:96A:UN'")))).toMatchObject([{ code: 'missingUnt' }, { code: 'missingUnz' }]);
  });

  it('counts groups in UNZ when UNG/UNE are used', () => {
    const text = "UNB+UNOA:3+A+B+260101:1200+R1'UNG+INVOIC+A+B+1+G1+UN+D:96A'UNH+M1+INVOIC:D:96A:UN'UNT+2+M1'UNE+1+G1'UNZ+1+R1'";
    expect(readEnvelope(tokenize(text)).messages[0]!.group).toBe('G1');
  });
});

describe('a release character before an ordinary character (issue 11)', () => {
  // A DESADV as partners' software writes it: the decimal comma over-escaped in QTY and in free text.
  const desadv =
    "UNA:+,? 'UNB+UNOC:3+SUPPLIER:14+LOTBRIDGE:14+260320:1015+ICR1'UNH+M1+DESADV:D:96A:UN:EAN005'BGM+351+DA1+9'FTX+AAI+++PALLET 1?,5 M'QTY+12:12?,5'UNT+5+M1'UNZ+1+ICR1'";

  it('is read as the character itself in strict mode, with a warning naming where', () => {
    const ic = tokenize(desadv, { mode: 'strict' });
    expect(value(ic.segments.find((s) => s.tag === 'QTY')!, 1, 2)).toBe('12,5');
    expect(value(ic.segments.find((s) => s.tag === 'FTX')!, 4)).toBe('PALLET 1,5 M');
    expect(ic.warnings!.map((w) => [w.code, w.severity, w.segment, w.tag, w.element, w.component, w.messageReference, w.messageStart])).toEqual([
      ['releasedOrdinary', 'warning', 4, 'FTX', 4, 1, 'M1', 2],
      ['releasedOrdinary', 'warning', 5, 'QTY', 1, 2, 'M1', 2],
    ]);
    expect(tokenize(desadv, { mode: 'lenient' }).segments.map((s) => s.elements)).toEqual(ic.segments.map((s) => s.elements));
  });

  it('gives the same segments and warnings fed in chunks, whatever the cuts', () => {
    const bytes = new TextEncoder().encode(desadv);
    const whole = tokenize(bytes);
    for (let cut = 1; cut < bytes.length; cut++) {
      const t = new ChunkTokenizer();
      const segments = [...t.write(bytes.subarray(0, cut)), ...t.write(bytes.subarray(cut)), ...t.end()];
      expect(segments.map((s) => s.elements)).toEqual(whole.segments.map((s) => s.elements));
      expect(t.warnings).toEqual(whole.warnings);
    }
  });

  it('keeps refusing a release that releases nothing, and warns no more than maxWarnings times', () => {
    expect(refused(() => seg("UNB+UNOA:3+A+B+1+1'FTX+A?,B?"))).toMatchObject([{ code: 'danglingRelease', segment: 2 }]);
    const many = tokenize(`UNB+UNOC:3+A+B+1+1'FTX+${'1?,'.repeat(maxWarnings + 5)}'UNZ+0+1'`);
    expect(many.warnings).toHaveLength(maxWarnings);
    expect(tokenize("UNB+UNOA:3+A+B+1+1'FTX+A?+B'UNZ+0+1'").warnings).toEqual([]);
  });
});
