import type { UseCaseContext } from '../context.ts';
import { requireRole, type Actor } from '../auth/actor.ts';
import { recallListPermissions } from './recall-permissions.ts';
import type { Severity } from './recall-terms.ts';
import { classificationsOf, type RecallClassification } from './get-notice-data.ts';

export const recallStates = ['received', 'open', 'closed'] as const;
export type RecallState = (typeof recallStates)[number];
export const recallSources = ['erp', 'portal'] as const;
export type RecallSource = (typeof recallSources)[number];
/** Where a distributor's reply stands: nothing signed yet, a signed version, quarantine confirmed. */
export const replyStates = ['not_replied', 'replied', 'quarantine_confirmed'] as const;
export type ReplyState = (typeof replyStates)[number];
/** A notice's reply state from its latest signed version and when all stock on hand was confirmed quarantined. */
export const replyStateOf = (latestVersion: number, quarantineConfirmedAt: string | null): ReplyState =>
  quarantineConfirmedAt ? 'quarantine_confirmed' : latestVersion > 0 ? 'replied' : 'not_replied';
/** A distributor's reply filter: a reply state, or `incomplete` (stock reported and not all of it quarantined yet). */
export const replyFilters = [...replyStates, 'incomplete'] as const;
/** Manufacturer staff: open recalls with a reply overdue, or a distributor escalated to (second or final notice) that has not replied. */
export const recallAttention = ['overdue', 'escalated'] as const;
export type RecallAttention = (typeof recallAttention)[number];

/** Conditions on `recall_notices n` (of an open recall `r`): still no reply past the deadline; escalated without a reply. */
export const overdueNotice = (nowParam = '?') => `(n.latest_version = 0 AND ifnull(n.response_deadline, r.response_deadline) IS NOT NULL AND ifnull(n.response_deadline, r.response_deadline) < ${nowParam})`;
export const escalatedNotice = '(n.latest_version = 0 AND n.follow_up_level >= 2)';
/** On `recall_notices n`: the newest signed reply reports stock of which not all is quarantined yet. */
export const incompleteReply = `(n.latest_version > 0 AND n.quarantine_confirmed_at IS NULL
  AND EXISTS (SELECT 1 FROM recall_acknowledgements a WHERE a.notice_id = n.id AND a.version = n.latest_version AND a.holds_stock = 1))`;

export interface RecallQuery {
  /** One state (received = under review, open = notices sent, closed); a distributor: its notices' recalls in that state. */
  state?: string;
  /** Manufacturer staff: erp or portal. */
  source?: string;
  /** Manufacturer staff: open recalls that need attention (see `recallAttention`). */
  attention?: string;
  /** A distributor: one reply state. */
  reply?: string;
  /** 1-based. */
  page?: number;
  pageSize?: number;
  /** A distributor: the order (default: issuedAt), descending unless `order` is asc; ties by recall id the same way. */
  sort?: DistributorRecallSort;
  order?: 'asc' | 'desc';
  /** A distributor, keyset paging (the REST API): the rows after this (sort key, recall id) in the list's order; `page` is then ignored. */
  after?: { key: string; id: string };
}

/** What a distributor's list can be ordered by: both are set on every notice, so (key, id) is a total order. */
export const distributorRecallSorts = ['issuedAt', 'noticeSentAt'] as const;
export type DistributorRecallSort = (typeof distributorRecallSorts)[number];

export interface StaffRecallItem {
  id: string;
  recallNumber: string;
  source: RecallSource;
  state: string;
  issuedAt: string;
  responseDeadline: string | null;
  severity: Severity;
  /** Distributors on the recall, and how many of them got a notice / signed a reply / confirmed quarantine. */
  consignees: number;
  notices: number;
  acknowledged: number;
  quarantineConfirmed: number;
}

export interface DistributorRecallItem {
  id: string;
  recallNumber: string;
  state: string;
  issuedAt: string;
  responseDeadline: string | null;
  severity: Severity;
  /** The recall's classification per jurisdiction, as codes (worded with `classificationText`). */
  classifications: RecallClassification[];
  noticeSentAt: string;
  reply: ReplyState;
  /** The latest signed version (0 until the first reply). */
  version: number;
  /** The deadline has passed and nothing is signed yet. */
  overdue: boolean;
}

