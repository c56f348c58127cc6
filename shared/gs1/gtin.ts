/**
 * GS1 GTIN check: GTIN-8, -12, -13 or -14 digits with a valid mod-10 check digit. Lotbridge
 * stores GTINs as GTIN-14 (left-padded with zeros), the form AI (01) and UDI-DIs use.
 */
export function gtinCheckDigit(digitsWithoutCheck: string): number {
  let sum = 0;
  // Weights 3,1,3,1… from the right, starting next to the check digit.
  for (let i = 0; i < digitsWithoutCheck.length; i++) {
    const d = digitsWithoutCheck.charCodeAt(digitsWithoutCheck.length - 1 - i) - 48;
    sum += d * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

export function isValidGtin(value: string): boolean {
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(value)) return false;
  return gtinCheckDigit(value.slice(0, -1)) === Number(value.at(-1));
}

export function toGtin14(value: string): string {
  return value.padStart(14, '0');
}
