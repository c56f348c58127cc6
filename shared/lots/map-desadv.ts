// An EANCOM DESADV message (D.96A EAN005 … D.01B EAN007) → a supplier's despatch advice with
// its lines, each line one lot as the lot use case takes it: GTIN (LIN item number of type
// SRV/EN, or PIA with it), lot (PIA…:NB or GIN+BX), serials (PIA…:SN or GIN+BN), expiry
// (DTM+36), production date (DTM+94), despatched quantity (QTY+12), order (RFF+ON on the line,
// else in the header; its third component the order line), and the SSCCs (GIN+BJ under PCI) of
// the packages of the line's CPS group. Every problem names its segment (UNH = 1), its tag and,
// inside one, the element and component; all problems of the message at once.
import type { Segment } from '../edifact/interchange.ts';
import { type EdifactProblem } from '../edifact/problems.ts';
import { fill } from '../fill.ts';
import { term, type Term } from '../errors.ts';
import { wordTerms } from '../i18n/index.ts';
import { decimalValue, value } from '../edifact/element-values.ts';
import type { EdifactMessage } from '../edifact/envelope.ts';

export const desadvProblemTexts = {
  notDesadv: 'the message is {type}, not DESADV',
  unsupportedDocument: 'document type {code} is not a despatch advice (351)',
  missingSegment: 'the message has no {what}',
  missingValue: '{what} is empty',
  badDate: '{value} is not a date in format {format}',
  unsupportedDateFormat: 'date format {format} is not supported (102, 101, 203, 204)',
  badNumber: '{value} is not a number',
  noGtin: 'the line names no GTIN (LIN item number of type SRV/EN, or PIA with SRV/EN)',
  noLot: 'the line names no lot (PIA+1+lot:NB or GIN+BX+lot)',
  severalLots: 'the line names several lots ({lots}); send one LIN per lot',
  noQuantity: 'the line has no despatched quantity (QTY+12)',
  notWholeQuantity: 'the despatched quantity {value} is not a whole number from 1 to 999999999',
  serialRange: 'serial ranges ({first} to {last}) are not supported; list each serial',
  duplicateDate: 'the line gives {what} twice, with different values ({first}, {second})',
} as const;

export type DesadvProblemCode = keyof typeof desadvProblemTexts;

/** Where a field came from (message-relative segment position, UNH = 1). */
export interface FieldSource {
  segment: number;
  tag: string;
  element?: number;
  component?: number;
}

export interface DespatchLine {
  /** LIN 1082, the line number the partner gave. */
  lineNumber: string;
  gtin: string;
  lot: string;
  serials: string[];
  /** YYYY-MM-DD or null */
  expiryDate: string | null;
  productionDate: string | null;
  quantity: number;
  purchaseOrder: string | null;
  poLine: string | null;
  /** SSCCs of the packages of the line's CPS group (GIN+BJ under PCI). */
  ssccs: string[];
}

export interface DespatchAdvice {
  messageReference: string;
  number: string;
  documentDate: string | null;
  despatchDate: string | null;
  purchaseOrder: string | null;
  supplier: string | null;
  buyer: string | null;
  deliveryParty: string | null;
  lines: DespatchLine[];
}

export interface MappedDesadv {
  advice: DespatchAdvice;
  /** `lines/<i>/<column>` (the lot use case's column names) and header fields → where they were read. */
  sources: Record<string, FieldSource>;
}

/**
 * On refusal, `partial` (when every problem is in a line, none in the header): what was read,
 * and the lines (0-based) that have problems, so the other lines can still be checked.
 */
export type DesadvMapResult = { ok: true; value: MappedDesadv } | { ok: false; problems: EdifactProblem[]; partial?: MappedDesadv & { faultyLines: number[] } };

const gtinTypes = new Set(['SRV', 'EN', 'EAN', 'UP', 'GTIN']);