interface Page {
  total: number;
  page: number;
  pageSize: number;
  pages: number;
  /** A distributor's list: the (sort key, id) of this page's last row when more rows follow it, for keyset paging (`after`); else null. */
  next?: { key: string; id: string } | null;
}

type RecallItems = ({ view: 'staff'; items: StaffRecallItem[] } | { view: 'distributor'; items: DistributorRecallItem[] }) & Page;

export type RecallList = RecallItems & {
  /** What the page offers this actor: recording a recall. */
  permissions: { create: boolean };
};

const isOneOf = <T extends string>(values: readonly T[], v: unknown): v is T => values.includes(v as T);

function paging(query: RecallQuery, total: number): Page & { offset: number } {
  const pageSize = Math.min(Math.max(Math.trunc(query.pageSize ?? 25), 1), 200);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(Math.trunc(query.page ?? 1), 1), pages);
  return { total, page, pageSize, pages, offset: (page - 1) * pageSize };
}

/**
 * Recalls, newest first, paged. Manufacturer staff see every recall with its progress
 * (consignees, notices, replies, quarantine confirmations), filtered by state and source. A
 * distributor user sees only the recalls its organisation got a notice for, with where its
 * own reply stands; other organisations' recalls do not exist for it. Suppliers are refused.
 */
export async function listRecalls(ctx: UseCaseContext, actor: Actor, query: RecallQuery = {}): Promise<RecallList> {
  requireRole(actor, 'manufacturer_qa', 'manufacturer_admin', 'distributor_user');
  const list = actor.organisationKind === 'manufacturer' ? await staffList(ctx, query) : await distributorList(ctx, actor, query);
  return { ...list, permissions: recallListPermissions(actor) };
}

