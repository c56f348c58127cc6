// The five scorecard measures, counted per supplier and month from the records Lotbridge holds.
// Each is a ratio whose numerator and denominator are kept (the card's table shows them; a
// quarter adds its months). What counts, in the month of which date:
// - onTime: lots that name a purchase order line with a delivery date, in the month the lot was
//   submitted (by form, CSV, barcode, DESADV or the API: the despatch advice reaching us); on time
//   when submitted on or before the line's delivery date (before that day has ended everywhere).
// - acceptance: inspected lots (lot_inspections), in the month of the decision; accepted when
//   released, with or without a deviation.
// - certificates: the days of the month up to today; a day counts when, for every certificate
//   type the supplier's approved supplier list entries require (per-lot CoC/CoA excepted), an
//   approved version (or one approved and since superseded) was valid that day and approved by
//   then. Not applicable (0 / 0) for a supplier none of whose entries requires one.
// - invoices: invoices the ERP has decided on (matched, approved, paid or disputed), in the month
//   the invoice was submitted; first-pass when never disputed.
// - scar: 8D steps of the supplier's SCARs (not cancelled) in the month of their due date that
//   were answered or are overdue; on time when first submitted on or before the due date.
// A due day ends when it has ended everywhere (dayEnded below): on time means before then, and an
// unanswered step is overdue only from then.
import type { Tx } from '../db/index.ts';
import { perLotTypes } from '../supplier-approvals/kinds.ts';

export const measureIds = ['onTime', 'acceptance', 'certificates', 'invoices', 'scar'] as const;
export type MeasureId = (typeof measureIds)[number];

export interface Ratio {
  numerator: number;
  denominator: number;
}

export type MeasureCounts = { [M in MeasureId]: Ratio };

/** Per supplier id, per month ('YYYY-MM'): the counts of each measure. */
export type MonthlyCounts = Map<string, Map<string, MeasureCounts>>;

export const emptyCounts = (): MeasureCounts => ({
  onTime: { numerator: 0, denominator: 0 },
  acceptance: { numerator: 0, denominator: 0 },
  certificates: { numerator: 0, denominator: 0 },
  invoices: { numerator: 0, denominator: 0 },
  scar: { numerator: 0, denominator: 0 },
});

/** The rate of a ratio (0..1), or null when nothing was counted. */
export const rate = (r: Ratio): number | null => (r.denominator > 0 ? r.numerator / r.denominator : null);

interface Row {
  supplier: string;
  month: string;
  numerator: number;
  denominator: number;
}

/** What to count: one supplier (a card) or every supplier (the ranking), days in [from, to). */
export interface CountQuery {
  supplierId?: string;
  from: string;
  to: string;
  /** The trusted clock's instant (ISO): no day after its day counts; a step whose due day has ended everywhere by then is overdue. */
  now: string;
}

/**
 * Counts every measure for the suppliers and months of the query. One query per measure,
 * grouped by supplier and month; certificate days are counted here from each supplier's
 * validity intervals.
 */
export async function countMeasures(db: Tx, q: CountQuery): Promise<MonthlyCounts> {
  const out: MonthlyCounts = new Map();
  const at = (supplier: string, month: string): MeasureCounts => {
    let months = out.get(supplier);
    if (!months) out.set(supplier, (months = new Map()));
    let counts = months.get(month);
    if (!counts) months.set(month, (counts = emptyCounts()));
    return counts;
  };
  const add = (measure: MeasureId, rows: Row[]) => {
    for (const r of rows) {
      const c = at(r.supplier, r.month)[measure];
      c.numerator += Number(r.numerator);
      c.denominator += Number(r.denominator);
    }
  };
  const one = (column: string) => (q.supplierId ? ` AND ${column} = ?` : '');
  const args = (...a: string[]) => (q.supplierId ? [...a, q.supplierId] : a);
  // Timestamps are ISO UTC text: a day 'YYYY-MM-DD' compares as the start of that day.
  add(
    'onTime',
    await db.all<Row>(
      `SELECT l.organisation_id AS supplier, substr(l.submitted_at, 1, 7) AS month, COUNT(*) AS denominator,
              SUM(l.submitted_at < ${dayEnded('pol.delivery_date')}) AS numerator
         FROM lots l JOIN purchase_order_lines pol ON pol.purchase_order_id = l.purchase_order_id AND pol.line_number = l.po_line_number
        WHERE l.submitted_at >= ? AND l.submitted_at < ? AND l.purchase_order_id IS NOT NULL AND pol.delivery_date IS NOT NULL${one('l.organisation_id')}
        GROUP BY 1, 2`,
      args(q.from, q.to),
    ),
  );
  add(
    'acceptance',
    await db.all<Row>(
      `SELECT l.organisation_id AS supplier, substr(li.decided_at, 1, 7) AS month, COUNT(*) AS denominator,
              SUM(li.outcome != 'rejected') AS numerator
         FROM lots l JOIN lot_inspections li ON li.lot_id = l.id
        WHERE li.decided_at >= ? AND li.decided_at < ?${one('l.organisation_id')}
        GROUP BY 1, 2`,
      args(q.from, q.to),
    ),
  );
  add(
    'invoices',
    await db.all<Row>(
      `SELECT supplier, month, SUM(decided) AS denominator, SUM(decided AND NOT disputed) AS numerator FROM (
         SELECT i.organisation_id AS supplier, substr(i.submitted_at, 1, 7) AS month,
                (SELECT MAX(u.status IN ('matched', 'approved', 'paid', 'disputed')) FROM invoice_status_updates u
                  WHERE u.supplier_organisation_id = i.organisation_id AND u.invoice_number = i.invoice_number) AS decided,
                (SELECT MAX(u.status = 'disputed') FROM invoice_status_updates u
                  WHERE u.supplier_organisation_id = i.organisation_id AND u.invoice_number = i.invoice_number) AS disputed
           FROM invoices i WHERE i.submitted_at >= ? AND i.submitted_at < ?${one('i.organisation_id')})
        GROUP BY 1, 2 HAVING SUM(decided) > 0`,
      args(q.from, q.to),
    ),
  );
  add(
    'scar',
    await db.all<Row>(
      `SELECT s.supplier_id AS supplier, substr(ss.due_date, 1, 7) AS month, COUNT(*) AS denominator,
              SUM(ss.first_submitted_at IS NOT NULL AND ss.first_submitted_at < ${dayEnded('ss.due_date')}) AS numerator
         FROM scars s JOIN scar_steps ss ON ss.scar_id = s.id
        WHERE s.state != 'cancelled' AND ss.due_date >= ? AND ss.due_date < ?
          AND (ss.first_submitted_at IS NOT NULL OR ? >= ${dayEnded('ss.due_date')})${one('s.supplier_id')}
        GROUP BY 1, 2`,
      args(q.from, q.to, q.now),
    ),
  );
  add('certificates', await certificateDays(db, q));
  return out;
}

