// EDIFACT bytes → segments (ISO 9735). Written here instead of taking node-edifact's reader,
// which refused real partners' files (ARCHITECTURE.md): this one reads UNA with any service
// characters (syntax 3 and 4, with a repetition separator), no UNA (the defaults), a UTF-8
// BOM, CR/LF between segments or none, release characters anywhere, and decodes the bytes by
// the charset UNB declares (UNOA…UNOK: the ISO 8859 / latin1 family; UNOW/UNOY: UTF-8).
// Every refusal is an EdifactError whose problems name the segment number (UNB = 1, as in the
// interchange) and the element/component position, which is what a CONTRL needs. Bytes can be
// fed in chunks (ChunkTokenizer; tokenize-stream.ts for streams) with the same result.
import { fill } from '../fill.ts';

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
  /**
   * What was read although ISO 9735 does not allow it (a release character before an ordinary
   * character), each an EdifactProblem with severity 'warning': the interchange is accepted and
   * the register keeps these with it. At most maxWarnings; absent or empty when there are none.
   */
  warnings?: EdifactProblem[];
}

/** Warnings kept per interchange (a file with a million over-escaped commas is not a million warnings). */
export const maxWarnings = 100;

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
  /** Set when `segment` counts in the interchange but the problem is inside a message: its UNH's position there. */
  messageStart?: number;
  /** The submission field (e.g. lines/0/quantity) a use-case refusal was about. */
  field?: string;
  /** 'warning': read and accepted all the same (Interchange.warnings); absent for a refusal. */
  severity?: 'warning';
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
  releasedOrdinary: 'the release character {release} precedes {character}, which is not a service character: read as {character}',
  unterminated: 'the last segment is not terminated by {segment}',
} as const;

export type EdifactProblemCode = keyof typeof edifactProblemTexts;

