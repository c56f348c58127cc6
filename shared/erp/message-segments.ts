// Reading helpers for the ORDRSP / RECADV / ORDERS mappers: positions in the message (UNH = 1,
// as every mapping problem is reported), the header part before the first LIN, and each LIN
// with the segments of its group.
import type { Segment } from '../edifact/interchange.ts';
import type { EdifactProblem } from '../edifact/problems.ts';
import { value } from '../edifact/element-values.ts';
import type { EdifactMessage } from '../edifact/envelope.ts';

export interface LineGroup {
  lin: Segment;
  segments: Segment[];
}

export function splitLines(m: EdifactMessage): { header: Segment[]; lines: LineGroup[] } {
  const header: Segment[] = [];
  const lines: LineGroup[] = [];
  for (const s of m.segments.slice(1, -1)) {
    if (s.tag === 'UNS') break;
    if (s.tag === 'LIN') lines.push({ lin: s, segments: [] });
    else if (lines.length) lines[lines.length - 1]!.segments.push(s);
    else header.push(s);
  }
  return { header, lines };
}

/** A problem at a segment of the message, its position counted from UNH = 1. */
export function problemAt(
  m: EdifactMessage,
  s: Segment | null,
  code: string,
  message: string,
  params: Record<string, string | number> = {},
  at: { element?: number; component?: number } = {},
): EdifactProblem {
  const base = m.segments[0]!.position - 1;
  return { code, message, params, segment: s ? s.position - base : null, tag: s?.tag ?? null, ...at, messageReference: m.reference };
}

export const find = (segments: Segment[], tag: string, qualifier?: string) => segments.find((s) => s.tag === tag && (qualifier === undefined || value(s, 1, 1) === qualifier));

/** QTY value for the first qualifier present, as a plain decimal string. */
export function quantityOf(segments: Segment[], ...qualifiers: string[]): { segment: Segment; value: string } | null {
  for (const q of qualifiers) {
    const s = find(segments, 'QTY', q);
    if (s) return { segment: s, value: value(s, 1, 2) };
  }
  return null;
}

/** The GTIN of a LIN (item number type SRV/EN) or of a PIA in its group. */
export function gtinOf(line: LineGroup): string {
  if (['SRV', 'EN', 'EAN', 'GTIN'].includes(value(line.lin, 3, 2))) return value(line.lin, 3, 1);
  for (const s of line.segments.filter((x) => x.tag === 'PIA')) {
    const c = s.elements.slice(1).find((e) => ['SRV', 'EN', 'EAN', 'GTIN'].includes(e[1] ?? '') && e[0]);
    if (c) return c[0]!;
  }
  return '';
}

/** The lot (batch) number of a line: PIA with item number type NB. */
export function lotOf(line: LineGroup): string {
  for (const s of line.segments.filter((x) => x.tag === 'PIA')) {
    const c = s.elements.slice(1).find((e) => e[1] === 'NB' && e[0]);
    if (c) return c[0]!;
  }
  return '';
}

/** A whole quantity from 0 up, or null. */
export function wholeNumber(text: string): number | null {
  const t = text.replace(',', '.');
  if (!/^\d+(\.0*)?$/.test(t)) return null;
  const n = Number.parseInt(t, 10);
  return n <= 999_999_999 ? n : null;
}