export function toIsoDate(text: string, fmt: string): string | null {
  const lengths: Record<string, number> = { '102': 8, '101': 6, '203': 12, '204': 14 };
  if (!(fmt in lengths) || text.length !== lengths[fmt] || !/^\d+$/.test(text)) return null;
  const iso = fmt === '101' ? `20${text.slice(0, 2)}-${text.slice(2, 4)}-${text.slice(4, 6)}` : `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso ? null : iso;
}

/** Maps one DESADV message; every problem at once. */
export function mapDesadv(message: EdifactMessage): DesadvMapResult {
  const problems: EdifactProblem[] = [];
  const base = message.segments[0]!.position - 1;
  const pos = (s: Segment) => s.position - base;
  const report = (code: DesadvProblemCode, params: EdifactProblem['params'], s: Segment, element?: number, component?: number) =>
    problems.push({
      code,
      message: fill(desadvProblemTexts[code], wordTerms('en', params)),
      params,
      segment: pos(s),
      tag: s.tag,
      ...(element ? { element, component: component ?? 1 } : {}),
      messageReference: message.reference,
    });
  const src = (s: Segment, element?: number, component?: number): FieldSource => ({ segment: pos(s), tag: s.tag, ...(element ? { element, component: component ?? 1 } : {}) });
  const sources: Record<string, FieldSource> = {};
  const unh = message.segments[0]!;
  if (message.type !== 'DESADV') {
    report('notDesadv', { type: message.type }, unh, 2, 1);
    return { ok: false, problems };
  }
  const body = message.segments.slice(1, -1);

  const date = (s: Segment, what: Term): string | null => {
    const text = value(s, 1, 2);
    const fmt = value(s, 1, 3) || '102';
    if (!text) {
      report('missingValue', { what }, s, 1, 2);
      return null;
    }
    if (!['102', '101', '203', '204'].includes(fmt)) {
      report('unsupportedDateFormat', { format: fmt }, s, 1, 3);
      return null;
    }
    const iso = toIsoDate(text, fmt);
    if (!iso) report('badDate', { value: text, format: fmt }, s, 1, 2);
    return iso;
  };

  // Header: everything before the first CPS or LIN.
  const firstDetail = body.findIndex((s) => s.tag === 'CPS' || s.tag === 'LIN');
  const header = firstDetail >= 0 ? body.slice(0, firstDetail) : body;
  const detail = firstDetail >= 0 ? body.slice(firstDetail) : [];

  let number = '';
  const bgm = header.find((s) => s.tag === 'BGM');
  if (!bgm) report('missingSegment', { what: term('lots.edifact.what.bgm') }, unh);
  else {
    const code = value(bgm, 1, 1);
    // Some partners leave the document name empty (BGM++number); 351 is the only one we take otherwise.
    if (code && code !== '351') report('unsupportedDocument', { code }, bgm, 1, 1);
    number = value(bgm, 2, 1);
    if (!number) report('missingValue', { what: term('lots.edifact.what.despatchNumber') }, bgm, 2, 1);
    else sources.number = src(bgm, 2, 1);
  }
  let documentDate: string | null = null;
  let despatchDate: string | null = null;
  for (const s of header.filter((x) => x.tag === 'DTM')) {
    const q = value(s, 1, 1);
    if (q === '137' && documentDate === null) documentDate = date(s, term('lots.edifact.what.documentDate'));
    else if (q === '11' && despatchDate === null) despatchDate = date(s, term('lots.edifact.what.despatchDate'));
  }
  const headerOrder = header.find((s) => s.tag === 'RFF' && value(s, 1, 1) === 'ON');
  const purchaseOrder = headerOrder ? value(headerOrder, 1, 2) || null : null;
  if (headerOrder) sources.purchaseOrder = src(headerOrder, 1, 2);
  const party = (q: string) => {
    const nad = header.find((s) => s.tag === 'NAD' && value(s, 1) === q);
    return nad ? value(nad, 2, 1) || null : null;
  };

  // Detail: CPS groups (packaging hierarchy) holding PAC/PCI/GIN and LIN groups.
  const lines: DespatchLine[] = [];
  let ssccs: string[] = [];
  let inSsccPci = false;
  let current: { lin: Segment; segments: Segment[]; ssccs: string[] } | null = null;
  const groups: { lin: Segment; segments: Segment[]; ssccs: string[] }[] = [];
  for (const s of detail) {
    if (s.tag === 'CPS') {
      current = null;
      ssccs = [];
      inSsccPci = false;
      continue;
    }
    if (s.tag === 'UNS' || s.tag === 'CNT') {
      current = null;
      continue;
    }
    if (s.tag === 'LIN') {
      current = { lin: s, segments: [s], ssccs };
      groups.push(current);
      continue;
    }
    if (current) {
      current.segments.push(s);
      continue;
    }
    // Package level (SG10–SG15): PCI+33E marks the SSCC that GIN+BJ carries.
    if (s.tag === 'PCI') inSsccPci = true;
    else if (s.tag === 'GIN' && value(s, 1) === 'BJ' && inSsccPci) {
      for (const e of s.elements.slice(1)) if (e[0] && !ssccs.includes(e[0])) ssccs.push(e[0]);
    }
  }
  if (groups.length === 0) report('missingSegment', { what: term('lots.edifact.what.lines') }, unh);

  const headerProblems = problems.length;
  const faultyLines: number[] = [];
  groups.forEach((g, i) => {
    const before = problems.length;
    mapLine(g, i);
    if (problems.length > before) faultyLines.push(i);
  });
  function mapLine(g: (typeof groups)[number], i: number) {
    const { lin } = g;
    const at = (name: string) => `lines/${i}/${name}`;
    sources[`lines/${i}`] = src(lin);
    // GTIN
    let gtin = '';
    if (gtinTypes.has(value(lin, 3, 2)) && value(lin, 3, 1)) {
      gtin = value(lin, 3, 1);
      sources[at('gtin')] = src(lin, 3, 1);
    } else {
      for (const pia of g.segments.filter((s) => s.tag === 'PIA')) {
        const k = pia.elements.slice(1).findIndex((e) => gtinTypes.has(e[1] ?? '') && e[0]);
        if (k >= 0) {
          gtin = pia.elements[k + 1]![0]!;
          sources[at('gtin')] = src(pia, k + 2, 1);
          break;
        }
      }
    }
    if (!gtin) report('noGtin', {}, lin, 3, 1);

    // Lot and serials: PIA components by type, GIN by qualifier.
    const lots: { lot: string; source: FieldSource }[] = [];
    const serials: string[] = [];
    for (const s of g.segments) {
      if (s.tag === 'PIA') {
        s.elements.slice(1).forEach((e, k) => {
          if (!e[0]) return;
          if (e[1] === 'NB') lots.push({ lot: e[0], source: src(s, k + 2, 1) });
          else if (e[1] === 'SN') {
            serials.push(e[0]);
            sources[at('serials')] ??= src(s, k + 2, 1);
          }
        });
      } else if (s.tag === 'GIN' && (value(s, 1) === 'BX' || value(s, 1) === 'BN')) {
        s.elements.slice(1).forEach((e, k) => {
          const [first = '', last = ''] = e;
          if (!first) return;
          if (last && last !== first) report('serialRange', { first, last }, s, k + 2, 2);
          if (value(s, 1) === 'BX') lots.push({ lot: first, source: src(s, k + 2, 1) });
          else {
            serials.push(first);
            sources[at('serials')] ??= src(s, k + 2, 1);
          }
        });
      }
    }
    const distinctLots = [...new Set(lots.map((l) => l.lot))];
    if (distinctLots.length === 0) report('noLot', {}, lin);
    else if (distinctLots.length > 1) report('severalLots', { lots: distinctLots.join(', ') }, lin);
    else sources[at('lot')] = lots[0]!.source;

    // Dates: DTM+36 expiry, DTM+94 production, wherever in the line group (also under its PCI).
    const dated = (qualifier: string, column: string, what: Term): string | null => {
      let found: { iso: string; seg: Segment } | null = null;
      for (const s of g.segments.filter((x) => x.tag === 'DTM' && value(x, 1, 1) === qualifier)) {
        const iso = date(s, what);
        if (!iso) continue;
        if (found && found.iso !== iso) report('duplicateDate', { what, first: found.iso, second: iso }, s, 1, 2);
        else if (!found) {
          found = { iso, seg: s };
          sources[at(column)] = src(s, 1, 2);
        }
      }
      return found?.iso ?? null;
    };
    const expiryDate = dated('36', 'expiry_date', term('lots.edifact.what.expiryDate'));
    const productionDate = dated('94', 'manufacture_date', term('lots.edifact.what.productionDate'));

    // Quantity: QTY+12, a whole number (partners write 48.000).
    let quantity = 0;
    const qty = g.segments.find((s) => s.tag === 'QTY' && value(s, 1, 1) === '12');
    if (!qty) report('noQuantity', {}, lin);
    else {
      sources[at('quantity')] = src(qty, 1, 2);
      const raw = value(qty, 1, 2);
      const v = decimalValue(raw);
      if (v === null) report(raw ? 'badNumber' : 'missingValue', raw ? { value: raw } : { what: term('lots.edifact.what.quantity') }, qty, 1, 2);
      else if (!/^\d{1,9}(\.0*)?$/.test(v) || Number(v) < 1) report('notWholeQuantity', { value: raw }, qty, 1, 2);
      else quantity = Number(v);
    }

    // The order: the line's RFF+ON (with the order line as its third component), else the header's.
    const lineOrder = g.segments.find((s) => s.tag === 'RFF' && value(s, 1, 1) === 'ON');
    let order = purchaseOrder;
    let poLine: string | null = null;
    if (lineOrder && value(lineOrder, 1, 2)) {
      order = value(lineOrder, 1, 2);
      sources[at('po_number')] = src(lineOrder, 1, 2);
      if (value(lineOrder, 1, 3)) {
        poLine = value(lineOrder, 1, 3);
        sources[at('po_line')] = src(lineOrder, 1, 3);
      }
    } else if (headerOrder) sources[at('po_number')] = src(headerOrder, 1, 2);

    lines.push({
      lineNumber: value(lin, 1),
      gtin,
      lot: distinctLots.length === 1 ? distinctLots[0]! : '',
      serials,
      expiryDate,
      productionDate,
      quantity,
      purchaseOrder: order,
      poLine,
      ssccs: g.ssccs,
    });
  }

  const mapped = {
    advice: { messageReference: message.reference, number, documentDate, despatchDate, purchaseOrder, supplier: party('SU'), buyer: party('BY'), deliveryParty: party('DP'), lines },
    sources,
  };
  if (problems.length) return headerProblems === 0 ? { ok: false, problems, partial: { ...mapped, faultyLines } } : { ok: false, problems };
  return { ok: true, value: mapped };
}
