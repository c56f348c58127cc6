// Everything we write must read back with our own strict reader, whatever we received: a
// CONTRL answering an interchange whose UNA makes NUL (U+0000) the release character, so that
// the ids read from its UNB carry raw control characters, must not copy them into our UNB
// and UCI (issue 11).
import { describe, expect, it } from 'vitest';
import { tokenize } from './tokenize.ts';
import { isEdifactError, type EdifactError } from './problems.ts';
import { value } from './element-values.ts';
import { readEnvelope } from './envelope.ts';
import { contrlBytes, contrlForRefusal, unbForAnswer } from './write-contrl.ts';
import { escape, writeSegment } from './write.ts';

const at = new Date('2026-03-20T10:15:00Z');
const enc = new TextEncoder();

/** The CONTRL the AS2 path answers a strict refusal with (process-as2-payload: context UNB, else unbForAnswer). */
function answer(bytes: Uint8Array): Uint8Array {
  let error: EdifactError | null = null;
  try {
    tokenize(bytes, { mode: 'strict' });
  } catch (e) {
    if (!isEdifactError(e)) throw e;
    error = e;
  }
  expect(error).not.toBeNull();
  const unb = error!.context?.unb ?? unbForAnswer(bytes);
  const input = contrlForRefusal(error!, null, { reference: 'OUR1', preparedAt: at }, unb);
  expect(input).not.toBeNull();
  return contrlBytes(input!);
}

describe('answers to an interchange with a NUL release character', () => {
  it('a refusal found before the UNB was complete (read again leniently for the address): the CONTRL reads back and names the ids without the NULs', () => {
    // UNOA refuses the lower-case "x" in the UNB, so the address comes from the lenient reread
    // (which kept a release before an ordinary character as itself, a raw NUL in both ids, until
    // it read it as the character, with a warning).
    const bytes = enc.encode("UNA:+.\u0000 'UNB+UNOA:3+SUP\u0000PLIER:14+LOT\u0000BRIDGE:14+260320:1015+ICRx'UNH+M1+DESADV:D:96A:UN'UNT+2+M1'UNZ+1+ICRx'");
    const contrl = tokenize(answer(bytes), { mode: 'strict' });
    const env = readEnvelope(contrl);
    expect(env.messages.map((m) => m.type)).toEqual(['CONTRL']);
    expect([env.sender, env.senderQualifier, env.recipient, env.recipientQualifier]).toEqual(['LOTBRIDGE', '14', 'SUPPLIER', '14']);
    const uci = contrl.segments.find((s) => s.tag === 'UCI')!;
    expect([value(uci, 2, 1), value(uci, 3, 1), value(uci, 4)]).toEqual(['SUPPLIER', 'LOTBRIDGE', '4']);
  });

  it('a refusal after a strictly read UNB whose ids hold a released NUL: the CONTRL reads back', () => {
    // "\0\0" is a released release character: the id read strictly holds one raw NUL.
    const bytes = enc.encode("UNA:+.\u0000 'UNB+UNOC:3+SUP\u0000\u0000PLIER:14+LOTBRIDGE:14+260320:1015+ICR1'UNH+M1+DESADV:D:96A:UN'BGM+351+DA\u00011+9'UNT+3+M1'UNZ+1+ICR1'");
    const contrl = tokenize(answer(bytes), { mode: 'strict' });
    const env = readEnvelope(contrl);
    expect([env.recipient, env.recipientQualifier]).toEqual(['SUPPLIER', '14']);
  });

  it('escape leaves control characters out (no charset carries them and no release character can release them)', () => {
    expect(escape('A\u0000B\u001f\u007fC\r\n+')).toBe('ABC?+');
    expect(writeSegment({ tag: 'UNB', elements: [['UNOA', '3'], ['A\u0000B', '14']] })).toBe("UNB+UNOA:3+AB:14'");
  });
});