/** One or more problems of an interchange; nothing of it was accepted. */
export class EdifactError extends Error {
  readonly problems: EdifactProblem[];
  /** Tokenizer refusals: the UNB read before the problem (a CONTRL names the interchange by it) and the message it is in. */
  context?: { unb: Segment | null; message: Segment | null };
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

// Repertoires as lookup tables over ASCII (UNOA and UNOB are ASCII subsets):
// UNOA (ISO 646 level A): upper-case letters, digits, space and . , - ( ) / = ' + : ? ! " % & * ; < >
function table(chars: string): Uint8Array {
  const t = new Uint8Array(128);
  for (const ch of chars) t[ch.charCodeAt(0)] = 1;
  return t;
}
const unoaChars = `ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-()/='+:?!"%&*;<>`;
const unoa = table(unoaChars);
const unoaLenient = table(`${unoaChars}abcdefghijklmnopqrstuvwxyz`);
const unob = table(Array.from({ length: 0x7f - 0x20 }, (_, k) => String.fromCharCode(0x20 + k)).join(''));

function show(ch: string): string {
  const code = ch.codePointAt(0)!;
  return code < 0x20 || (code >= 0x7f && code < 0xa0) ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}` : `"${ch}" (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
}

/** How many bytes readHead looks at (after a BOM): the UNA and the UNB syntax identifier are in them. */
const headBytes = 512;

/** Reads the UNA (if any) and the UNB syntax identifier from the first bytes, before decoding. */
function readHead(bytes: Uint8Array): { start: number; chars: ServiceChars; una: boolean; charset: string; version: number } {
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  const head = Buffer.from(bytes.subarray(start, start + headBytes)).toString('latin1');
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
 * Whether readHead would read the same from these first bytes as from the first 512: the BOM,
 * the UNA and the UNB syntax identifier (up to the separator after it) are all in.
 */
function headComplete(bytes: Uint8Array): boolean {
  if (bytes.length >= 3 + headBytes) return true;
  const bom = [0xef, 0xbb, 0xbf];
  if (bytes.length < 3 && bytes.every((b, k) => b === bom[k])) return false;
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const head = latin1(bytes.subarray(start));
  if (head.length < 3 && 'UNA'.startsWith(head)) return false;
  if (head.startsWith('UNA') && head.length < 9) return false;
  const [element, segment] = head.startsWith('UNA') ? [head[4]!, head[8]!] : [defaultServiceChars.element, defaultServiceChars.segment];
  const rest = (head.startsWith('UNA') ? head.slice(9) : head).replace(/^[\r\n]+/, '');
  const unb = `UNB${element}`;
  if (rest.length < unb.length) return !unb.startsWith(rest) && rest.length > 0;
  if (!rest.startsWith(unb)) return true;
  const s001 = rest.slice(unb.length);
  return s001.includes(element) || s001.includes(segment);
}

/** The interchange without its segments: what is known once its head has been read. */
export type InterchangeHead = Omit<Interchange, 'segments'>;

/**
 * Splits decoded text into segments, piece by piece: a segment that is not complete at the end
 * of a piece is kept and read again with the next one, so the result does not depend on where
 * the pieces were cut. Two ways through a segment: the fast one for the common case (no release
 * character, nothing to refuse: found by its terminator, split only when read, see LazySegment)
 * and the careful one, character by character, for everything else and for every refusal.
 */
class SegmentReader {
  /** The UNB of the interchange being read and the UNH of the open message (for the context of a refusal). */
  unb: Segment | null = null;
  openMessage: Segment | null = null;
  /** Characters examined so far, re-reads of incomplete segments included (the fuzz test bounds it). */
  scanned = 0;
  /** See Interchange.warnings. */
  readonly warnings: EdifactProblem[] = [];
  private pending = '';
  /** Offset of pending[0] in the decoded text. */
  private pendingOffset = 0;
  count = 0;
  private readonly cC: number;
  private readonly cE: number;
  private readonly cR: number;
  private readonly cS: number;
  private readonly cRep: number;
  private readonly lenient: boolean;
  private readonly allowed: Uint8Array | null;
  private readonly strictLatin1: boolean;

  constructor(
    chars: ServiceChars,
    mode: TokenizeMode,
    private readonly charset: string,
    latin1: boolean,
  ) {
    this.cC = chars.component.charCodeAt(0);
    this.cE = chars.element.charCodeAt(0);
    this.cR = chars.release.charCodeAt(0);
    this.cS = chars.segment.charCodeAt(0);
    this.cRep = chars.repetition === null ? -1 : chars.repetition.charCodeAt(0);
    this.lenient = mode === 'lenient';
    this.allowed = mode === 'strict' ? (charset === 'UNOA' ? unoa : charset === 'UNOB' ? unob : null) : charset === 'UNOA' ? unoaLenient : null;
    this.strictLatin1 = latin1 && mode === 'strict';
    this.separators = { element: chars.element, component: chars.component, repetition: chars.repetition };
    this.terminator = chars.segment;
    this.special = specialTable(chars, this.allowed, this.strictLatin1);
  }

  private readonly terminator: string;
  /** Element, component and repetition separators, for LazySegment. */
  private readonly separators: Separators;
  /** 1 for the characters of code < 256 that need care: the terminator, the release character, control characters, those outside the repertoire. */
  private readonly special: Uint8Array;

  private lineBreak(c: number): boolean {
    return (c === 13 || c === 10) && c !== this.cS;
  }

  private checkTag(tag: string, position: number): string {
    if (tag.length === 3 && isTagChar(tag.charCodeAt(0)) && isTagChar(tag.charCodeAt(1)) && isTagChar(tag.charCodeAt(2))) return tag;
    if (!(this.lenient && /^[A-Za-z0-9]{3}$/.test(tag))) throw new EdifactError([syntaxProblem('badTag', { tag }, { segment: position, tag: null })]);
    return tag.toUpperCase();
  }

  /**
   * Reads the complete segments of pending + text into `out`; `final`: no text follows. The
   * segment cut by the previous piece is completed on a small joined string; the rest is read
   * in `text` itself (a flat string, which is what makes the scan fast).
   */
  push(text: string, final: boolean, out: Segment[]): void {
    let from = 0;
    if (this.pending.length) {
      // Where the cut segment really ends: its first terminator that no release character
      // releases, found by walking the new text once from where the last piece left off (a
      // release as its last character included). The segment is then read once, whole: not
      // again for each released terminator, which made a long run of them across a cut
      // quadratic. A piece that does not end it is only walked, and kept.
      const k = this.segmentEnd(text);
      if (k < 0 && !final) {
        this.pending += text;
        return;
      }
      const m = k < 0 ? text.length : k + 1;
      const joined = this.pending + text.slice(0, m);
      const stop = this.scan(joined, 0, final && k < 0, out, this.pendingOffset);
      if (stop < this.pending.length || (stop < joined.length && k >= 0)) {
        // Cannot happen (the walk and the read agree on where a segment ends); kept safe anyway.
        this.pending = joined.slice(stop);
        this.pendingOffset += stop;
        this.pendingOpen = this.tailOpen;
        this.push(text.slice(m), final, out);
        return;
      }
      from = stop - this.pending.length;
      this.pendingOffset += stop;
      this.pending = '';
    }
    const stop = this.scan(text, from, final, out, this.pendingOffset - from);
    this.pending = text.slice(stop);
    this.pendingOffset += stop - from;
    this.pendingOpen = this.tailOpen;
  }

  /**
   * Reads the kept (incomplete) segment as far as it goes, for its refusals: what push() would
   * have found in it had the text come whole, before an error that comes after it (bad UTF-8).
   */
  checkPending(): void {
    if (this.pending.length) this.scan(this.pending, 0, false, [], this.pendingOffset);
  }

  /** Whether the cut segment (pending) ends in a release character still waiting for its character (segment() sets tailOpen when it stops). */
  private pendingOpen = false;
  private tailOpen = false;

  /**
   * The index in `text` of the terminator that ends the pending segment, or -1 when `text`
   * does not end it (pendingOpen then says how it ends). Each character is walked once.
   */
  private segmentEnd(text: string): number {
    const { cR, cS, lenient } = this;
    const n = text.length;
    let i = 0;
    let open = this.pendingOpen;
    while (i < n) {
      if (open) {
        // The released character (lenient: after line breaks the release may be split from).
        if (lenient && this.lineBreak(text.charCodeAt(i))) {
          i++;
          continue;
        }
        open = false;
        i++;
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === cS) {
        this.scanned += i + 1;
        this.pendingOpen = false;
        return i;
      }
      if (c === cR) open = true;
      i++;
    }
    this.scanned += n;
    this.pendingOpen = open;
    return -1;
  }

  /** Offset in the decoded text of s[0] for the string being scanned. */
  private base = 0;

  /** Reads segments of `s` from `from`; returns where it stopped (the start of an incomplete segment, or the end). */
  private scan(s: string, from: number, final: boolean, out: Segment[], base: number): number {
    this.base = base;
    const n = s.length;
    let i = from;
    for (;;) {
      // Between segments: line breaks and (lenient) blanks.
      while (i < n) {
        const c = s.charCodeAt(i);
        if (this.lineBreak(c) || (this.lenient && (c === 32 || c === 9))) i++;
        else break;
      }
      if (i >= n) return n;
      const end = this.fastSegment(s, i, out) ?? this.segment(s, i, final, out);
      this.scanned += (end < 0 ? n : end) - i;
      if (end < 0) return i;
      i = end;
    }
  }

  /**
   * The common case in one regular-expression step: a segment without release characters,
   * control characters or characters outside the repertoire, with a plain three-letter tag, is
   * found by its terminator and kept as a LazySegment (split into elements when first read).
   * Anything else (or an incomplete segment) returns null and goes the character-by-character way.
   */
  private fastSegment(s: string, start: number, out: Segment[]): number | null {
    const special = this.special;
    // Above U+00FF only a restricted repertoire (UNOA, UNOB) needs care.
    const wide = this.allowed !== null ? 1 : 0;
    const n = s.length;
    let end = start;
    for (; end < n; end++) {
      const c = s.charCodeAt(end);
      if ((c < 256 ? special[c] : wide) === 1) break;
    }
    if (end >= n || s.charCodeAt(end) !== this.cS || end - start < 3) return null;
    const afterTag = s.charCodeAt(start + 3);
    if (!isTagChar(s.charCodeAt(start)) || !isTagChar(s.charCodeAt(start + 1)) || !isTagChar(s.charCodeAt(start + 2))) return null;
    if (end !== start + 3 && afterTag !== this.cE) return null;
    this.emit(new LazySegment(this.internTag(s, start), s, end === start + 3 ? -1 : start + 4, end, this.separators, this.count + 1, this.base + start), out);
    return end + 1;
  }

  private readonly tags = new Map<number, string>();

  /** One shared (internalised) string per tag: no allocation per segment, and tag comparisons by identity. */
  private internTag(s: string, start: number): string {
    const key = (s.charCodeAt(start) << 16) | (s.charCodeAt(start + 1) << 8) | s.charCodeAt(start + 2);
    let tag = this.tags.get(key);
    if (tag === undefined) {
      tag = Object.keys({ [s.slice(start, start + 3)]: 0 })[0]!;
      this.tags.set(key, tag);
    }
    return tag;
  }

  private emit(segment: Segment, out: Segment[]): void {
    this.count++;
    out.push(segment);
    if (segment.position === 1 && segment.tag !== 'UNB') throw new EdifactError([syntaxProblem('noUnb', {}, { segment: 1, tag: segment.tag })]);
    if (segment.tag.charCodeAt(0) === 85 && segment.tag.charCodeAt(1) === 78) this.track(segment); // UN…
  }

  private track(s: Segment): void {
    if (s.tag === 'UNB') {
      this.unb = s;
      this.openMessage = null;
    } else if (s.tag === 'UNH') this.openMessage = s;
    else if (s.tag === 'UNT' || s.tag === 'UNZ') this.openMessage = null;
  }

  /** Offset in the decoded text of the last warning: a segment read again (cut by a chunk) does not warn twice. */
  private warnedAt = -1;

  private warn(offset: number, code: EdifactProblemCode, params: Record<string, string | number>, position: number, tag: string | null, el: number, component: number): void {
    if (offset <= this.warnedAt || this.warnings.length >= maxWarnings) return;
    this.warnedAt = offset;
    const p: EdifactProblem = { ...syntaxProblem(code, params, el === 0 ? { segment: position, tag } : { segment: position, tag, element: el, component }), severity: 'warning' };
    const open = this.openMessage;
    if (open && position > open.position) {
      p.messageReference = value(open, 1);
      p.messageStart = open.position;
    }
    this.warnings.push(p);
  }

  private fail(code: EdifactProblemCode, params: Record<string, string | number>, position: number, tag: string | null, el: number, component: number): never {
    throw new EdifactError([syntaxProblem(code, params, el === 0 ? { segment: position, tag } : { segment: position, tag, element: el, component })]);
  }

  /** Reads one segment starting at `start`; returns the index after its terminator, or -1 when it is incomplete. */
  private segment(s: string, start: number, final: boolean, out: Segment[]): number {
    const { cC, cE, cR, cS, cRep, lenient, allowed, strictLatin1 } = this;
    const n = s.length;
    const position = this.count + 1;
    const elements: string[][] = [];
    let repeated: Map<number, string[][]> | null = null; // elements with more than one repetition
    let tag: string | null = null;
    let el = 0;
    let comps: string[] = [];
    let reps: string[][] | null = null; // the element's repetitions when it has more than one
    let from = start; // start of the current run of plain characters
    let buf = ''; // the current value before `from` (set once a release character was met)
    let i = start;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === cS || c === cE || c === cC || (c === cRep && el > 0)) {
        comps.push(buf.length ? buf + s.slice(from, i) : s.slice(from, i));
        buf = '';
        from = ++i;
        if (c === cC) continue;
        if (el === 0) {
          if (tag === null) tag = this.checkTag(comps[0]!, position);
        } else if (c === cRep) {
          (reps ??= [comps]).push((comps = []));
          continue;
        } else {
          if (reps) {
            (repeated ??= new Map()).set(elements.length, reps);
            elements.push(reps[0]!);
            reps = null;
          } else elements.push(comps);
        }
        if (c === cS) {
          tag ??= this.checkTag(comps[0]!, position);
          this.emit(new ReadSegment(tag, elements, repeated, position, this.base + start), out);
          return i;
        }
        el++;
        comps = [];
        continue;
      }
      if (c === cR) {
        let j = i + 1;
        // A release split from its character by a line break (wrapped files): lenient only.
        if (lenient) while (j < n && this.lineBreak(s.charCodeAt(j))) j++;
        if (j >= n) {
          this.tailOpen = true;
          if (!final) return -1;
          this.fail('danglingRelease', { release: s[i]! }, position, tag, el, comps.length + 1);
        }
        const next = s.charCodeAt(j);
        const service = next === cC || next === cE || next === cR || next === cS || next === cRep;
        if (!service) {
          // Not ISO 9735, but what partners' software writes ("?," where the comma is the
          // decimal mark) and what Bots and most readers accept: the character is taken as
          // itself, as if it were a service character, and the interchange carries a warning.
          // A release character that releases nothing (at the end) is still refused.
          this.warn(this.base + i, 'releasedOrdinary', { release: show(s[i]!), character: show(String.fromCodePoint(s.codePointAt(j)!)) }, position, tag, el, comps.length + 1);
          const wide = next >= 0xd800 && next <= 0xdbff && j + 1 < n ? 2 : 1; // both halves of a character above U+FFFF
          buf += s.slice(from, i) + s.slice(j, j + wide);
          i = j + wide;
          from = i;
          continue;
        }
        buf += s.slice(from, i) + s[j]!;
        i = j + 1;
        from = i;
        continue;
      }
      if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0 && strictLatin1)) {
        if (lenient && this.lineBreak(c)) {
          buf += s.slice(from, i);
          from = ++i;
          continue;
        }
        this.fail('controlCharacter', { character: show(s[i]!) }, position, tag, el, comps.length + 1);
      }
      if (allowed !== null && (c >= 128 || allowed[c] === 0)) {
        this.fail('badCharacter', { character: show(String.fromCodePoint(s.codePointAt(i)!)), charset: this.charset }, position, tag, el, comps.length + 1);
      }
      i++;
    }
    this.tailOpen = false;
    if (!final) return -1;
    if (tag === null) tag = this.checkTag(buf + s.slice(from, n), position);
    throw new EdifactError([syntaxProblem('unterminated', { segment: String.fromCharCode(cS) }, { segment: position, tag })]);
  }
}