/** The days on which each supplier held every certificate its approvals require, per month. */
async function certificateDays(db: Tx, q: CountQuery): Promise<Row[]> {
  const today = q.now.slice(0, 10);
  const last = today < q.to ? nextDay(today) : q.to;
  if (last <= q.from) return [];
  const required = new Map<string, Set<string>>();
  const approvals = await db.all<{ supplier_id: string; required_certificates: string }>(
    `SELECT supplier_id, required_certificates FROM supplier_approvals WHERE required_certificates != '[]'${q.supplierId ? ' AND supplier_id = ?' : ''}`,
    q.supplierId ? [q.supplierId] : [],
  );
  for (const a of approvals) {
    for (const type of JSON.parse(a.required_certificates) as string[]) {
      if ((perLotTypes as readonly string[]).includes(type)) continue;
      let set = required.get(a.supplier_id);
      if (!set) required.set(a.supplier_id, (set = new Set()));
      set.add(type);
    }
  }
  if (required.size === 0) return [];
  // Validity intervals per supplier and type, [start, end] as days (inclusive).
  const intervals = new Map<string, [string, string][]>();
  const certificates = await db.all<{ organisation_id: string; type: string; valid_from: string; valid_to: string; approved_on: string | null }>(
    `SELECT organisation_id, type, valid_from, valid_to, substr(decided_at, 1, 10) AS approved_on FROM certificates
      WHERE state IN ('approved', 'superseded') AND valid_to >= ? AND valid_from < ?${q.supplierId ? ' AND organisation_id = ?' : ''}`,
    q.supplierId ? [q.from, last, q.supplierId] : [q.from, last],
  );
  for (const c of certificates) {
    const key = `${c.organisation_id}|${c.type}`;
    const start = c.approved_on && c.approved_on > c.valid_from ? c.approved_on : c.valid_from;
    if (start > c.valid_to) continue;
    let list = intervals.get(key);
    if (!list) intervals.set(key, (list = []));
    list.push([start, c.valid_to.slice(0, 10)]);
  }
  const days: string[] = [];
  for (let d = q.from; d < last; d = nextDay(d)) days.push(d);
  const rows: Row[] = [];
  for (const [supplier, types] of required) {
    const perMonth = new Map<string, Row>();
    for (const day of days) {
      const month = day.slice(0, 7);
      let row = perMonth.get(month);
      if (!row) perMonth.set(month, (row = { supplier, month, numerator: 0, denominator: 0 }));
      row.denominator++;
      const covered = [...types].every((type) => intervals.get(`${supplier}|${type}`)?.some(([s, e]) => s <= day && day <= e));
      if (covered) row.numerator++;
    }
    rows.push(...perMonth.values());
  }
  return rows;
}

/**
 * When a due day (a date column) has ended everywhere: 12:00 UTC the next day, the end of the day
 * in UTC−12. A delivery or an answer on its due day counts as on time in whichever time zone the
 * supplier and QA keep (the manufacturer's QA in New York, the supplier in Shanghai).
 */
function dayEnded(column: string): string {
  return `(date(${column}, '+1 day') || 'T12:00:00.000Z')`;
}

/** The day after 'YYYY-MM-DD'. */
export function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** The counts of the months of a period added up (a month's own, or a quarter's three). */
export function sumMonths(months: Map<string, MeasureCounts> | undefined, keys: string[]): MeasureCounts {
  const sum = emptyCounts();
  for (const key of keys) {
    const c = months?.get(key);
    if (!c) continue;
    for (const m of measureIds) {
      sum[m].numerator += c[m].numerator;
      sum[m].denominator += c[m].denominator;
    }
  }
  return sum;
}
