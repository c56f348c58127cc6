// The two kinds of Segment the tokenizer hands out: one read character by character, and one
// found by the fast path whose elements are split when first read.
import type { Segment } from './interchange.ts';

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
  const cE = seps.element.charCodeAt(0);
  const cC = seps.component.charCodeAt(0);
  const cR = seps.repetition === null ? -1 : seps.repetition.charCodeAt(0);
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
