// The EDIFACT character sets the tokenizer knows (UNB S001 0001) and the repertoires it checks.

export const latin1Charsets = new Set(['UNOA', 'UNOB', 'UNOC', 'UNOD', 'UNOE', 'UNOF', 'UNOG', 'UNOH', 'UNOI', 'UNOJ', 'UNOK']);
export const utf8Charsets = new Set(['UNOW', 'UNOY']);

// Repertoires as lookup tables over ASCII (UNOA and UNOB are ASCII subsets):
// UNOA (ISO 646 level A): upper-case letters, digits, space and . , - ( ) / = ' + : ? ! " % & * ; < >
function table(chars: string): Uint8Array {
  const t = new Uint8Array(128);
  for (const ch of chars) t[ch.charCodeAt(0)] = 1;
  return t;
}
const unoaChars = `ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-()/='+:?!"%&*;<>`;
export const unoa = table(unoaChars);
export const unoaLenient = table(`${unoaChars}abcdefghijklmnopqrstuvwxyz`);
export const unob = table(Array.from({ length: 0x7f - 0x20 }, (_, k) => String.fromCharCode(0x20 + k)).join(''));

export function show(ch: string): string {
  const code = ch.codePointAt(0)!;
  return code < 0x20 || (code >= 0x7f && code < 0xa0) ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}` : `"${ch}" (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
}
