// The lexer: decoded text → segments, refusing (or, lenient, reading past) what ISO 9735 does
// not allow, with the position of each problem.
import { maxWarnings, type Segment, type ServiceChars, type TokenizeMode } from './interchange.ts';
import { EdifactError, syntaxProblem, type EdifactProblem, type EdifactProblemCode } from './problems.ts';
import { show, unoa, unoaLenient, unob } from './charsets.ts';
import { LazySegment, ReadSegment, SegmentBatch, tagCode, tagName, separatorsOf, type Separators } from './segments.ts';
import { value } from './element-values.ts';

/**
 * Splits decoded text into segments, piece by piece: a segment that is not complete at the end
 * of a piece is kept and read again with the next one, so the result does not depend on where
 * the pieces were cut. Two ways through a segment: the fast one for the common case (no release
 * character, nothing to refuse: runs of them found in one regular-expression step, each kept as
 * columns of a SegmentBatch and split only when read) and the careful one, character by
 * character, for everything else and for every refusal.
 */
export class SegmentReader {
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
    this.separators = separatorsOf(chars);
    this.terminator = chars.segment;
    this.fast = fastRunRegExp(chars, specialTable(chars, this.allowed, this.strictLatin1), this.allowed !== null, this.lenient);
  }

  /** A run of segments of the common kind, from lastIndex (see fastRun); null when no segment can be one. */
  private readonly fast: RegExp | null;

  private readonly terminator: string;
  /** Element, component and repetition separators, for LazySegment. */
  private readonly separators: Separators;

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
   * in `text` itself (a flat string, which is what makes the scan fast): the segments of the
   * common kind are kept in `out` as columns over `text`.
   */
  push(text: string, final: boolean, out: SegmentBatch): void {
    if (!out.inText) out.text = text;
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
    if (this.pending.length) this.scan(this.pending, 0, false, new SegmentBatch(), this.pendingOffset);
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
  private scan(s: string, from: number, final: boolean, out: SegmentBatch, base: number): number {
    this.base = base;
    const n = s.length;
    let i = this.between(s, from, n);
    for (;;) {
      if (i >= n) return n;
      // The common case: a run of segments found in one step, then each by its terminator.
      const run = this.fastRun(s, i);
      while (i < run) {
        const end = s.indexOf(this.terminator, i + 3);
        this.fastSegment(s, i, end, out);
        this.scanned += end + 1 - i;
        i = this.between(s, end + 1, run);
      }
      if (i >= n) return n;
      const end = this.segment(s, i, final, out);
      this.scanned += (end < 0 ? n : end) - i;
      if (end < 0) return i;
      i = this.between(s, end, n);
    }
  }

  /** Skips what may stand between segments (line breaks and, lenient, blanks) from i, up to `to`. */
  private between(s: string, i: number, to: number): number {
    while (i < to) {
      const c = s.charCodeAt(i);
      if (this.lineBreak(c) || (this.lenient && (c === 32 || c === 9))) i++;
      else return i;
    }
    return i;
  }

  /**
   * Where the run of segments of the common kind from `start` ends (`start` when there is none):
   * segments without release characters, control characters or characters outside the
   * repertoire, with a plain three-letter tag, and what may stand between them, found in one
   * regular-expression step (see fastRunRegExp). Each is read by fastSegment; the segment after
   * the run (anything else, or an incomplete segment) goes the character-by-character way.
   */
  private fastRun(s: string, start: number): number {
    const re = this.fast;
    if (re === null) return start;
    re.lastIndex = start;
    re.test(s);
    return re.lastIndex;
  }

  /**
   * A segment of a fast run, s[start…end] (end: its terminator), kept as columns of `out` when
   * `s` is its text (else as a LazySegment, split into elements when first read).
   */
  private fastSegment(s: string, start: number, end: number, out: SegmentBatch): void {
    const code = (s.charCodeAt(start) << 16) | (s.charCodeAt(start + 1) << 8) | s.charCodeAt(start + 2);
    // Objects: the service segments (UN…, the reader tracks them for the context of a refusal),
    // the first segment (refused unless it is the UNB) and a segment read from another string
    // than the batch's text (the one completing a segment cut by the previous chunk).
    if (s === out.text && code >>> 8 !== un && this.count > 0) {
      this.count++;
      if (!out.inText) {
        out.inText = true;
        out.textOffset = this.base;
      }
      out.addInText(code, start, end);
    } else this.emit(new LazySegment(tagName(code), s, end === start + 3 ? -1 : start + 4, end, this.separators, this.count + 1, this.base + start), out);
  }

  private emit(segment: Segment, out: SegmentBatch): void {
    this.count++;
    out.addObject(segment);
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
  private segment(s: string, start: number, final: boolean, out: SegmentBatch): number {
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

/** 1 for the characters of code < 256 that need care, which end a fast run (see fastRunRegExp): the terminator, the release character, control characters, those outside the repertoire. */
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

/** The tag code of "UN" shifted by 8 (see tagCode): the service segments' prefix. */
const un = tagCode('UNB') >>> 8;

/**
 * What fastRun takes in one step: segments, each a plain three-character tag, then (unless the
 * element separator needs care) an element separator and any characters but those of `special`
 * (and, in a restricted repertoire, those above U+00FF), then the terminator; each followed by
 * what SegmentReader.between skips. Null when the terminator is not one the class stops at (a
 * segment can then only be read the careful way).
 */
function fastRunRegExp(chars: ServiceChars, special: Uint8Array, wide: boolean, lenient: boolean): RegExp | null {
  const stops = (c: number) => (c < 256 ? special[c] === 1 : wide);
  const hex = (c: number) => `\\u${c.toString(16).padStart(4, '0')}`;
  let stopClass = '';
  for (let c = 0; c < 256; c++) if (special[c] === 1) stopClass += hex(c);
  if (wide) stopClass += '\\u0100-\\uffff';
  let tagClass = '';
  for (const c of '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ') if (!stops(c.charCodeAt(0))) tagClass += c;
  const cE = chars.element.charCodeAt(0);
  const cS = chars.segment.charCodeAt(0);
  if (!stops(cS) || tagClass === '') return null;
  const elements = stops(cE) ? '' : `(?:${hex(cE)}[^${stopClass}]*)?`;
  const between = [13, 10].filter((c) => c !== cS).concat(lenient ? [32, 9] : []).map(hex).join('');
  return new RegExp(`(?:[${tagClass}]{3}${elements}${hex(cS)}[${between}]*)*`, 'y');
}

function isTagChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}