async function staffList(ctx: UseCaseContext, query: RecallQuery): Promise<RecallItems> {
  const where: string[] = ['1 = 1'];
  const args: string[] = [];
  if (isOneOf(recallStates, query.state)) {
    where.push('r.state = ?');
    args.push(query.state);
  }
  if (isOneOf(recallSources, query.source)) {
    where.push('r.source = ?');
    args.push(query.source);
  }
  if (isOneOf(recallAttention, query.attention)) {
    const notice = query.attention === 'overdue' ? overdueNotice() : escalatedNotice;
    where.push(`r.state = 'open' AND EXISTS (SELECT 1 FROM recall_notices n WHERE n.recall_id = r.id AND ${notice})`);
    if (query.attention === 'overdue') args.push(ctx.clock.now().toISOString());
  }
  const clause = where.join(' AND ');
  const counted = await ctx.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM recalls r WHERE ${clause}`, args);
  const p = paging(query, counted?.n ?? 0);
  // The page's recalls first, then their figures from two grouped scans (both tables are indexed by recall).
  const rows = await ctx.db.all<{
    id: string;
    recall_number: string;
    source: RecallSource;
    state: string;
    issued_at: string;
    response_deadline: string | null;
    severity: Severity;
    consignees: number | null;
    notices: number | null;
    acknowledged: number | null;
    quarantine_confirmed: number | null;
  }>(
    `WITH page AS (
       SELECT r.id, r.recall_number, r.source, r.state, r.issued_at, r.received_at, r.response_deadline, r.severity
         FROM recalls r WHERE ${clause}
        ORDER BY r.issued_at DESC, r.received_at DESC, r.id DESC
        LIMIT ? OFFSET ?),
     consignees AS (
       SELECT c.recall_id, COUNT(DISTINCT c.distributor_organisation_id) AS n
         FROM recall_consignees c WHERE c.recall_id IN (SELECT id FROM page) GROUP BY c.recall_id),
     notices AS (
       SELECT n.recall_id, COUNT(*) AS sent, SUM(n.latest_version > 0) AS acknowledged, SUM(n.quarantine_confirmed_at IS NOT NULL) AS quarantine_confirmed
         FROM recall_notices n WHERE n.recall_id IN (SELECT id FROM page) GROUP BY n.recall_id)
     SELECT page.id, page.recall_number, page.source, page.state, page.issued_at, page.response_deadline, page.severity,
            consignees.n AS consignees, notices.sent AS notices, notices.acknowledged, notices.quarantine_confirmed
       FROM page LEFT JOIN consignees ON consignees.recall_id = page.id LEFT JOIN notices ON notices.recall_id = page.id
      ORDER BY page.issued_at DESC, page.received_at DESC, page.id DESC`,
    [...args, p.pageSize, p.offset],
  );
  const { offset: _offset, ...page } = p;
  return {
    view: 'staff',
    items: rows.map((r) => ({
      id: r.id,
      recallNumber: r.recall_number,
      source: r.source,
      state: r.state,
      issuedAt: r.issued_at,
      responseDeadline: r.response_deadline,
      severity: r.severity,
      consignees: r.consignees ?? 0,
      notices: r.notices ?? 0,
      acknowledged: r.acknowledged ?? 0,
      quarantineConfirmed: r.quarantine_confirmed ?? 0,
    })),
    ...page,
  };
}

async function distributorList(ctx: UseCaseContext, actor: Actor, query: RecallQuery): Promise<RecallItems> {
  const where = ['n.distributor_organisation_id = ?'];
  const args: string[] = [actor.organisationId];
  if (query.reply === 'not_replied') where.push('n.latest_version = 0');
  else if (query.reply === 'replied') where.push('n.latest_version > 0 AND n.quarantine_confirmed_at IS NULL');
  else if (query.reply === 'quarantine_confirmed') where.push('n.quarantine_confirmed_at IS NOT NULL');
  else if (query.reply === 'incomplete') where.push(incompleteReply);
  if (isOneOf(recallStates, query.state)) {
    where.push('r.state = ?');
    args.push(query.state);
  }
  const counted = await ctx.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM recall_notices n JOIN recalls r ON r.id = n.recall_id WHERE ${where.join(' AND ')}`, args);
  const p = paging(query, counted?.n ?? 0);
  // Ordered by (sort key, recall id): a total order, so keyset pages never repeat or skip a row.
  const column = query.sort === 'noticeSentAt' ? 'n.sent_at' : 'r.issued_at';
  const dir = query.order === 'asc' ? 'ASC' : 'DESC';
  if (query.after) {
    where.push(`(${column}, r.id) ${dir === 'ASC' ? '>' : '<'} (?, ?)`);
    args.push(query.after.key, query.after.id);
  }
  const rows = await ctx.db.all<{
    id: string;
    recall_number: string;
    state: string;
    issued_at: string;
    response_deadline: string | null;
    severity: Severity;
    sent_at: string;
    latest_version: number;
    quarantine_confirmed_at: string | null;
    payload: string;
  }>(
    `SELECT r.id, r.recall_number, r.state, r.issued_at, ifnull(n.response_deadline, r.response_deadline) AS response_deadline, r.severity, n.sent_at, n.latest_version, n.quarantine_confirmed_at, r.payload
       FROM recall_notices n JOIN recalls r ON r.id = n.recall_id
      WHERE ${where.join(' AND ')}
      ORDER BY ${column} ${dir}, r.id ${dir}
      LIMIT ? OFFSET ?`,
    [...args, p.pageSize + 1, query.after ? 0 : p.offset],
  );
  const more = rows.length > p.pageSize;
  if (more) rows.pop();
  const last = rows.at(-1);
  const now = ctx.clock.now().toISOString();
  const { offset: _offset, ...page } = p;
  return {
    view: 'distributor',
    items: rows.map((r) => ({
      id: r.id,
      recallNumber: r.recall_number,
      state: r.state,
      issuedAt: r.issued_at,
      responseDeadline: r.response_deadline,
      severity: r.severity,
      classifications: classificationsOf(JSON.parse(r.payload) as Record<string, unknown>),
      noticeSentAt: r.sent_at,
      reply: replyStateOf(r.latest_version, r.quarantine_confirmed_at),
      version: r.latest_version,
      overdue: r.latest_version === 0 && r.response_deadline !== null && r.response_deadline < now,
    })),
    ...page,
    next: more && last ? { key: query.sort === 'noticeSentAt' ? last.sent_at : last.issued_at, id: last.id } : null,
  };
}