/** A segment as read: the repetitions of an element are built when first asked for (most elements have one). */
class ReadSegment implements Segment {
  private reps: string[][][] | null = null;
  constructor(
    readonly tag: string,
    readonly elements: string[][],
    private readonly repeated: Map<number, string[][]> | null,
    readonly position: number,
    readonly offset: number,
  ) {}

  get repetitions(): string[][][] {
    return (this.reps ??= this.elements.map((e, k) => this.repeated?.get(k) ?? [e]));
  }

  toJSON(): Segment {
    return { tag: this.tag, elements: this.elements, repetitions: this.repetitions, position: this.position, offset: this.offset };
  }
}

interface Separators {
  element: string;
  component: string;
  repetition: string | null;
}

/** A segment found by the fast path: its text is split into elements when they are first read. */
class LazySegment implements Segment {
  /** The split elements and the repetitions, once read (one field: a small object per segment matters at 100,000 segments). */
  private split: { els: string[][]; reps: string[][][] | null; repeated: Map<number, string[][]> | null } | null = null;
  constructor(
    readonly tag: string,
    private readonly src: string,
    /** Index of the first element's first character, -1 when the segment has no elements. */
    private readonly from: number,
    /** Index of the segment terminator. */
    private readonly to: number,
    private readonly seps: Separators,
    readonly position: number,
    readonly offset: number,
  ) {}

