import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { asAuditActor, requireRole } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { isValidGtin, toGtin14 } from '../gs1/gtin.ts';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';
import { recordHash } from '../signatures/record-hash.ts';
import { lotContent, lotEventData, lotProblems as problems, lotSelect, lotWarnings, toLot, type Lot, type LotRow, type LotSource, type RowProblem } from './lot.ts';

/** One lot as the form, a CSV row or a barcode gives it: every way in has this shape. */
export interface LotInput {
  /** The row number shown with its problems (CSV: the line, header = 1); default its position, from 1. */
  row?: number;
  gtin: string;
  lot: string;
  serials?: string[];
  /** YYYY-MM-DD, optional */
  manufactureDate?: string;
  /** YYYY-MM-DD, optional */
  expiryDate?: string;
  quantity: string | number;
  /** Deliver against this purchase order of the caller's organisation (else against the item). */
  poNumber?: string;
  poLine?: string | number;
  /** A CoC / CoA of the caller's organisation: its series id or its certificate number. */
  certificate?: string;
  /** A note about the CoC / CoA (e.g. "CoC travels with the goods"). */
  certificateNote?: string;
}

export interface LotsSubmission {
  source: LotSource;
  lots: LotInput[];
  /** Rows already refused before validation (e.g. by the CSV parser): they count as failed rows. */
  rejected?: RowProblem[];
  /** Store the valid rows even when others fail (default: nothing is stored when any row fails). */
  keepValid?: boolean;
}

export interface LotsResult {
  stored: Lot[];
  /** Problems of the rows that were not stored (only with keepValid). */
  rejected: RowProblem[];
  /** Accepted but worth a look: over-delivery against the order. */
  warnings: RowProblem[];
}

const maxRows = 5000;
const maxNote = 500;
const gsLength = 20;

/** The key of one row's field in AppError.fields: "rows/<row>/<column>" ("rows/<row>" for the whole row). */
export function rowFieldKey(row: number, column: string | null): string {
  return column ? `rows/${row}/${column}` : `rows/${row}`;
}

