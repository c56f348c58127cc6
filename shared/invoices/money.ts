// Decimal arithmetic for invoices on scaled integers: money is never a float. A `Decimal` is
// a BigInt counting ten-thousandths (4 decimal places, enough for unit prices and quantities);
// currency amounts are rounded to 2 places, half away from zero ("half-up" on the absolute
// value), per line, as EN 16931 computes a line net amount (BT-131) and each VAT category's
// tax amount (BT-117).

/** A decimal number as an integer count of 10^-4. */
export type Decimal = bigint;

export const scale = 4;
const unit = 10n ** BigInt(scale);

/**
 * Parses a plain decimal string ("12", "3.85", "-0.5", "1234.5678"): no exponent, no
 * thousands separators, at most `maxPlaces` (≤ 4) decimal places. Null when it is not one.
 */
export function parseDecimal(text: string, maxPlaces = scale): Decimal | null {
  const m = /^(-)?(\d{1,15})(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return null;
  const fraction = m[3] ?? '';
  if (fraction.length > Math.min(maxPlaces, scale)) return null;
  const value = BigInt(m[2]!) * unit + BigInt(fraction.padEnd(scale, '0') || '0');
  return m[1] ? -value : value;
}

/** An integer (e.g. a PO line's ordered quantity) as a Decimal. */
export function fromInteger(n: number | bigint): Decimal {
  if (typeof n === 'number' && !Number.isSafeInteger(n)) throw new RangeError(`${n} is not a safe integer`);
  return BigInt(n) * unit;
}

/** Divides by 10^digits, rounding half away from zero. */
function divRound(value: bigint, digits: number): bigint {
  if (digits <= 0) return value;
  const d = 10n ** BigInt(digits);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  let q = abs / d;
  if ((abs % d) * 2n >= d) q += 1n;
  return negative ? -q : q;
}

/** Rounds to `places` decimal places (half away from zero); the result keeps the 4-place scale. */
export function round(value: Decimal, places: number): Decimal {
  const drop = scale - places;
  if (drop <= 0) return value;
  return divRound(value, drop) * 10n ** BigInt(drop);
}

export function add(...values: Decimal[]): Decimal {
  return values.reduce((a, b) => a + b, 0n);
}

/** a × b, exact product rounded to the 4-place scale. */
export function multiply(a: Decimal, b: Decimal): Decimal {
  return divRound(a * b, scale);
}

/** A line's net amount: quantity × unit price, rounded half-up to the cent. */
export function lineNet(quantity: Decimal, unitPrice: Decimal): Decimal {
  // Round the exact product (8 places) straight to 2: no double rounding.
  return divRound(quantity * unitPrice, 2 * scale - 2) * 10n ** BigInt(scale - 2);
}

/** The tax on a taxable amount at `ratePercent` (e.g. 13 for 13 %), rounded half-up to the cent. */
export function taxAmount(taxable: Decimal, ratePercent: Decimal): Decimal {
  // taxable × rate / 100, exact at 8 places + 2 for the percent, rounded once to 2 places.
  return divRound(taxable * ratePercent, 2 * scale + 2 - 2) * 10n ** BigInt(scale - 2);
}

/** The decimal as text with exactly `places` places (rounded half-up if it has more). */
export function format(value: Decimal, places = 2): string {
  const rounded = round(value, places);
  const negative = rounded < 0n;
  const abs = negative ? -rounded : rounded;
  const whole = abs / unit;
  const fraction = (abs % unit).toString().padStart(scale, '0').slice(0, places);
  return `${negative ? '-' : ''}${whole}${places > 0 ? `.${fraction}` : ''}`;
}

/** The shortest text of the value (no trailing zeros): "3.85", "12", "0.125". */
export function formatPlain(value: Decimal): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const fraction = (abs % unit).toString().padStart(scale, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${abs / unit}${fraction ? `.${fraction}` : ''}`;
}

export interface TaxSubtotal {
  rate: Decimal;
  taxable: Decimal;
  tax: Decimal;
}

export interface Totals {
  lines: Decimal[];
  taxes: TaxSubtotal[];
  net: Decimal;
  tax: Decimal;
  gross: Decimal;
}

/**
 * An invoice's arithmetic as EN 16931 defines it: each line net rounded to the cent, the
 * lines summed per tax rate, the tax of each rate computed on that sum and rounded to the
 * cent, the invoice's tax the sum of those, gross = net + tax. Rates in ascending order.
 */
export function invoiceTotals(lines: { quantity: Decimal; unitPrice: Decimal; taxRate: Decimal }[]): Totals {
  const nets = lines.map((l) => lineNet(l.quantity, l.unitPrice));
  const byRate = new Map<bigint, bigint>();
  lines.forEach((l, i) => byRate.set(l.taxRate, (byRate.get(l.taxRate) ?? 0n) + nets[i]!));
  const taxes = [...byRate.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([rate, taxable]) => ({ rate, taxable, tax: taxAmount(taxable, rate) }));
  const net = add(...nets);
  const tax = add(...taxes.map((t) => t.tax));
  return { lines: nets, taxes, net, tax, gross: net + tax };
}
