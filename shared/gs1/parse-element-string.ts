// GS1 element strings, as printed under a UDI barcode ("(01)09506000134352(17)280331(10)L2403A")
// or as a scanner hands over the barcode's content (AIs concatenated, a variable-length field
// ended by FNC1, transmitted as the GS character \u001d, optionally after a symbology
// identifier such as ]C1 for GS1-128, ]d2 for GS1 DataMatrix, ]Q3 for GS1 QR Code).
// Plain functions without Node APIs: the portal runs this in the browser to fill the lot form.
import { problem, type Problem } from '../errors.ts';
import { isValidGtin } from './gtin.ts';

export interface Gs1Element {
  ai: string;
  value: string;
}

/** What a lot record takes from the barcode; a field the string does not carry is absent. */
export interface ParsedElementString {
  /** AI (01), GTIN-14 with a valid check digit. */
  gtin?: string;
  /** AI (10) */
  lot?: string;
  /** AI (21) */
  serial?: string;
  /** AI (11), YYYY-MM-DD */
  manufactureDate?: string;
  /** AI (17), YYYY-MM-DD (DD = 00 in the barcode means the last day of the month) */
  expiryDate?: string;
  /** Every element in order, the ignored ones included. */
  elements: Gs1Element[];
  /** The AIs that were read but are not used for lot data, e.g. "240". */
  ignored: string[];
}

/** Why a barcode cannot be read: `problem` as data (the form words it), the English message for logs. */
export class Gs1ParseError extends Error {
  readonly problem: Problem;
  constructor(message: string, reason: Problem) {
    super(message);
    this.name = 'Gs1ParseError';
    this.problem = reason;
  }
}

const GS = '\u001d';

/** Length of the AI itself, from its first two digits (GS1 General Specifications, 3.2). */
function aiLength(prefix: string): number | undefined {
  const n = Number(prefix);
  if (!/^\d\d$/.test(prefix)) return undefined;
  if (n <= 4 || (n >= 10 && n <= 22) || n === 30 || n === 37 || n >= 90) return 2;
  if ([23, 24, 25, 40, 41, 42].includes(n)) return 3;
  if ((n >= 31 && n <= 36) || n === 39 || n === 43 || n === 70 || n === 71 || n === 72 || n === 80 || n === 81 || n === 82) return 4;
  return undefined;
}

/** Data length of the AIs with a predefined length (no FNC1 after them), by the first two digits. */
const predefined: Record<string, number> = {
  '00': 18, '01': 14, '02': 14, '03': 14, '04': 16,
  '11': 6, '12': 6, '13': 6, '14': 6, '15': 6, '16': 6, '17': 6, '18': 6, '19': 6,
  '20': 2, '31': 6, '32': 6, '33': 6, '34': 6, '35': 6, '36': 6, '41': 13,
};

/** The AIs lot data uses and their limits. */
const known: Record<string, { name: string; max: number }> = {
  '01': { name: 'GTIN', max: 14 },
  '10': { name: 'lot', max: 20 },
  '11': { name: 'production date', max: 6 },
  '17': { name: 'expiry date', max: 6 },
  '21': { name: 'serial number', max: 20 },
};

/**
 * A GS1 YYMMDD date as YYYY-MM-DD. The century follows GS1's rule (General Specifications
 * 7.12): a year more than 50 years ahead of `today` is in the previous century, one more than
 * 49 years behind in the next. DD = 00 means the last day of the month.
 */
export function gs1Date(yymmdd: string, today: Date = new Date()): string | undefined {
  const m = /^(\d\d)(\d\d)(\d\d)$/.exec(yymmdd);
  if (!m) return undefined;
  const yy = Number(m[1]);
  const month = Number(m[2]);
  let day = Number(m[3]);
  if (month < 1 || month > 12) return undefined;
  const current = today.getUTCFullYear();
  const century = Math.floor(current / 100) * 100;
  const diff = yy - (current % 100);
  const year = diff >= 51 ? century - 100 + yy : diff <= -50 ? century + 100 + yy : century + yy;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day === 0) day = lastDay;
  if (day > lastDay) return undefined;
  return `${String(year).padStart(4, '0')}-${m[2]}-${String(day).padStart(2, '0')}`;
}

/** Splits the human-readable form "(01)…(10)…" into elements. */
function splitBracketed(input: string): Gs1Element[] {
  const elements: Gs1Element[] = [];
  const re = /\((\d{2,4})\)([^(]*)/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = re.exec(input))) {
    elements.push({ ai: m[1]!, value: m[2]!.trim() });
    at = re.lastIndex;
  }
  if (at !== input.length) throw new Gs1ParseError(`cannot read the element string after position ${at + 1}: expected "(AI)value"`, problem('gs1.unreadable', { position: at + 1 }));
  return elements;
}