  get elements(): string[][] {
    return (this.split ??= this.splitText()).els;
  }

  get repetitions(): string[][][] {
    const split = (this.split ??= this.splitText());
    return (split.reps ??= split.els.map((e, k) => split.repeated?.get(k) ?? [e]));
  }

  private splitText(): { els: string[][]; reps: null; repeated: Map<number, string[][]> | null } {
    const els: string[][] = [];
    let repeated: Map<number, string[][]> | null = null;
    if (this.from >= 0) {
      const { element, component, repetition } = this.seps;
      const parts = this.src.slice(this.from, this.to).split(element);
      for (let k = 0; k < parts.length; k++) {
        const part = parts[k]!;
        if (repetition !== null && part.includes(repetition)) {
          const r = part.split(repetition).map((x) => x.split(component));
          (repeated ??= new Map()).set(k, r);
          els.push(r[0]!);
        } else els.push(part.split(component));
      }
    }
    return { els, reps: null, repeated };
  }

  /** Component c of element e (1-based, first repetition), '' when absent: read in place, without splitting the segment. */
  valueAt(e: number, c: number): string {
    if (this.split !== null) return this.split.els[e - 1]?.[c - 1] ?? '';
    if (this.from < 0) return '';
    const src = this.src;
    const to = this.to;
    const cE = this.seps.element.charCodeAt(0);
    const cC = this.seps.component.charCodeAt(0);
    const cR = this.seps.repetition === null ? -1 : this.seps.repetition.charCodeAt(0);
    let p = this.from;
    for (let k = 1; k < e; k++) {
      while (p < to && src.charCodeAt(p) !== cE) p++;
      if (p >= to) return '';
      p++;
    }
    for (let k = 1; k < c; k++) {
      let ch = -1;
      while (p < to && (ch = src.charCodeAt(p)) !== cC && ch !== cE && ch !== cR) p++;
      if (p >= to || ch !== cC) return '';
      p++;
    }
    let q = p;
    let ch = -1;
    while (q < to && (ch = src.charCodeAt(q)) !== cC && ch !== cE && ch !== cR) q++;
    return src.slice(p, q);
  }

