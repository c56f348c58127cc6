import { describe, expect, it } from 'vitest';
import { tokenize } from './tokenize.ts';
import { isEdifactError, type EdifactProblem } from './problems.ts';
import { readEnvelope, readEnvelopes, splitInterchanges } from './envelope.ts';

const refused = (text: string): EdifactProblem[] => {
  try {
    readEnvelope(tokenize(text));
  } catch (e) {
    if (isEdifactError(e)) return e.problems;
    throw e;
  }
  throw new Error('accepted');
};
const brief = (ps: EdifactProblem[]) => ps.map((p) => [p.code, p.segment, p.tag, p.element ?? null, p.component ?? null, p.messageReference ?? null, p.messageStart ?? null]);

describe('readEnvelope', () => {
  it('checks the UNB header: syntax identifier, sender, recipient, date and time, reference length', () => {
    expect(brief(refused("UNB++:14+R+2603:12+ABCDEFGHIJKLMNO'UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNZ+1+ABCDEFGHIJKLMNO'"))).toEqual([
      ['missingValue', 1, 'UNB', 1, 1, null, null],
      ['missingValue', 1, 'UNB', 2, 1, null, null],
      ['badDateTime', 1, 'UNB', 4, 1, null, null],
      ['referenceTooLong', 1, 'UNB', 5, 1, null, null],
    ]);
  });

  it('refuses a message reference used twice, and says which message a UNT problem is in (with its UNH position)', () => {
    expect(brief(refused("UNB+UNOA:3+S+R+260320:1015+I1'UNH+M1+ORDERS:D:96A:UN'UNT+2+M1'UNH+M1+ORDERS:D:96A:UN'BGM+220'UNT+2+M1'UNZ+2+I1'"))).toEqual([
      ['duplicateMessage', 4, 'UNH', 1, 1, 'M1', 4],
      ['segmentCount', 6, 'UNT', 1, 1, 'M1', 4],
    ]);
  });

  it('refuses groups mixed with loose messages, an empty group and an empty interchange', () => {
    expect(brief(refused("UNB+UNOA:3+S+R+260320:1015+I1'UNG+ORDERS+S+R+260320:1015+G1+UN+D:96A'UNE+0+G1'UNH+M1+ORDERS:D:96A:UN'UNT+2+M1'UNZ+1+I1'"))).toEqual([
      ['emptyGroup', 2, 'UNG', null, null, null, null],
      ['mixed', 4, 'UNH', null, null, null, null],
    ]);
    expect(brief(refused("UNB+UNOA:3+S+R+260320:1015+I1'UNZ+0+I1'"))).toEqual([['emptyInterchange', 2, 'UNZ', null, null, null, null]]);
  });

  it('splits a file of several interchanges, each counted from its own UNB', () => {
    const text = "UNB+UNOA:3+S+R+260320:1015+I1'UNH+M1+ORDERS:D:96A:UN'UNT+2+M1'UNZ+1+I1'\r\nUNB+UNOC:3+S+R+260320:1016+I2'UNH+M2+DESADV:D:96A:UN'UNT+2+M2'UNZ+1+I2'";
    const parts = splitInterchanges(tokenize(text));
    expect(parts.map((p) => [p.charset, p.segments.map((s) => `${s.position}${s.tag}`).join(' ')])).toEqual([
      ['UNOA', '1UNB 2UNH 3UNT 4UNZ'],
      ['UNOC', '1UNB 2UNH 3UNT 4UNZ'],
    ]);
    expect(readEnvelopes(tokenize(text)).map((e) => [e.reference, e.messages[0]!.type])).toEqual([
      ['I1', 'ORDERS'],
      ['I2', 'DESADV'],
    ]);
    // A segment after UNZ that is not a UNB stays a fault of the interchange before it.
    expect(() => readEnvelopes(tokenize("UNB+UNOA:3+S+R+260320:1015+I1'UNH+M1+ORDERS:D:96A:UN'UNT+2+M1'UNZ+1+I1'BGM+1'"))).toThrow(/follows the UNZ/);
  });
});
