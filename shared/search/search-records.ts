import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { problem, refusal } from '../errors.ts';
import { toGtin14 } from '../gs1/gtin.ts';

/** What the header search finds, in the order the result page shows the groups. */
export const searchKinds = ['lot', 'item', 'purchase_order', 'invoice', 'certificate', 'recall', 'shipment'] as const;
export type SearchKind = (typeof searchKinds)[number];

/** Longer input is no record number; shorter would match half the database by its first character. */
export const searchQueryLength = { min: 2, max: 64 } as const;

/** Hits shown per kind; the group says when there are more (the record lists filter further). */
export const searchLimit = 10;

export interface SearchHit {
  kind: SearchKind;
  id: string;
  /** The record's number: lot, GTIN, PO, invoice, certificate, recall or shipment number. */
  number: string;
  /** Whether the number is the query itself (not only starts with it). */
  exact: boolean;
  /** What tells two hits apart, as data the page words: GTIN, state, version, supplier… */
  detail: Record<string, string | number | null>;
  /** The record's page; null for a record that has none (shipments). */
  href: string | null;
}

export interface SearchGroup {
  kind: SearchKind;
  hits: SearchHit[];
  /** More records of this kind match than are shown. */
  more: boolean;
}

export interface SearchResults {
  query: string;
  /** Only the kinds with hits, in `searchKinds` order. */
  groups: SearchGroup[];
  /** The one record whose number is exactly the query, when there is exactly one with a page: the portal may open it at once. */
  only: SearchHit | null;
  /** What the result page offers: searching is open to every signed-in role. */
  permissions: { search: boolean };
}

/** A scope: the SQL condition and its argument, or null for a kind this actor never sees. */
type Scope = { sql: string; args: string[] } | null;

/** The upper bound of a prefix range: no stored text sorts at or after `prefix` + U+10FFFF. */
const prefixEnd = (prefix: string) => `${prefix}\u{10FFFF}`;

/**
 * `column` equal to or starting with one of `values`: index ranges (`>=` and `<`), never a
 * LIKE, so each term is an index search on a big table. `exact` is the matching test for
 * ordering exact matches first.
 */
function numberMatch(column: string, values: string[]): { where: string; exact: string; args: string[]; exactArgs: string[] } {
  return {
    where: `(${values.map(() => `(${column} >= ? AND ${column} < ?)`).join(' OR ')})`,
    args: values.flatMap((v) => [v, prefixEnd(v)]),
    exact: `${column} IN (${values.map(() => '?').join(', ')})`,
    exactArgs: values,
  };
}

/** The query's spellings worth trying: as typed and in capitals (numbers are mostly upper case). */
function spellings(q: string): string[] {
  return [...new Set([q, q.toUpperCase()])];
}

/**
 * The query as a GTIN: a full GTIN-8, -12, -13 or -14 as stored (left-padded to 14 digits), and
 * the digits as the start of a stored GTIN, typed with or without the GTIN-14's leading zero.
 * Null when the query is not digits.
 */
function gtinSpellings(q: string): { exact: string | null; prefixes: string[] } | null {
  if (!/^\d+$/.test(q) || q.length > 14) return null;
  const exact = [8, 12, 13, 14].includes(q.length) ? toGtin14(q) : null;
  return { exact, prefixes: [...new Set([q, ...(q.length < 14 ? [`0${q}`] : []), ...(exact ? [exact] : [])])] };
}

type Row = Record<string, string | number>;

/** The kinds a supplier owns outright and that are found by one number column: how each is read and shown. */
const ownNumbered: Record<'purchase_order' | 'invoice' | 'certificate', { table: string; owner: string; column: string; select: string; order: string; hit: (r: Row) => Omit<SearchHit, 'kind' | 'exact'> }> = {
  purchase_order: {
    table: 'purchase_orders po',
    owner: 'po.supplier_organisation_id',
    column: 'po.po_number',
    select: 'po.id, po.po_number AS number, po.order_date',
    order: 'po.po_number',
    hit: (r) => ({ id: String(r.id), number: String(r.number), detail: { orderDate: r.order_date!, supplier: r.supplier! }, href: `/orders/${r.id}` }),
  },
  invoice: {
    table: 'invoices v',
    owner: 'v.organisation_id',
    column: 'v.invoice_number',
    select: 'v.id, v.invoice_number AS number, v.invoice_date, v.gross_total, v.currency',
    order: 'v.invoice_number, v.id',
    hit: (r) => ({ id: String(r.id), number: String(r.number), detail: { invoiceDate: r.invoice_date!, total: `${r.gross_total} ${r.currency}`, supplier: r.supplier! }, href: `/invoices/${r.id}` }),
  },
  certificate: {
    table: 'certificates c',
    owner: 'c.organisation_id',
    column: 'c.number',
    select: 'c.id, c.number, c.type, c.version, c.state',
    order: 'c.number, c.version DESC, c.id',
    hit: (r) => ({ id: String(r.id), number: String(r.number), detail: { type: r.type!, version: r.version!, state: r.state!, supplier: r.supplier! }, href: `/certificates/${r.id}` }),
  },
};