  toJSON(): Segment {
    return { tag: this.tag, elements: this.elements, repetitions: this.repetitions, position: this.position, offset: this.offset };
  }
}

/** The characters (code < 256) the fast path stops at (see SegmentReader.fastSegment). */
function specialTable(chars: ServiceChars, allowed: Uint8Array | null, strictLatin1: boolean): Uint8Array {
  const t = new Uint8Array(256);
  for (let c = 0; c < 0x20; c++) t[c] = 1;
  t[0x7f] = 1;
  if (strictLatin1) for (let c = 0x80; c < 0xa0; c++) t[c] = 1;
  // A restricted repertoire: everything outside it, except the separators.
  if (allowed) for (let c = 0x20; c < 256; c++) if (c >= 128 || allowed[c] === 0) t[c] = 1;
  for (const ch of [chars.element, chars.component, chars.repetition]) if (ch && ch.charCodeAt(0) < 256 && ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f) t[ch.charCodeAt(0)] = 0;
  for (const ch of [chars.segment, chars.release]) if (ch.charCodeAt(0) < 256) t[ch.charCodeAt(0)] = 1;
  return t;
}

function isTagChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}

/** The index of the first byte of `bytes` that starts an invalid or incomplete UTF-8 sequence (as a fatal TextDecoder sees it), or its length. */
export function firstBadUtf8(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let len = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) len = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      len = 3;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      len = 4;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + len > n) return i;
    const second = bytes[i + 1]!;
    if (second < lo || second > hi) return i;
    for (let k = 2; k < len; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += len;
  }
  return n;
}

