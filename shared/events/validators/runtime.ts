// What the generated validators beside this file import at run time: the formats the event
// schemas use and the two helpers of Ajv's runtime they call. No Ajv here, so nothing on the
// request path compiles code from strings (workerd refuses that).
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { isValidGtin } from '../../gs1/gtin.ts';

/**
 * The formats by name, exactly as compile-validators.ts hands them to Ajv: the generated code
 * calls `formats.date.validate(x)` or `formats.gtin.validate(x)` as Ajv saw them shaped.
 */
export const formats = {
  date: fullFormats.date,
  'date-time': fullFormats['date-time'],
  gtin: { type: 'string' as const, validate: isValidGtin },
};

/** A string's length in code points, as JSON Schema counts minLength/maxLength (Ajv's own). */
export function ucs2length(str: string): number {
  const len = str.length;
  let length = 0;
  let pos = 0;
  while (pos < len) {
    length++;
    const value = str.charCodeAt(pos++);
    if (value >= 0xd800 && value <= 0xdbff && pos < len && (str.charCodeAt(pos) & 0xfc00) === 0xdc00) pos++;
  }
  return length;
}

/** Deep equality of JSON values (parsed JSON: no dates, maps or cycles), for uniqueItems. */
export function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a !== a && b !== b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