function readQuery(raw: string): string {
  const q = raw.trim();
  if (!q) throw refusal('invalid_input', 'enter a number to search for', { q: problem('search.queryRequired') });
  if (q.length > searchQueryLength.max) throw refusal('invalid_input', 'the search is too long', { q: problem('search.queryTooLong', { max: searchQueryLength.max }) });
  if (q.length < searchQueryLength.min) throw refusal('invalid_input', 'the search is too short', { q: problem('search.queryTooShort', { min: searchQueryLength.min }) });
  return q;
}

/**
 * Finds records by their number across what the actor may see, exact matches first, then the
 * numbers that start with the query, at most `searchLimit` per kind:
 * - a supplier's user: its own lots, certificates, invoices and purchase orders, and the items
 *   (GTINs) it supplies (on its orders or lots);
 * - a distributor's user: the recalls its organisation got a notice for and the shipments to it
 *   (by shipment number, or a GTIN or lot on one of its lines);
 * - manufacturer staff: every record of every organisation.
 * Another organisation's record is simply not found. Refused (as data) when the query is
 * empty, shorter than 2 or longer than 64 characters.
 */
export async function searchRecords(ctx: UseCaseContext, actor: Actor, input: { q: string }): Promise<SearchResults> {
  const q = readQuery(input.q);
  const text = spellings(q);
  const gtin = gtinSpellings(q);
  const kind = actor.organisationKind;
  const own = (column: string): Scope => (kind === 'manufacturer' ? { sql: '1', args: [] } : kind === 'supplier' ? { sql: `${column} = ?`, args: [actor.organisationId] } : null);
  const limit = searchLimit + 1;

  const groups: SearchGroup[] = [];
  const add = (k: SearchKind, hits: SearchHit[]) => {
    if (hits.length) groups.push({ kind: k, hits: hits.slice(0, searchLimit), more: hits.length > searchLimit });
  };

  // Lots: by lot number, or every lot of a GTIN given in full.
  const lotScope = own('l.organisation_id');
  if (lotScope) {
    const byLot = numberMatch('l.lot', text);
    const full = gtin?.exact ? [gtin.exact] : [];
    const byGtin = full.length ? ' OR l.gtin = ?' : '';
    const rows = await ctx.db.all<{ id: string; lot: string; gtin: string; expiry_date: string | null; supplier: string; exact: number }>(
      `SELECT l.id, l.lot, l.gtin, l.expiry_date, o.name AS supplier, (${byLot.exact}${byGtin}) AS exact
         FROM lots l JOIN organisations o ON o.id = l.organisation_id
        WHERE ${lotScope.sql} AND (${byLot.where}${byGtin})
        ORDER BY exact DESC, l.lot, l.gtin, l.id LIMIT ?`,
      [...byLot.exactArgs, ...full, ...lotScope.args, ...byLot.args, ...full, limit],
    );
    add(
      'lot',
      rows.map((r) => ({ kind: 'lot', id: r.id, number: r.lot, exact: r.exact === 1, detail: { gtin: r.gtin, expiry: r.expiry_date, supplier: r.supplier }, href: `/lots/${r.id}` })),
    );
  }

  // Items: a supplier's are the GTINs on its purchase orders or lots.
  if (gtin && kind !== 'distributor') {
    const byGtin = numberMatch('i.gtin', gtin.prefixes);
    const supplies =
      kind === 'supplier'
        ? `AND (EXISTS (SELECT 1 FROM purchase_order_lines pl JOIN purchase_orders po ON po.id = pl.purchase_order_id WHERE pl.gtin = i.gtin AND po.supplier_organisation_id = ?)
                OR EXISTS (SELECT 1 FROM lots l WHERE l.gtin = i.gtin AND l.organisation_id = ?))`
        : '';
    const rows = await ctx.db.all<{ gtin: string; description: string; exact: number }>(
      `SELECT i.gtin, i.description, (i.gtin = ?) AS exact FROM items i
        WHERE ${byGtin.where} ${supplies}
        ORDER BY exact DESC, i.gtin LIMIT ?`,
      [gtin.exact ?? '', ...byGtin.args, ...(kind === 'supplier' ? [actor.organisationId, actor.organisationId] : []), limit],
    );
    add(
      'item',
      rows.map((r) => ({ kind: 'item', id: r.gtin, number: r.gtin, exact: r.exact === 1, detail: { description: r.description }, href: `/lots?gtin=${encodeURIComponent(r.gtin)}` })),
    );
  }

  // Purchase orders, invoices and certificates: a supplier's own, by their number.
  for (const k of ['purchase_order', 'invoice', 'certificate'] as const) {
    const { table, owner, column, select, order, hit } = ownNumbered[k];
    const scope = own(owner);
    if (!scope) continue;
    const byNumber = numberMatch(column, text);
    const rows = await ctx.db.all<Row>(
      `SELECT ${select}, o.name AS supplier, (${byNumber.exact}) AS exact
         FROM ${table} JOIN organisations o ON o.id = ${owner}
        WHERE ${scope.sql} AND ${byNumber.where}
        ORDER BY exact DESC, ${order} LIMIT ?`,
      [...byNumber.exactArgs, ...scope.args, ...byNumber.args, limit],
    );
    add(k, rows.map((r) => ({ kind: k, exact: r.exact === 1, ...hit(r) })));
  }

  // Recalls: manufacturer staff every one, a distributor those it got a notice for.
  if (kind !== 'supplier') {
    const byNumber = numberMatch('r.recall_number', text);
    const notice = kind === 'distributor' ? 'AND EXISTS (SELECT 1 FROM recall_notices n WHERE n.recall_id = r.id AND n.distributor_organisation_id = ?)' : '';
    const rows = await ctx.db.all<{ id: string; recall_number: string; state: string; issued_at: string; exact: number }>(
      `SELECT r.id, r.recall_number, r.state, r.issued_at, (${byNumber.exact}) AS exact FROM recalls r
        WHERE ${byNumber.where} ${notice}
        ORDER BY exact DESC, r.recall_number LIMIT ?`,
      [...byNumber.exactArgs, ...byNumber.args, ...(kind === 'distributor' ? [actor.organisationId] : []), limit],
    );
    add(
      'recall',
      rows.map((r) => ({ kind: 'recall', id: r.id, number: r.recall_number, exact: r.exact === 1, detail: { state: r.state, issuedAt: r.issued_at }, href: `/recalls/${r.id}` })),
    );
  }

  // Shipments (no page of their own yet): by number, or a lot or full GTIN on one of their lines.
  if (kind !== 'supplier') {
    const byNumber = numberMatch('s.shipment_number', text);
    const byLot = numberMatch('sl.lot', text);
    const full = gtin?.exact ? [gtin.exact] : [];
    const byGtin = full.length ? ' OR sl.gtin = ?' : '';
    const mine = kind === 'distributor' ? 'AND s.distributor_organisation_id = ?' : '';
    const rows = await ctx.db.all<{ id: string; shipment_number: string; dispatched_at: string; distributor: string; exact: number }>(
      `SELECT s.id, s.shipment_number, s.dispatched_at, o.name AS distributor,
              (${byNumber.exact} OR EXISTS (SELECT 1 FROM shipment_lines sl WHERE sl.shipment_id = s.id AND (${byLot.exact}${byGtin}))) AS exact
         FROM shipments s JOIN organisations o ON o.id = s.distributor_organisation_id
        WHERE (${byNumber.where} OR s.id IN (SELECT sl.shipment_id FROM shipment_lines sl WHERE ${byLot.where}${byGtin})) ${mine}
        ORDER BY exact DESC, s.shipment_number LIMIT ?`,
      [
        ...byNumber.exactArgs,
        ...byLot.exactArgs,
        ...full,
        ...byNumber.args,
        ...byLot.args,
        ...full,
        ...(kind === 'distributor' ? [actor.organisationId] : []),
        limit,
      ],
    );
    add(
      'shipment',
      rows.map((r) => ({ kind: 'shipment', id: r.id, number: r.shipment_number, exact: r.exact === 1, detail: { dispatchedAt: r.dispatched_at, distributor: r.distributor }, href: null })),
    );
  }

  const exact = groups.flatMap((g) => g.hits).filter((h) => h.exact);
  return { query: q, groups, only: exact.length === 1 && exact[0]!.href ? exact[0]! : null, permissions: { search: true } };
}
