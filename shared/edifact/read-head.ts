// The head of an interchange, read from its first bytes before anything is decoded: the UNA
// service characters (or the defaults) and the UNB syntax identifier (charset and version).
import { defaultServiceChars, type ServiceChars } from './interchange.ts';
import { EdifactError, syntaxProblem } from './problems.ts';
import { latin1 } from './decode.ts';

/** How many bytes readHead looks at (after a BOM): the UNA and the UNB syntax identifier are in them. */
const headBytes = 512;

/** Reads the UNA (if any) and the UNB syntax identifier from the first bytes, before decoding. */
export function readHead(bytes: Uint8Array): { start: number; chars: ServiceChars; una: boolean; charset: string; version: number } {
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
export function headComplete(bytes: Uint8Array): boolean {
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
