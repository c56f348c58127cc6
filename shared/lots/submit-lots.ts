import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { actorTimeZone, asAuditActor } from '../auth/actor.ts';
import { todayIn } from '../time-zone.ts';
import { submitLotRecords } from './lot-permissions.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { isValidGtin, toGtin14 } from '../gs1/gtin.ts';
import { problem, refusal, type Problem, type Problems } from '../errors.ts';
import { translateProblem } from '../i18n/index.ts';
import { newId } from '../ids.ts';
import { recordHash } from '../signatures/record-hash.ts';
import { approvalFor, lotApprovalProblem } from '../supplier-approvals/approval.ts';
import { lotContent, lotEventData, lotSelect, toLot, type Lot, type LotRow, type LotSource, type RowProblem } from './lot.ts';

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

/** The path of one row's field in AppError.problems: "rows/<row>/<column>" ("rows/<row>" for the whole row). */
export function rowPath(row: number, column: string | null): string {
  return column ? `rows/${row}/${column}` : `rows/${row}`;
}

/** The row problems of a refusal of submitLots (each path read back into its row and column), in row order. */
export function rowProblemsOf(problems: Problems | undefined): RowProblem[] {
  const out: RowProblem[] = [];
  for (const [path, p] of Object.entries(problems ?? {})) {
    const [head, row, column] = path.split('/');
    if (head === 'rows' && row) out.push({ row: Number(row), column: column ?? null, ...p });
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
  /** Why the approved supplier list flags this lot (stored with it), or null. */
  approvalFlag: Problem | null;
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
  submitLotRecords.require(actor);
  const lots = input.lots ?? [];
  if (lots.length === 0 && !(input.rejected ?? []).length) throw refusal('invalid_input', 'no lots to submit', { lots: problem('common.required') });
  if (lots.length > maxRows) throw refusal('invalid_input', `at most ${maxRows} lots at once`, { lots: problem('lots.tooManyRows', { max: maxRows }) });

  const now = ctx.clock.now();
  // "Not in the future" is judged by the supplier's own calendar: at 04:00 in Suzhou it is already tomorrow in UTC terms.
  const today = todayIn(actorTimeZone(actor), now);
  const latestExpiry = `${Number(today.slice(0, 4)) + 30}${today.slice(4)}`;
  const problems: Problems = {};
  for (const { row, column, ...p } of input.rejected ?? []) problems[rowPath(row, column)] ??= p;

  const checked: Checked[] = [];
  const failedRows = new Set<number>((input.rejected ?? []).map((p) => p.row));
  const batchKeys = new Map<string, number>();

  for (const [index, l] of lots.entries()) {
    const row = l.row ?? index + 1;
    const refuse = (column: string, p: Problem) => {
      problems[rowPath(row, column)] ??= p;
      failedRows.add(row);
    };

    const gtinIn = text(l.gtin);
    let gtin = '';
    if (!gtinIn) refuse('gtin', problem('common.required'));
    else if (!isValidGtin(gtinIn)) refuse('gtin', problem('lots.badGtin', { gtin: gtinIn }));
    else gtin = toGtin14(gtinIn);

    const lot = text(l.lot);
    if (!lot) refuse('lot', problem('common.required'));
    else if (lot.length > gsLength || control.test(lot)) refuse('lot', problem('lots.badLot', { lot }));

    const quantityIn = text(l.quantity);
    const quantity = /^\d{1,9}$/.test(quantityIn) ? Number(quantityIn) : NaN;
    if (!quantityIn) refuse('quantity', problem('common.required'));
    else if (!(quantity >= 1)) refuse('quantity', problem('lots.badQuantity', { quantity: quantityIn }));

    const serials = (l.serials ?? []).map(text).filter(Boolean);
    const badSerials = serials.filter((s) => s.length > gsLength || control.test(s));
    const repeated = serials.filter((s, i) => serials.indexOf(s) !== i);
    if (badSerials.length) refuse('serials', problem('lots.badSerial', { serials: badSerials.join(', ') }));
    else if (repeated.length) refuse('serials', problem('lots.serialRepeated', { serials: [...new Set(repeated)].join(', ') }));
    else if (serials.length > 0 && quantity >= 1 && serials.length !== quantity) refuse('serials', problem('lots.serialCount', { count: serials.length, quantity }));

    const date = (column: 'manufacture_date' | 'expiry_date', value: string): string | null => {
      if (!value) return null;
      if (!isDate(value)) refuse(column, problem('lots.badDate', { date: value }));
      else if (value < '2000-01-01') refuse(column, problem('lots.dateTooEarly', { date: value }));
      else if (column === 'manufacture_date' && value > today) refuse(column, problem('lots.manufactureInFuture', { date: value }));
      else if (column === 'expiry_date' && value > latestExpiry) refuse(column, problem('lots.expiryTooFar', { date: value }));
      else return value;
      return null;
    };
    const manufactureDate = date('manufacture_date', text(l.manufactureDate));
    const expiryDate = date('expiry_date', text(l.expiryDate));
    if (manufactureDate && expiryDate && expiryDate < manufactureDate) refuse('expiry_date', problem('lots.expiryBeforeManufacture', { expiry: expiryDate, manufacture: manufactureDate }));

    // The order line or the item.
    const poNumber = text(l.poNumber);
    const poLineIn = text(l.poLine);
    let order: Checked['order'] = null;
    if (poNumber) {
      const po = await ctx.db.get<{ id: string }>('SELECT id FROM purchase_orders WHERE po_number = ? AND supplier_organisation_id = ?', [poNumber, actor.organisationId]);
      if (!po) refuse('po_number', problem('lots.unknownPurchaseOrder', { poNumber }));
      else if (poLineIn) {
        const lineNumber = /^\d{1,9}$/.test(poLineIn) ? Number(poLineIn) : NaN;
        const line = Number.isInteger(lineNumber)
          ? await ctx.db.get<{ gtin: string; quantity: number }>('SELECT gtin, quantity FROM purchase_order_lines WHERE purchase_order_id = ? AND line_number = ?', [po.id, lineNumber])
          : undefined;
        if (!line) refuse('po_line', problem('lots.unknownPoLine', { poNumber, line: poLineIn }));
        else if (gtin && line.gtin !== gtin) refuse('gtin', problem('lots.gtinNotOnLine', { poNumber, line: lineNumber, ordered: line.gtin }));
        else order = { id: po.id, poNumber, lineNumber, ordered: line.quantity };
      } else if (gtin) {
        const lines = await ctx.db.all<{ line_number: number; quantity: number }>('SELECT line_number, quantity FROM purchase_order_lines WHERE purchase_order_id = ? AND gtin = ?', [po.id, gtin]);
        if (lines.length === 1) order = { id: po.id, poNumber, lineNumber: lines[0]!.line_number, ordered: lines[0]!.quantity };
        else if (lines.length === 0) refuse('gtin', problem('lots.gtinNotOnOrder', { poNumber }));
        else refuse('po_line', problem('lots.lineRequired'));
      }
    } else if (poLineIn) {
      refuse('po_number', problem('lots.lineWithoutOrder'));
    } else if (gtin) {
      const item = await ctx.db.get<{ gtin: string }>('SELECT gtin FROM items WHERE gtin = ?', [gtin]);
      if (!item) refuse('gtin', problem('lots.unknownGtin', { gtin }));
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
      if (!c) refuse('certificate', problem('lots.unknownCertificate', { certificate: certificateIn }));
      else certificateSeriesId = c.series_id;
    }
    const note = text(l.certificateNote);
    if (note.length > maxNote) refuse('certificate_note', problem('common.tooLong', { max: maxNote }));

    // Duplicates: submitted before (named), or twice in this batch.
    if (gtin && lot && !problems[rowPath(row, 'lot')]) {
      const existing = await ctx.db.get<{ id: string; submitted_at: string; po_number: string | null; po_line_number: number | null }>(
        `SELECT l.id, l.submitted_at, po.po_number, l.po_line_number FROM lots l LEFT JOIN purchase_orders po ON po.id = l.purchase_order_id
          WHERE l.organisation_id = ? AND l.gtin = ? AND l.lot = ?`,
        [actor.organisationId, gtin, lot],
      );
      const key = `${gtin}\u0000${lot}`;
      if (existing) {
        const record = { record: existing.id, date: existing.submitted_at.slice(0, 10) };
        refuse(
          'lot',
          existing.po_number
            ? problem('lots.duplicateOnOrder', { ...record, poNumber: existing.po_number, line: existing.po_line_number ?? '' })
            : problem('lots.duplicate', record),
        );
      } else if (batchKeys.has(key)) {
        refuse('lot', problem('lots.repeatedInBatch', { row: batchKeys.get(key)! }));
      } else batchKeys.set(key, row);
    }

    // The approved supplier list: a disqualified supplier's lot is refused; one not approved, or
    // without a valid approved certificate the entry requires, is stored and flagged. No entry: no flag.
    let approvalFlag: Problem | null = null;
    if (gtin && !failedRows.has(row)) {
      const approval = await approvalFor(ctx.db, actor.organisationId, gtin);
      if (approval?.status === 'disqualified') refuse('gtin', problem('asl.disqualified', { gtin }));
      else if (approval) approvalFlag = await lotApprovalProblem(ctx.db, approval, { supplierId: actor.organisationId, certificateSeriesId }, today);
    }

    if (!failedRows.has(row)) {
      checked.push({ row, gtin, lot, serials, manufactureDate, expiryDate, quantity, order, certificateSeriesId, certificateNote: note || null, approvalFlag });
    }
  }

  const rejected = rowProblemsOf(problems);
  if (rejected.length > 0 && (!input.keepValid || checked.length === 0)) {
    const summary = rejected
      .slice(0, 20)
      .map((p) => `row ${p.row}${p.column ? ` ${p.column}` : ''}: ${translateProblem('en', p)}`)
      .join('; ');
    throw refusal('invalid_input', `no lots were stored: ${summary}${rejected.length > 20 ? '; …' : ''}`, problems);
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
      warnings.push({ row: c.row, column: 'quantity', ...problem('lots.overDelivery', { delivered, ordered: c.order.ordered, poNumber: c.order.poNumber, line: c.order.lineNumber }) });
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
          throw refusal('conflict', `lot ${c.lot} of ${c.gtin} was submitted meanwhile`, { [rowPath(c.row, 'lot')]: problem('lots.submittedMeanwhile') });
        }
        throw e;
      }
      if (c.approvalFlag) {
        await tx.run('INSERT INTO lot_approval_flags (lot_id, code, params, flagged_at) VALUES (?, ?, ?, ?)', [id, c.approvalFlag.code, JSON.stringify(c.approvalFlag.params ?? {}), submittedAt]);
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
          ...(warning ? { warning: translateProblem('en', warning) } : {}),
          ...(c.approvalFlag ? { approvalFlag: { code: c.approvalFlag.code, params: c.approvalFlag.params ?? {} } } : {}),
        },
        requestId: ctx.requestId,
      });
      const overDelivery = warning && c.order ? { ordered: c.order.ordered, delivered: Number(warning.params?.delivered ?? c.quantity) } : null;
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