/** The row problems of an AppError thrown by submitLots, in row order. */
export function rowProblemsOf(fields: Record<string, string> | undefined): RowProblem[] {
  const out: RowProblem[] = [];
  for (const [key, message] of Object.entries(fields ?? {})) {
    const m = /^rows\/(\d+)(?:\/(.+))?$/.exec(key);
    if (m) out.push({ row: Number(m[1]), column: m[2] ?? null, message });
  }
  return out.sort((a, b) => a.row - b.row);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

function isDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

// eslint-disable-next-line no-control-regex
const control = /[\u0000-\u001f\u007f]/;

interface Checked {
  row: number;
  gtin: string;
  lot: string;
  serials: string[];
  manufactureDate: string | null;
  expiryDate: string | null;
  quantity: number;
  order: { id: string; poNumber: string; lineNumber: number; ordered: number } | null;
  certificateSeriesId: string | null;
  certificateNote: string | null;
}

/**
 * A supplier user submits lots of its own organisation: one from the form or a barcode, many
 * from a CSV upload; every row becomes the same record. Each row is checked in full (GTIN
 * check digit; the GTIN known as an item or ordered on the referenced purchase order line of
 * the caller's organisation; lot 1–20 characters; as many serials as the quantity when serials
 * are given; manufacture ≤ expiry, no date before 2000, manufacture not in the future, expiry
 * at most 30 years ahead; quantity ≥ 1; a CoC / CoA of the caller's own; no lot submitted
 * before, naming the existing record) and every problem of every row is reported at once.
 * When any row fails nothing is stored, unless `keepValid`, then the valid rows are. More than
 * ordered on a line (with what was delivered before) is accepted with a warning. Each stored
 * lot is audited and announced to the ERP (`lot.submitted`) in the same transaction.
 */
export async function submitLots(ctx: UseCaseContext, actor: Actor, input: LotsSubmission): Promise<LotsResult> {
  requireRole(actor, 'supplier_user');
  const lots = input.lots ?? [];
  if (lots.length === 0 && !(input.rejected ?? []).length) throw new AppError('invalid_input', 'no lots to submit', { lots: problems.required });
  if (lots.length > maxRows) throw new AppError('invalid_input', `at most ${maxRows} lots at once`, { lots: `${problems.tooLong}: at most ${maxRows} rows` });

  const now = ctx.clock.now();
  const today = now.toISOString().slice(0, 10);
  const latestExpiry = `${now.getUTCFullYear() + 30}${today.slice(4)}`;
  const fields: Record<string, string> = {};
  for (const p of input.rejected ?? []) fields[rowFieldKey(p.row, p.column)] ??= p.message;

  const checked: Checked[] = [];
  const failedRows = new Set<number>((input.rejected ?? []).map((p) => p.row));
  const batchKeys = new Map<string, number>();

  for (const [index, l] of lots.entries()) {
    const row = l.row ?? index + 1;
    const problem = (column: string, message: string) => {
      fields[rowFieldKey(row, column)] ??= message;
      failedRows.add(row);
    };

    const gtinIn = text(l.gtin);
    let gtin = '';
    if (!gtinIn) problem('gtin', problems.required);
    else if (!isValidGtin(gtinIn)) problem('gtin', `${problems.badGtin}: ${gtinIn}`);
    else gtin = toGtin14(gtinIn);

    const lot = text(l.lot);
    if (!lot) problem('lot', problems.required);
    else if (lot.length > gsLength || control.test(lot)) problem('lot', `${problems.badLot}: ${lot}`);

    const quantityIn = text(l.quantity);
    const quantity = /^\d{1,9}$/.test(quantityIn) ? Number(quantityIn) : NaN;
    if (!quantityIn) problem('quantity', problems.required);
    else if (!(quantity >= 1)) problem('quantity', `${problems.badQuantity}: ${quantityIn}`);

    const serials = (l.serials ?? []).map(text).filter(Boolean);
    const badSerials = serials.filter((s) => s.length > gsLength || control.test(s));
    const repeated = serials.filter((s, i) => serials.indexOf(s) !== i);
    if (badSerials.length) problem('serials', `${problems.badSerial}: ${badSerials.join(', ')}`);
    else if (repeated.length) problem('serials', `${problems.serialRepeated}: ${[...new Set(repeated)].join(', ')}`);
    else if (serials.length > 0 && quantity >= 1 && serials.length !== quantity) problem('serials', `${problems.serialCount}: ${serials.length} serials, quantity ${quantity}`);

    const date = (column: 'manufacture_date' | 'expiry_date', value: string): string | null => {
      if (!value) return null;
      if (!isDate(value)) problem(column, `${problems.badDate}: ${value}`);
      else if (value < '2000-01-01') problem(column, `${problems.dateTooEarly}: ${value}`);
      else if (column === 'manufacture_date' && value > today) problem(column, `${problems.manufactureInFuture}: ${value}`);
      else if (column === 'expiry_date' && value > latestExpiry) problem(column, `${problems.expiryTooFar}: ${value}`);
      else return value;
      return null;
    };
    const manufactureDate = date('manufacture_date', text(l.manufactureDate));
    const expiryDate = date('expiry_date', text(l.expiryDate));
    if (manufactureDate && expiryDate && expiryDate < manufactureDate) problem('expiry_date', `${problems.expiryBeforeManufacture}: ${expiryDate} < ${manufactureDate}`);

    // The order line or the item.
    const poNumber = text(l.poNumber);
    const poLineIn = text(l.poLine);
    let order: Checked['order'] = null;
    if (poNumber) {
      const po = await ctx.db.get<{ id: string }>('SELECT id FROM purchase_orders WHERE po_number = ? AND supplier_organisation_id = ?', [poNumber, actor.organisationId]);
      if (!po) problem('po_number', `${problems.unknownPurchaseOrder}: ${poNumber}`);
      else if (poLineIn) {
        const lineNumber = /^\d{1,9}$/.test(poLineIn) ? Number(poLineIn) : NaN;
        const line = Number.isInteger(lineNumber)
          ? await ctx.db.get<{ gtin: string; quantity: number }>('SELECT gtin, quantity FROM purchase_order_lines WHERE purchase_order_id = ? AND line_number = ?', [po.id, lineNumber])
          : undefined;
        if (!line) problem('po_line', `${problems.unknownPoLine}: ${poNumber} / ${poLineIn}`);
        else if (gtin && line.gtin !== gtin) problem('gtin', `${problems.gtinNotOnLine}: ${poNumber} / ${lineNumber} orders ${line.gtin}`);
        else order = { id: po.id, poNumber, lineNumber, ordered: line.quantity };
      } else if (gtin) {
        const lines = await ctx.db.all<{ line_number: number; quantity: number }>('SELECT line_number, quantity FROM purchase_order_lines WHERE purchase_order_id = ? AND gtin = ?', [po.id, gtin]);
        if (lines.length === 1) order = { id: po.id, poNumber, lineNumber: lines[0]!.line_number, ordered: lines[0]!.quantity };
        else if (lines.length === 0) problem('gtin', `${problems.gtinNotOnLine}: ${poNumber}`);
        else problem('po_line', problems.lineRequired);
      }
    } else if (poLineIn) {
      problem('po_number', problems.lineWithoutOrder);
    } else if (gtin) {
      const item = await ctx.db.get<{ gtin: string }>('SELECT gtin FROM items WHERE gtin = ?', [gtin]);
      if (!item) problem('gtin', `${problems.unknownGtin}: ${gtin}`);
    }

    // The CoC / CoA: referenced by series id or certificate number, of the caller's organisation.
    const certificateIn = text(l.certificate);
    let certificateSeriesId: string | null = null;
    if (certificateIn) {
      const c = await ctx.db.get<{ series_id: string }>(
        `SELECT series_id FROM certificates WHERE organisation_id = ? AND type IN ('coc', 'coa') AND state != 'rejected' AND (series_id = ? OR number = ?)
          ORDER BY version DESC LIMIT 1`,
        [actor.organisationId, certificateIn, certificateIn],
      );
      if (!c) problem('certificate', `${problems.unknownCertificate}: ${certificateIn}`);
      else certificateSeriesId = c.series_id;
    }
    const note = text(l.certificateNote);
    if (note.length > maxNote) problem('certificate_note', `${problems.tooLong}: at most ${maxNote} characters`);

    // Duplicates: submitted before (named), or twice in this batch.
    if (gtin && lot && !fields[rowFieldKey(row, 'lot')]) {
      const existing = await ctx.db.get<{ id: string; submitted_at: string; po_number: string | null; po_line_number: number | null }>(
        `SELECT l.id, l.submitted_at, po.po_number, l.po_line_number FROM lots l LEFT JOIN purchase_orders po ON po.id = l.purchase_order_id
          WHERE l.organisation_id = ? AND l.gtin = ? AND l.lot = ?`,
        [actor.organisationId, gtin, lot],
      );
      const key = `${gtin}\u0000${lot}`;
      if (existing) {
        const on = existing.po_number ? `, PO ${existing.po_number} line ${existing.po_line_number}` : '';
        problem('lot', `${problems.duplicate}: ${existing.id} (${existing.submitted_at.slice(0, 10)}${on})`);
      } else if (batchKeys.has(key)) {
        problem('lot', `${problems.repeatedInBatch}: ${batchKeys.get(key)}`);
      } else batchKeys.set(key, row);
    }

    if (!failedRows.has(row)) {
      checked.push({ row, gtin, lot, serials, manufactureDate, expiryDate, quantity, order, certificateSeriesId, certificateNote: note || null });
    }
  }

  const rejected = rowProblemsOf(fields);
  const otherFields = Object.fromEntries(Object.entries(fields).filter(([k]) => !k.startsWith('rows/')));
  if (rejected.length > 0 && (!input.keepValid || checked.length === 0)) {
    const summary = rejected
      .slice(0, 20)
      .map((p) => `row ${p.row}${p.column ? ` ${p.column}` : ''}: ${p.message}`)
      .join('; ');
    throw new AppError('invalid_input', `no lots were stored: ${summary}${rejected.length > 20 ? '; …' : ''}`, { ...otherFields, ...fields });
  }

  // Over-delivery: what this batch adds to a line on top of what was delivered before.
  const warnings: RowProblem[] = [];
  const runningTotal = new Map<string, number>();
  for (const c of checked) {
    if (!c.order) continue;
    const key = `${c.order.id}:${c.order.lineNumber}`;
    if (!runningTotal.has(key)) {
      const before = await ctx.db.get<{ n: number | null }>('SELECT SUM(quantity) AS n FROM lots WHERE purchase_order_id = ? AND po_line_number = ?', [c.order.id, c.order.lineNumber]);
      runningTotal.set(key, before?.n ?? 0);
    }
    const delivered = runningTotal.get(key)! + c.quantity;
    runningTotal.set(key, delivered);
    if (delivered > c.order.ordered) {
      warnings.push({ row: c.row, column: 'quantity', message: `${lotWarnings.overDelivery}: ${delivered} of ${c.order.ordered} (PO ${c.order.poNumber} line ${c.order.lineNumber})` });
    }
  }

  const stored = await ctx.db.transaction(async (tx) => {
    const out: Lot[] = [];
    const submittedAt = ctx.clock.now().toISOString();
    for (const c of checked) {
      const id = newId('lot');
      const hash = recordHash(
        lotContent({
          id,
          organisationId: actor.organisationId,
          purchaseOrderId: c.order?.id ?? null,
          lineNumber: c.order?.lineNumber ?? null,
          gtin: c.gtin,
          lot: c.lot,
          serials: c.serials,
          manufactureDate: c.manufactureDate,
          expiryDate: c.expiryDate,
          quantity: c.quantity,
          certificateSeriesId: c.certificateSeriesId,
          certificateNote: c.certificateNote,
          source: input.source,
          submittedById: actor.userId,
          submittedAt,
        }),
      );
      try {
        await tx.run(
          `INSERT INTO lots (id, organisation_id, purchase_order_id, po_line_number, gtin, lot, serials, manufacture_date, expiry_date, quantity,
                             certificate_series_id, certificate_note, source, state, submitted_by, submitted_at, record_hash)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'submitted', ?, ?, ?)`,
          [
            id,
            actor.organisationId,
            c.order?.id ?? null,
            c.order?.lineNumber ?? null,
            c.gtin,
            c.lot,
            JSON.stringify(c.serials),
            c.manufactureDate,
            c.expiryDate,
            c.quantity,
            c.certificateSeriesId,
            c.certificateNote,
            input.source,
            actor.userId,
            submittedAt,
            hash,
          ],
        );
      } catch (e) {
        // Submitted by someone else between the check and now.
        if (String(e).includes('UNIQUE')) {
          throw new AppError('conflict', `lot ${c.lot} of ${c.gtin} was submitted meanwhile`, { [rowFieldKey(c.row, 'lot')]: problems.duplicate });
        }
        throw e;
      }
      const lot = toLot((await tx.get<LotRow>(`${lotSelect} WHERE l.id = ?`, [id]))!);
      const warning = warnings.find((w) => w.row === c.row);
      await recordAudit(tx, ctx.clock, {
        actor: asAuditActor(actor),
        organisationId: actor.organisationId,
        action: 'lot.submitted',
        entityType: 'lot',
        entityId: id,
        newValues: {
          state: 'submitted',
          source: input.source,
          gtin: lot.gtin,
          lot: lot.lot,
          serials: lot.serials,
          manufactureDate: lot.manufactureDate,
          expiryDate: lot.expiryDate,
          quantity: lot.quantity,
          purchaseOrder: lot.purchaseOrder ? { poNumber: lot.purchaseOrder.poNumber, lineNumber: lot.purchaseOrder.lineNumber } : null,
          certificate: lot.certificate?.seriesId ?? null,
          certificateNote: lot.certificateNote,
          recordHash: hash,
          ...(warning ? { warning: warning.message } : {}),
        },
        requestId: ctx.requestId,
      });
      const overDelivery = warning && c.order ? { ordered: c.order.ordered, delivered: Number(/: (\d+) of/.exec(warning.message)?.[1] ?? c.quantity) } : null;
      await enqueueEvent(tx, ctx.clock, {
        type: 'lot.submitted',
        aggregateType: 'lot',
        aggregateId: id,
        organisationId: actor.organisationId,
        data: lotEventData(lot, { overDelivery }),
      });
      out.push(lot);
    }
    return out;
  });
  return { stored, rejected, warnings };
}