/** The length of the prefix of `bytes` that does not end inside a UTF-8 sequence that the next bytes could complete. */
function completeUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let k = 1; k <= Math.min(3, n); k++) {
    const b = bytes[n - k]!;
    if ((b & 0xc0) === 0x80) continue;
    const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 1;
    return k < len ? n - k : n;
  }
  return n;
}

/** Latin1 text of the bytes without copying them. */
function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * The tokenizer fed bytes in chunks (tokenize() is this fed once): `write` returns the segments
 * completed by the chunk, `end` the rest. The result is the same whatever the chunk boundaries:
 * the head (UNA, UNB syntax identifier) is read once enough bytes are in; a UTF-8 sequence cut
 * by a chunk waits for its end; an incomplete segment waits for its terminator (a release
 * character as a chunk's last byte included). Errors come in byte order: a bad UTF-8 byte is
 * reported after the segments before it were read. In lenient mode under a latin1 charset the
 * bytes from the first chunk with a non-ASCII byte on are held until the end, where they are
 * decoded as UTF-8 if they all are (the charset mismatch partners make), else as latin1.
 */
export class ChunkTokenizer {
  private readonly mode: TokenizeMode;
  private headBuffer: Uint8Array | null = new Uint8Array(0);
  private reader: SegmentReader | null = null;
  private headInfo: InterchangeHead | null = null;
  /** UTF-8: the bytes of a sequence cut at the end of the last chunk. */
  private carry: Uint8Array = new Uint8Array(0);
  /** Bytes of the body decoded so far (for the offsets of UTF-8 errors). */
  private decodedBytes = 0;
  private bodyStart = 0;
  /** Lenient latin1: the chunks held since the first non-ASCII byte. */
  private held: Uint8Array[] | null = null;
  private ended = false;

  constructor(options: { mode?: TokenizeMode } = {}) {
    this.mode = options.mode ?? 'strict';
  }

  /** Characters the segment reader examined (see SegmentReader.scanned). */
  get charsScanned(): number {
    return this.reader?.scanned ?? 0;
  }

  /** See Interchange.warnings: complete once end() returned. */
  get warnings(): EdifactProblem[] {
    return this.reader?.warnings ?? [];
  }

  /** What the head said (null until enough bytes were written). */
  get head(): InterchangeHead | null {
    return this.headInfo;
  }

  write(chunk: Uint8Array): Segment[] {
    if (this.ended) throw new Error('ChunkTokenizer: write after end');
    try {
      return this.writeChunk(chunk);
    } catch (e) {
      throw this.withContext(e);
    }
  }

  end(): Segment[] {
    if (this.ended) throw new Error('ChunkTokenizer: end twice');
    this.ended = true;
    try {
      return this.endChunks();
    } catch (e) {
      throw this.withContext(e);
    }
  }

  /** Adds where the refusal happened: the UNB, and the message (its problems then say so, with the UNH's position). */
  private withContext(e: unknown): unknown {
    if (!(e instanceof EdifactError) || !this.reader) return e;
    const { unb, openMessage } = this.reader;
    e.context = { unb, message: openMessage };
    if (openMessage) {
      for (const p of e.problems) {
        if (p.segment !== null && p.segment > openMessage.position) {
          p.messageReference ??= value(openMessage, 1);
          p.messageStart ??= openMessage.position;
        }
      }
    }
    return e;
  }

  private writeChunk(chunk: Uint8Array): Segment[] {
    const out: Segment[] = [];
    if (this.headBuffer) {
      this.headBuffer = concat(this.headBuffer, chunk);
      if (!headComplete(this.headBuffer)) {
        if (this.headBuffer === chunk) this.headBuffer = chunk.slice(); // kept past this call: a copy
        return out;
      }
      const bytes = this.headBuffer;
      this.headBuffer = null;
      this.start(bytes);
      this.body(bytes.subarray(this.bodyStart), false, out);
      return out;
    }
    this.body(chunk, false, out);
    return out;
  }

  private endChunks(): Segment[] {
    const out: Segment[] = [];
    if (this.headBuffer) {
      const bytes = this.headBuffer;
      this.headBuffer = null;
      if (bytes.length === 0 || (bytes.length === 3 && bytes[0] === 0xef)) throw new EdifactError([syntaxProblem('empty', {}, { segment: null, tag: null })]);
      this.start(bytes);
      this.body(bytes.subarray(this.bodyStart), true, out);
    } else this.body(new Uint8Array(0), true, out);
    if (this.reader!.count === 0) throw new EdifactError([syntaxProblem('empty', {}, { segment: null, tag: null })]);
    return out;
  }

  private start(bytes: Uint8Array): void {
    const { start, chars, una, charset, version } = readHead(bytes);
    let encoding: Interchange['encoding'] = 'latin1';
    if (utf8Charsets.has(charset)) encoding = 'utf-8';
    else if (!latin1Charsets.has(charset) && charset !== '' && this.mode === 'strict') {
      throw new EdifactError([syntaxProblem('unknownCharset', { charset }, { segment: 1, tag: 'UNB', element: 1, component: 1 })]);
    }
    this.bodyStart = start + (una ? 9 : 0);
    this.headInfo = { chars, una, charset, syntaxVersion: version, encoding, charsetMismatch: false };
    this.reader = new SegmentReader(chars, this.mode, charset, encoding === 'latin1');
  }

  private body(bytes: Uint8Array, final: boolean, out: Segment[]): void {
    const reader = this.reader!;
    const head = this.headInfo!;
    if (head.encoding === 'latin1') {
      const text = latin1(bytes);
      if (this.mode === 'lenient' && (this.held || /[\u0080-\u00ff]/.test(text))) {
        // Held until the end (a copy: the caller may reuse its buffer).
        (this.held ??= []).push(bytes.slice());
        if (!final) return;
        const rest = this.held.reduce(concat, new Uint8Array(0));
        let text: string;
        if (firstBadUtf8(rest) === rest.length) {
          text = utf8Decoder.decode(rest);
          head.encoding = 'utf-8';
          head.charsetMismatch = true;
        } else text = latin1(rest);
        reader.push(text, true, out);
        return;
      }
      reader.push(text, final, out);
      return;
    }
    const all = concat(this.carry, bytes);
    const complete = final ? all.length : completeUtf8(all);
    const part = all.subarray(0, complete);
    this.carry = all.slice(complete);
    const bad = firstBadUtf8(part);
    if (bad < part.length) {
      // The segments before the bad byte first: errors are reported in byte order.
      reader.push(utf8Decoder.decode(part.subarray(0, bad)), false, out);
      reader.checkPending();
      throw new EdifactError([syntaxProblem('notUtf8', { offset: this.bodyStart + this.decodedBytes + bad, charset: head.charset }, { segment: null, tag: null })]);
    }
    this.decodedBytes += part.length;
    reader.push(utf8Decoder.decode(part), final, out);
  }
}

/**
 * Decodes and splits an interchange. Strict mode refuses what ISO 9735 refuses (characters
 * outside the declared repertoire, an unknown syntax identifier, a line break inside a
 * segment); lenient mode accepts partners' common mistakes (lower case under UNOA, UTF-8 bytes
 * under a latin1 charset, an unknown charset read as latin1, line breaks inside a segment
 * dropped). Both read a release character before an ordinary character ("?," for a decimal
 * comma) as that character, with a warning (Interchange.warnings).
 */
export function tokenize(input: Uint8Array | string, options: { mode?: TokenizeMode } = {}): Interchange {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const t = new ChunkTokenizer(options);
  const segments = t.write(bytes);
  for (const s of t.end()) segments.push(s);
  return { ...t.head!, segments, warnings: t.warnings };
}

/** Component `c` of element `e` (both 1-based), '' when absent. */
export function value(segment: Segment, e: number, c = 1): string {
  if (segment instanceof LazySegment) return segment.valueAt(e, c);
  return segment.elements[e - 1]?.[c - 1] ?? '';
}

/** A numeric value with the interchange's decimal mark (either mark is accepted, as syntax 4 allows) as a plain decimal string, or null. */
export function decimalValue(text: string): string | null {
  if (/^\d+$/.test(text)) return text;
  const t = text.trim().replace(',', '.');
  return /^-?(\d+(\.\d*)?|\.\d+)$/.test(t) ? (t.startsWith('.') ? `0${t}` : t.endsWith('.') ? t.slice(0, -1) : t) : null;
}
