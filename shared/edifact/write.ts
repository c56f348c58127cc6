// EDIFACT out: segments written with the service characters escaped by the release
// character, trailing empty elements and components left off, and the control counts (UNT
// segments, UNZ messages) computed rather than typed.
import { defaultServiceChars, type ServiceChars } from './interchange.ts';

/** An element: a simple value, its components, or (syntax 4) its repetitions of components. */
export type WriteElement = string | string[] | { repeat: string[][] };

export interface WriteSegment {
  tag: string;
  elements?: WriteElement[];
}

/** C0 control characters and DEL: in no EDIFACT repertoire, and a release character cannot carry them. */
const isControl = (ch: string) => ch.charCodeAt(0) < 0x20 || ch === '\u007f';

/**
 * A value as written: service characters released, control characters left out. What we copy
 * from a received interchange into an answer (its UNB ids into our UNB and UCI, read leniently
 * or with a released NUL when its UNA made NUL the release character) may hold them; written
 * raw they would make our own answer unreadable, so such an id is written as far as it can
 * be represented: without them.
 */
export function escape(value: string, chars: ServiceChars = defaultServiceChars): string {
  const special = [chars.release, chars.component, chars.element, chars.segment, ...(chars.repetition ? [chars.repetition] : [])];
  let out = '';
  for (const ch of value) {
    if (special.includes(ch)) out += chars.release + ch;
    else if (!isControl(ch)) out += ch;
  }
  return out;
}

const trimEnd = (parts: string[]) => {
  const a = [...parts];
  while (a.length && a[a.length - 1] === '') a.pop();
  return a;
};

export function writeSegment(segment: WriteSegment, chars: ServiceChars = defaultServiceChars): string {
  const composite = (components: string[]) => trimEnd(components.map((c) => escape(c, chars))).join(chars.component);
  const elements = trimEnd(
    (segment.elements ?? []).map((e) => {
      if (typeof e === 'string') return escape(e, chars);
      if (Array.isArray(e)) return composite(e);
      if (!chars.repetition) throw new Error('a repeated element needs a repetition separator (syntax 4)');
      return trimEnd(e.repeat.map(composite)).join(chars.repetition);
    }),
  );
  return [segment.tag, ...elements].join(chars.element) + chars.segment;
}

export function una(chars: ServiceChars): string {
  return `UNA${chars.component}${chars.element}${chars.decimal}${chars.release}${chars.repetition ?? ' '}${chars.segment}`;
}

export interface WriteMessage {
  reference: string;
  /** e.g. ['INVOIC', 'D', '96A', 'UN', 'EAN008'] */
  type: string[];
  /** The segments between UNH and UNT. */
  segments: WriteSegment[];
}

export interface WriteInterchange {
  /** e.g. ['UNOC', '3'] */
  syntax: string[];
  sender: string[];
  recipient: string[];
  /** [YYMMDD or CCYYMMDD, HHMM] */
  preparedAt: string[];
  reference: string;
  messages: WriteMessage[];
  chars?: ServiceChars;
  /** Write a UNA service string advice (always written when chars differ from the defaults). */
  withUna?: boolean;
  /** Between segments, e.g. '\r\n'; none by default. */
  newline?: string;
}

/** A whole interchange as text, with UNT and UNZ counts and references computed. */
export function writeInterchange(ic: WriteInterchange): string {
  const chars = ic.chars ?? defaultServiceChars;
  const nl = ic.newline ?? '';
  const isDefault = (Object.keys(defaultServiceChars) as (keyof ServiceChars)[]).every((k) => k === 'repetition' || chars[k] === defaultServiceChars[k]);
  const out: string[] = [];
  if (ic.withUna || !isDefault || (chars.repetition && chars.repetition !== '*')) out.push(una(chars));
  out.push(writeSegment({ tag: 'UNB', elements: [ic.syntax, ic.sender, ic.recipient, ic.preparedAt, ic.reference] }, chars));
  for (const m of ic.messages) {
    out.push(writeSegment({ tag: 'UNH', elements: [m.reference, m.type] }, chars));
    for (const s of m.segments) out.push(writeSegment(s, chars));
    out.push(writeSegment({ tag: 'UNT', elements: [String(m.segments.length + 2), m.reference] }, chars));
  }
  out.push(writeSegment({ tag: 'UNZ', elements: [String(ic.messages.length), ic.reference] }, chars));
  return out.join(nl) + nl;
}

/** The interchange's bytes in the charset its UNB declares (UNOW/UNOY: UTF-8; others latin1). */
export function encodeInterchange(text: string, syntax: string): Uint8Array {
  return syntax === 'UNOW' || syntax === 'UNOY' ? new TextEncoder().encode(text) : new Uint8Array(Buffer.from(text, 'latin1'));
}
