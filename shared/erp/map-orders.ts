// A minimal ORDERS line mapper: each LIN group → GTIN (LIN item number of type SRV/EN, or PIA
// with it), ordered quantity (QTY+21), net price (PRI+AAA, else PRI+AAB) and the order number
// (the BGM document number in force). It takes segments one at a time, so it can run on the
// tokenizer's stream and keep only the lines (bench/edifact.ts runs it so on the 2.2 MB sample,
// which repeats BGM…LIN blocks inside one message); mapOrders() reads a whole message.
import type { Segment } from '../edifact/interchange.ts';
import { decimalValue, value } from '../edifact/element-values.ts';
import type { EdifactMessage } from '../edifact/envelope.ts';

export interface OrderLine {
  purchaseOrder: string;
  /** LIN 1082 */
  lineNumber: string;
  /** '' when the line names none */
  gtin: string;
  /** Plain decimal strings (either decimal mark read); null when absent or not a number. */
  quantity: string | null;
  price: string | null;
  /** The LIN's position (in the interchange, or in the message when mapOrders reads one). */
  segment: number;
}

const gtinTypes = new Set(['SRV', 'EN', 'EAN', 'UP', 'GTIN']);

export class OrdersLineReader {
  readonly lines: OrderLine[] = [];
  private order = '';
  private line: OrderLine | null = null;
  private base = 0;

  /** Counts positions from this segment (UNH = 1) instead of the interchange's. */
  startMessage(unh: Segment): void {
    this.base = unh.position - 1;
    this.order = '';
  }

  push(s: Segment): void {
    switch (s.tag) {
      case 'BGM':
        this.order = value(s, 2, 1);
        this.line = null;
        return;
      case 'LIN': {
        const gtin = gtinTypes.has(value(s, 3, 2)) ? value(s, 3, 1) : '';
        this.line = { purchaseOrder: this.order, lineNumber: value(s, 1), gtin, quantity: null, price: null, segment: s.position - this.base };
        this.lines.push(this.line);
        return;
      }
      case 'UNS':
      case 'UNT':
        this.line = null;
        return;
    }
    const line = this.line;
    if (!line) return;
    if (s.tag === 'QTY' && value(s, 1, 1) === '21') line.quantity ??= decimalValue(value(s, 1, 2));
    else if (s.tag === 'PRI') {
      const q = value(s, 1, 1);
      if (q === 'AAA' || (q === 'AAB' && line.price === null)) line.price = decimalValue(value(s, 1, 2));
    } else if (s.tag === 'PIA' && !line.gtin) {
      const e = s.elements.slice(1).find((c) => gtinTypes.has(c[1] ?? '') && c[0]);
      if (e) line.gtin = e[0]!;
    }
  }
}

/** The lines of one ORDERS message (positions counted from its UNH). */
export function mapOrders(message: EdifactMessage): OrderLine[] {
  const reader = new OrdersLineReader();
  reader.startMessage(message.segments[0]!);
  for (const s of message.segments) reader.push(s);
  return reader.lines;
}
