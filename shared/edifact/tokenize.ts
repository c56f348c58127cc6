// EDIFACT bytes → segments (ISO 9735). Written here instead of taking node-edifact's reader,
// which refused real partners' files (ARCHITECTURE.md): this one reads UNA with any service
// characters (syntax 3 and 4, with a repetition separator), no UNA (the defaults), a UTF-8
// BOM, CR/LF between segments or none, release characters anywhere, and decodes the bytes by
// the charset UNB declares (UNOA…UNOK: the ISO 8859 / latin1 family; UNOW/UNOY: UTF-8).
// Every refusal is an EdifactError whose problems name the segment number (UNB = 1, as in the
// interchange) and the element/component position, which is what a CONTRL needs.

export interface ServiceChars {
  component: string;
  element: string;
  decimal: string;
  release: string;
  /** Syntax 4 only; null when the interchange has none (syntax 1–3, or a space in UNA). */
  repetition: string | null;
  segment: string;
}

export const defaultServiceChars: ServiceChars = { component: ':', element: '+', decimal: '.', release: '?', repetition: null, segment: "'" };

export interface Segment {
  tag: string;
  /** Each element's components (its first repetition). */
  elements: string[][];
  /** Every repetition of each element (one entry when the element does not repeat). */
  repetitions: string[][][];
  /** 1-based position in the interchange (UNA not counted; UNB = 1). */
  position: number;
  /** Character offset of the segment's first character in the decoded text. */
  offset: number;
}

export type TokenizeMode = 'strict' | 'lenient';

export interface Interchange {
  chars: ServiceChars;
  /** Whether the file began with UNA. */
  una: boolean;
  /** UNB S001 0001, e.g. UNOC; '' when the file has no UNB. */
  charset: string;
  /** UNB S001 0002, e.g. 3 or 4; 0 when unknown. */
  syntaxVersion: number;
  /** How the bytes were decoded. */
  encoding: 'latin1' | 'utf-8';
  /** Lenient mode only: latin1 was declared but the bytes are UTF-8, and were read as such. */
  charsetMismatch: boolean;
  segments: Segment[];
}

export interface EdifactProblem {
  /** Stable code; `message` is its English text. */
  code: string;
  message: string;
  params: Record<string, string | number>;
  /** 1-based segment position: in the interchange (tokenizer, envelope) or in the message (UNH = 1) for mapping problems. */
  segment: number | null;
  tag: string | null;
  /** 1-based element and component positions, when the problem is inside one. */
  element?: number;
  component?: number;
  /** The UNH reference of the message, for problems inside one. */
  messageReference?: string;
  /** The submission field (e.g. lines/0/quantity) a use-case refusal was about. */
  field?: string;
}

export const edifactProblemTexts = {
  empty: 'the file is empty',
  badUna: 'the UNA service string advice is incomplete or repeats a character',
  noUnb: 'the interchange does not start with UNB',
  unknownCharset: 'the syntax identifier {charset} is not a known EDIFACT character set',
  notUtf8: 'byte {offset} is not valid UTF-8 although the interchange declares {charset}',
  badCharacter: 'the character {character} is not allowed under {charset}',
  controlCharacter: 'the control character {character} is not allowed in data',
  badTag: 'the segment tag {tag} is not three upper-case letters or digits',
  danglingRelease: 'the release character {release} ends the file',
  badRelease: 'the release character {release} precedes {character}, which is not a service character',
  unterminated: 'the last segment is not terminated by {segment}',
} as const;

export type EdifactProblemCode = keyof typeof edifactProblemTexts;

export function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** One or more problems of an interchange; nothing of it was accepted. */
export class EdifactError extends Error {
  readonly problems: EdifactProblem[];
  constructor(problems: EdifactProblem[]) {
    super(problems.map(describeProblem).join('; '));
    this.name = 'EdifactError';
    this.problems = problems;
  }
}

export function isEdifactError(e: unknown): e is EdifactError {
  return e instanceof Error && e.name === 'EdifactError' && Array.isArray((e as EdifactError).problems);
}

/** "segment 7 (QTY), element 2, component 2: …" */
export function describeProblem(p: EdifactProblem): string {
  const where: string[] = [];
  if (p.segment !== null) where.push(`segment ${p.segment}${p.tag ? ` (${p.tag})` : ''}`);
  if (p.element !== undefined) where.push(`element ${p.element}`);
  if (p.component !== undefined) where.push(`component ${p.component}`);
  return where.length ? `${where.join(', ')}: ${p.message}` : p.message;
}

export function syntaxProblem(
  code: EdifactProblemCode,
  params: Record<string, string | number>,
  at: { segment: number | null; tag: string | null; element?: number; component?: number },
): EdifactProblem {
  return { code, message: fill(edifactProblemTexts[code], params), params, ...at };
}

