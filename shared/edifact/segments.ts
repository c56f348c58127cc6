// How the tokenizer hands out segments: ReadSegment (read character by character), LazySegment
// (found by the fast path, split into elements when first read), and SegmentBatch, the segments
// one chunk completed as columns: what a streaming reader (the ORDERS line mapper on a large
// file) reads without an object per segment. In a batch a segment of the common kind (no
// release character, nothing refused, found by the fast path) is three numbers, its tag and
// where it starts and ends in the chunk's decoded text, its components read from that text when
// asked for; the others (read character by character, the one completing a segment cut by the
// previous chunk, the UN… service segments) are kept as the Segment objects they are.
import { defaultServiceChars, type Segment, type ServiceChars } from './interchange.ts';

/** A segment as read: the repetitions of an element are built when first asked for (most elements have one). */
export class ReadSegment implements Segment {
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

export interface Separators {
  element: string;
  component: string;
  repetition: string | null;
  /** Their character codes (repetition: -1 when there is none), for reading in place. */
  cE: number;
  cC: number;
  cR: number;
}

export function separatorsOf(chars: Pick<ServiceChars, 'element' | 'component' | 'repetition'>): Separators {
  const { element, component, repetition } = chars;
  return { element, component, repetition, cE: element.charCodeAt(0), cC: component.charCodeAt(0), cR: repetition === null ? -1 : repetition.charCodeAt(0) };
}

/** A segment found by the fast path: its text is split into elements when they are first read. */
export class LazySegment implements Segment {
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
    return componentIn(this.src, this.from, this.to, this.seps, e, c);
  }

  toJSON(): Segment {
    return { tag: this.tag, elements: this.elements, repetitions: this.repetitions, position: this.position, offset: this.offset };
  }
}

/** Component c of element e (1-based, first repetition) of the segment text src[from, to) (from: its first element's first character, -1 when it has none), '' when absent. */
export function componentIn(src: string, from: number, to: number, seps: Separators, e: number, c: number): string {
  if (from < 0) return '';
  const { cE, cC, cR } = seps;
  let p = from;
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

/** A tag as one number (its three characters' codes), compared without strings. */
export function tagCode(tag: string): number {
  return (tag.charCodeAt(0) << 16) | (tag.charCodeAt(1) << 8) | tag.charCodeAt(2);
}

const tagNames = new Map<number, string>();

/** The tag of a code, one shared (internalised) string per tag. */
export function tagName(code: number): string {
  let tag = tagNames.get(code);
  if (tag === undefined) {
    tag = Object.keys({ [String.fromCharCode(code >>> 16, (code >>> 8) & 0xff, code & 0xff)]: 0 })[0]!;
    tagNames.set(code, tag);
  }
  return tag;
}

const noSeparators = separatorsOf(defaultServiceChars);

/**
 * Segments `first`, `first + 1`, … `first + length - 1` (positions in the interchange). A batch
 * a ChunkTokenizer returns is reused by its next write: read it before writing again.
 */
export class SegmentBatch {
  length = 0;
  /** Position of segment 0 (UNB = 1). */
  first = 1;
  /** The decoded text the column segments are in, and the offset of its first character in the whole decoded text. */
  text = '';
  textOffset = 0;
  /** Whether a segment is kept over `text` (which then stays until reset). */
  inText = false;
  separators: Separators = noSeparators;
  private tags = new Int32Array(256);
  /** Index in `text` of the segment's first character, or -1 for a kept object. */
  private starts = new Int32Array(256);
  /** Index in `text` of its terminator, or (an object) its index in `objects`. */
  private ends = new Int32Array(256);
  private readonly objects: Segment[] = [];

  /** A batch of Segment objects (a message already read, mapped by the same code as a stream). */
  static of(segments: Segment[]): SegmentBatch {
    const b = new SegmentBatch();
    if (segments.length) b.reset(segments[0]!.position);
    for (const s of segments) b.addObject(s);
    return b;
  }

  reset(first: number): void {
    this.length = 0;
    this.first = first;
    this.text = '';
    this.inText = false;
    this.objects.length = 0;
  }

  private room(): void {
    if (this.length < this.tags.length) return;
    const grow = (a: Int32Array) => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.tags = grow(this.tags);
    this.starts = grow(this.starts);
    this.ends = grow(this.ends);
  }

  /** A segment of `text`: tag code, index of its first character and of its terminator. */
  addInText(tag: number, start: number, end: number): void {
    this.room();
    const k = this.length++;
    this.tags[k] = tag;
    this.starts[k] = start;
    this.ends[k] = end;
  }

  addObject(s: Segment): void {
    this.room();
    const k = this.length++;
    this.tags[k] = tagCode(s.tag);
    this.starts[k] = -1;
    this.ends[k] = this.objects.length;
    this.objects.push(s);
  }

  /** Tag code of segment k (see tagCode). */
  tag(k: number): number {
    return this.tags[k]!;
  }

  position(k: number): number {
    const start = this.starts[k]!;
    return start < 0 ? this.objects[this.ends[k]!]!.position : this.first + k;
  }

  /** Component c of element e (1-based, first repetition) of segment k, '' when absent. */
  value(k: number, e: number, c = 1): string {
    const start = this.starts[k]!;
    if (start < 0) {
      const s = this.objects[this.ends[k]!]!;
      return s instanceof LazySegment ? s.valueAt(e, c) : (s.elements[e - 1]?.[c - 1] ?? '');
    }
    const end = this.ends[k]!;
    return componentIn(this.text, end === start + 3 ? -1 : start + 4, end, this.separators, e, c);
  }

  /** Segment k as a Segment object. */
  segment(k: number): Segment {
    const start = this.starts[k]!;
    if (start < 0) return this.objects[this.ends[k]!]!;
    const end = this.ends[k]!;
    return new LazySegment(tagName(this.tags[k]!), this.text, end === start + 3 ? -1 : start + 4, end, this.separators, this.first + k, this.textOffset + start);
  }

  segments(): Segment[] {
    const out: Segment[] = [];
    for (let k = 0; k < this.length; k++) out.push(this.segment(k));
    return out;
  }
}
