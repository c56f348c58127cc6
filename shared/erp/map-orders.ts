// A minimal ORDERS line mapper: each LIN group → GTIN (LIN item number of type SRV/EN, or PIA
// with it), ordered quantity (QTY+21), net price (PRI+AAA, else PRI+AAB) and the order number
// (the BGM document number in force). It reads segment batches (SegmentBatch in edifact/segments.ts: columns over the
// decoded text, no object per segment), so it can run on the tokenizer's stream
// (ChunkTokenizer.writeBatch) and keep only the lines (bench/edifact.ts runs it so on the 2.2 MB
// sample, which repeats BGM…LIN blocks inside one message); mapOrders() reads a whole message.
import type { Segment } from '../edifact/interchange.ts';
import { decimalValue } from '../edifact/element-values.ts';
import { SegmentBatch, tagCode } from '../edifact/segments.ts';
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
const [BGM, LIN, UNS, UNT, QTY, PRI, PIA] = ['BGM', 'LIN', 'UNS', 'UNT', 'QTY', 'PRI', 'PIA'].map(tagCode);

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

  /** Reads the segments of a batch (a chunk's, from ChunkTokenizer.writeBatch, or SegmentBatch.of a message's). */
  read(b: SegmentBatch): void {
    for (let k = 0; k < b.length; k++) {
      switch (b.tag(k)) {
        case BGM:
          this.order = b.value(k, 2, 1);
          this.line = null;
          continue;
        case LIN: {
          const gtin = gtinTypes.has(b.value(k, 3, 2)) ? b.value(k, 3, 1) : '';
          this.line = { purchaseOrder: this.order, lineNumber: b.value(k, 1), gtin, quantity: null, price: null, segment: b.position(k) - this.base };
          this.lines.push(this.line);
          continue;
        }
        case UNS:
        case UNT:
          this.line = null;
          continue;
      }
      const line = this.line;
      if (!line) continue;
      switch (b.tag(k)) {
        case QTY:
          if (b.value(k, 1, 1) === '21') line.quantity ??= decimalValue(b.value(k, 1, 2));
          continue;
        case PRI: {
          const q = b.value(k, 1, 1);
          if (q === 'AAA' || (q === 'AAB' && line.price === null)) line.price = decimalValue(b.value(k, 1, 2));
          continue;
        }
        case PIA:
          if (!line.gtin) {
            const e = b.segment(k).elements.slice(1).find((c) => gtinTypes.has(c[1] ?? '') && c[0]);
            if (e) line.gtin = e[0]!;
          }
      }
    }
  }
}

/** The lines of one ORDERS message (positions counted from its UNH). */
export function mapOrders(message: EdifactMessage): OrderLine[] {
  const reader = new OrdersLineReader();
  reader.startMessage(message.segments[0]!);
  reader.read(SegmentBatch.of(message.segments));
  return reader.lines;
}