const latin1Charsets = new Set(['UNOA', 'UNOB', 'UNOC', 'UNOD', 'UNOE', 'UNOF', 'UNOG', 'UNOH', 'UNOI', 'UNOJ', 'UNOK']);
const utf8Charsets = new Set(['UNOW', 'UNOY']);
// UNOA (ISO 646 level A): upper-case letters, digits, space and . , - ( ) / = ' + : ? ! " % & * ; < >
const unoa = /^[A-Z0-9 .,\-()/='+:?!"%&*;<>]$/;
const unoaLenient = /^[A-Za-z0-9 .,\-()/='+:?!"%&*;<>]$/;
const unob = /^[\x20-\x7e]$/;

function show(ch: string): string {
  const code = ch.codePointAt(0)!;
  return code < 0x20 || (code >= 0x7f && code < 0xa0) ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}` : `"${ch}" (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
}

/** Reads the UNA (if any) and the UNB syntax identifier from the first bytes, before decoding. */
function readHead(bytes: Uint8Array): { start: number; chars: ServiceChars; una: boolean; charset: string; version: number } {
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  const head = Buffer.from(bytes.subarray(start, start + 512)).toString('latin1');
  let chars = { ...defaultServiceChars };
  let una = false;
  let rest = head;
  if (head.startsWith('UNA')) {
    if (head.length < 9) throw new EdifactError([syntaxProblem('badUna', {}, { segment: null, tag: 'UNA' })]);
    const s = head.slice(3, 9);
    const repetition = s[4] === ' ' ? null : s[4]!;
    chars = { component: s[0]!, element: s[1]!, decimal: s[2]!, release: s[3]!, repetition, segment: s[5]! };
    const used = [chars.component, chars.element, chars.release, chars.segment, ...(repetition ? [repetition] : [])];
    if (new Set(used).size !== used.length || chars.release === ' ') throw new EdifactError([syntaxProblem('badUna', {}, { segment: null, tag: 'UNA' })]);
    una = true;
    rest = head.slice(9);
  }
  rest = rest.replace(/^[\r\n]+/, '');
  let charset = '';
  let version = 0;
  if (rest.startsWith(`UNB${chars.element}`)) {
    const s001 = rest.slice(4).split(chars.element)[0]!.split(chars.segment)[0]!;
    const [id = '', v = ''] = s001.split(chars.component);
    charset = id;
    version = /^\d$/.test(v) ? Number(v) : 0;
  }
  // Syntax 4 without UNA: the default repetition separator is '*'.
  if (!una && version >= 4) chars.repetition = '*';
  return { start, chars, una, charset, version };
}

/**
 * Decodes and splits an interchange. Strict mode refuses what ISO 9735 refuses (characters
 * outside the declared repertoire, an unknown syntax identifier, a release character before an
 * ordinary character, a line break inside a segment); lenient mode accepts partners' common
 * mistakes (lower case under UNOA, UTF-8 bytes under a latin1 charset, an unknown charset read
 * as latin1, line breaks inside a segment dropped, a release before an ordinary character).
 */
export function tokenize(input: Uint8Array | string, options: { mode?: TokenizeMode } = {}): Interchange {
  const mode = options.mode ?? 'strict';
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  if (bytes.length === 0 || (bytes.length === 3 && bytes[0] === 0xef)) throw new EdifactError([syntaxProblem('empty', {}, { segment: null, tag: null })]);
  const { start, chars, una, charset, version } = readHead(bytes);
  const body = bytes.subarray(start);

  let encoding: Interchange['encoding'] = 'latin1';
  let charsetMismatch = false;
  if (utf8Charsets.has(charset)) encoding = 'utf-8';
  else if (!latin1Charsets.has(charset) && charset !== '') {
    if (mode === 'strict') throw new EdifactError([syntaxProblem('unknownCharset', { charset }, { segment: 1, tag: 'UNB', element: 1, component: 1 })]);
  }
  let text: string;
  if (encoding === 'utf-8') {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      const offset = firstBadUtf8(body);
      throw new EdifactError([syntaxProblem('notUtf8', { offset: offset + start, charset }, { segment: null, tag: null })]);
    }
  } else {
    text = Buffer.from(body).toString('latin1');
    if (mode === 'lenient' && body.some((b) => b >= 0x80)) {
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(body);
        encoding = 'utf-8';
        charsetMismatch = true;
      } catch {
        /* really latin1 */
      }
    }
  }
  if (una) text = text.slice(9);

  const allowed = mode === 'strict' ? (charset === 'UNOA' ? unoa : charset === 'UNOB' ? unob : null) : charset === 'UNOA' ? unoaLenient : null;
  const lineBreak = (ch: string) => (ch === '\r' || ch === '\n') && ch !== chars.segment;

  const segments: Segment[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    // Between segments: line breaks and (lenient) blanks.
    while (i < n && (lineBreak(text[i]!) || (mode === 'lenient' && (text[i] === ' ' || text[i] === '\t')))) i++;
    if (i >= n) break;
    const position = segments.length + 1;
    const offset = i;
    const repetitions: string[][][] = [[['']]];
    let tag: string | null = null;
    let el = 0;
    let rep = 0;
    let comp = 0;
    const at = (): { segment: number; tag: string | null; element?: number; component?: number } =>
      el === 0 ? { segment: position, tag } : { segment: position, tag, element: el, component: comp + 1 };
    const current = () => repetitions[el]![rep]!;
    const append = (ch: string) => {
      const c = current();
      c[comp] += ch;
    };
    let terminated = false;
    while (i < n) {
      const ch = text[i]!;
      if (ch === chars.segment) {
        i++;
        terminated = true;
        break;
      }
      if (el === 0 && (ch === chars.element || ch === chars.component)) {
        tag = repetitions[0]![0]![0]!;
        if (!/^[A-Z0-9]{3}$/.test(tag) && !(mode === 'lenient' && /^[A-Za-z0-9]{3}$/.test(tag))) throw new EdifactError([syntaxProblem('badTag', { tag }, { segment: position, tag: null })]);
        tag = tag.toUpperCase();
      }
      if (ch === chars.element) {
        el++;
        rep = 0;
        comp = 0;
        repetitions[el] = [['']];
        i++;
        continue;
      }
      if (ch === chars.component) {
        comp++;
        current()[comp] = '';
        i++;
        continue;
      }
      if (chars.repetition !== null && ch === chars.repetition && el > 0) {
        rep++;
        comp = 0;
        repetitions[el]![rep] = [''];
        i++;
        continue;
      }
      if (ch === chars.release) {
        if (i + 1 >= n) throw new EdifactError([syntaxProblem('danglingRelease', { release: chars.release }, at())]);
        let next = text[i + 1]!;
        let skip = 2;
        // A release split from its character by a line break (wrapped files): lenient only.
        if (mode === 'lenient' && lineBreak(next)) {
          let j = i + 1;
          while (j < n && lineBreak(text[j]!)) j++;
          if (j >= n) throw new EdifactError([syntaxProblem('danglingRelease', { release: chars.release }, at())]);
          next = text[j]!;
          skip = j - i + 1;
        }
        const service = next === chars.component || next === chars.element || next === chars.release || next === chars.segment || next === chars.repetition;
        if (!service && mode === 'strict') throw new EdifactError([syntaxProblem('badRelease', { release: chars.release, character: show(next) }, at())]);
        if (!service) {
          append(chars.release);
          i++;
          continue;
        }
        append(next);
        i += skip;
        continue;
      }
      if (lineBreak(ch)) {
        if (mode === 'lenient') {
          i++;
          continue;
        }
        throw new EdifactError([syntaxProblem('controlCharacter', { character: show(ch) }, at())]);
      }
      const code = ch.charCodeAt(0);
      if (code < 0x20 || code === 0x7f || (encoding === 'latin1' && code >= 0x80 && code < 0xa0 && mode === 'strict')) {
        throw new EdifactError([syntaxProblem('controlCharacter', { character: show(ch) }, at())]);
      }
      if (allowed && !allowed.test(ch)) throw new EdifactError([syntaxProblem('badCharacter', { character: show(ch), charset }, at())]);
      append(ch);
      i++;
    }
    if (tag === null) {
      tag = repetitions[0]![0]![0]!;
      if (!/^[A-Z0-9]{3}$/.test(tag) && !(mode === 'lenient' && /^[A-Za-z0-9]{3}$/.test(tag))) throw new EdifactError([syntaxProblem('badTag', { tag }, { segment: position, tag: null })]);
      tag = tag.toUpperCase();
    }
    if (!terminated) throw new EdifactError([syntaxProblem('unterminated', { segment: chars.segment }, { segment: position, tag })]);
    const reps = repetitions.slice(1);
    segments.push({ tag, elements: reps.map((r) => r[0]!), repetitions: reps, position, offset });
  }
  if (segments.length === 0) throw new EdifactError([syntaxProblem('empty', {}, { segment: null, tag: null })]);
  if (segments[0]!.tag !== 'UNB') throw new EdifactError([syntaxProblem('noUnb', {}, { segment: 1, tag: segments[0]!.tag })]);
  return { chars, una, charset, syntaxVersion: version, encoding, charsetMismatch, segments };
}

function firstBadUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (len === 0) return i;
    for (let k = 1; k < len; k++) if (i + k >= bytes.length || (bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += len;
  }
  return i;
}

/** Component `c` of element `e` (both 1-based), '' when absent. */
export function value(segment: Segment, e: number, c = 1): string {
  return segment.elements[e - 1]?.[c - 1] ?? '';
}

/** A numeric value with the interchange's decimal mark (either mark is accepted, as syntax 4 allows) as a plain decimal string, or null. */
export function decimalValue(text: string): string | null {
  const t = text.trim().replace(',', '.');
  return /^-?(\d+(\.\d*)?|\.\d+)$/.test(t) ? (t.startsWith('.') ? `0${t}` : t.endsWith('.') ? t.slice(0, -1) : t) : null;
}
