// Reading a segment's data: an element's component, and a number in either decimal mark.
import type { Segment } from './interchange.ts';
import { LazySegment } from './segments.ts';

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