/** Splits the raw form (FNC1 as GS) into elements, using the AI table for lengths. */
function splitRaw(input: string): Gs1Element[] {
  const elements: Gs1Element[] = [];
  let i = 0;
  while (i < input.length) {
    if (input[i] === GS) {
      i++;
      continue;
    }
    const prefix = input.slice(i, i + 2);
    const len = aiLength(prefix);
    if (len === undefined) throw new Gs1ParseError(`unknown application identifier starting "${prefix}" at position ${i + 1}`, problem('gs1.unknownAi', { prefix, position: i + 1 }));
    const ai = input.slice(i, i + len);
    if (!/^\d+$/.test(ai) || ai.length < len) throw new Gs1ParseError(`incomplete application identifier "${ai}" at position ${i + 1}`, problem('gs1.incompleteAi', { ai, position: i + 1 }));
    i += len;
    const fixed = predefined[prefix];
    let value: string;
    if (fixed !== undefined) {
      value = input.slice(i, i + fixed);
      if (value.length < fixed || value.includes(GS)) throw new Gs1ParseError(`AI (${ai}) needs ${fixed} characters`, problem('gs1.tooShort', { ai, length: fixed }));
      i += fixed;
    } else {
      const end = input.indexOf(GS, i);
      value = end === -1 ? input.slice(i) : input.slice(i, end);
      i = end === -1 ? input.length : end + 1;
    }
    elements.push({ ai, value });
  }
  return elements;
}

/**
 * Parses a GS1 element string in either form and validates what lot data takes from it: AI
 * (01) GTIN-14 with its check digit, (10) lot and (21) serial of 1 to 20 characters, (11)
 * production and (17) expiry dates. Other AIs are kept in `elements` and listed in
 * `ignored`. Throws Gs1ParseError naming the first problem.
 */
export function parseElementString(text: string, today: Date = new Date()): ParsedElementString {
  let input = text.replace(/\r?\n$/, '');
  // Pasted text cannot hold a GS character easily; accept the usual stand-ins for it.
  input = input.replace(/<GS>|\{GS\}|\\u001d|\\x1d/gi, GS);
  input = input.replace(/^\s+|[ \t\r\n]+$/g, '');
  // Symbology identifier ("]C1" GS1-128, "]d2" GS1 DataMatrix, "]Q3" GS1 QR Code, "]e0" DataBar, "]J1" DotCode).
  const symbology = /^\](C1|d2|Q3|e0|J1)/.exec(input);
  if (symbology) input = input.slice(3);
  else if (/^\][A-Za-z]\d/.test(input)) throw new Gs1ParseError(`symbology identifier ${input.slice(0, 3)} is not a GS1 barcode`, problem('gs1.notGs1', { symbology: input.slice(0, 3) }));
  if (!input.replace(new RegExp(GS, 'g'), '')) throw new Gs1ParseError('the element string is empty', problem('gs1.empty'));

  const elements = input.startsWith('(') ? splitBracketed(input) : splitRaw(input);
  const result: ParsedElementString = { elements, ignored: [] };
  const seen = new Map<string, string>();
  for (const { ai, value } of elements) {
    const before = seen.get(ai);
    if (before !== undefined && before !== value) throw new Gs1ParseError(`AI (${ai}) appears twice with different values`, problem('gs1.repeatedAi', { ai }));
    seen.set(ai, value);
    const spec = known[ai];
    if (!spec) {
      result.ignored.push(ai);
      continue;
    }
    if (!value) throw new Gs1ParseError(`AI (${ai}) ${spec.name} is empty`, problem('gs1.emptyValue', { ai }));
    if (value.length > spec.max) throw new Gs1ParseError(`AI (${ai}) ${spec.name} is longer than ${spec.max} characters`, problem('gs1.tooLong', { ai, max: spec.max }));
    switch (ai) {
      case '01':
        if (!/^\d{14}$/.test(value)) throw new Gs1ParseError(`AI (01) GTIN must be 14 digits: ${value}`, problem('gs1.gtinDigits', { gtin: value }));
        if (!isValidGtin(value)) throw new Gs1ParseError(`AI (01) GTIN ${value} has a wrong check digit`, problem('gs1.gtinCheckDigit', { gtin: value }));
        result.gtin = value;
        break;
      case '10':
      case '21':
        // eslint-disable-next-line no-control-regex
        if (/[\u0000-\u001f\u007f]/.test(value)) throw new Gs1ParseError(`AI (${ai}) ${spec.name} contains a control character`, problem('gs1.controlCharacter', { ai }));
        if (ai === '10') result.lot = value;
        else result.serial = value;
        break;
      case '11':
      case '17': {
        const date = gs1Date(value, today);
        if (!date) throw new Gs1ParseError(`AI (${ai}) ${spec.name} is not a date (YYMMDD): ${value}`, problem('gs1.badDate', { ai, value }));
        if (ai === '11') result.manufactureDate = date;
        else result.expiryDate = date;
        break;
      }
    }
  }
  return result;
}
