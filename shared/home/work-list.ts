// The home page as a work list: for each kind of record that needs the signed-in user, how many,
// the first few (overdue first) and the link to the list page filtered to exactly those records.
// One use case per role (supplier-work-list.ts, qa-work-list.ts, distributor-work-list.ts,
// admin-work-list.ts); each reads only what the caller's organisation may see, with bounded queries.

/** How many records of an entry the home page names; the link leads to all of them. */
export const firstFew = 3;

/** What the date of an item is; the page words it (`home.when.<kind>`). */
export const workDates = ['ordered', 'expires', 'expired', 'submitted', 'rejected', 'due', 'issued', 'deadline', 'overdue', 'failed', 'locked', 'verifyFrom'] as const;
export type WorkDate = (typeof workDates)[number];

export interface WorkItem {
  id: string;
  /** What a person knows the record by: an order, certificate, lot, invoice or recall number, a partner, an address. */
  label: string;
  /** The date that makes it urgent (a day or an instant), and what it is. */
  date: string | null;
  when: WorkDate;
  /** Past its deadline, due date or expiry: shown first and marked. */
  overdue: boolean;
  /** The record's own page, where it has one. */
  href: string | null;
  /** What the item says in words, when the label is not a name (a self-check's finding): the page words it. */
  finding?: { code: string; params: Record<string, string | number> };
}

export interface WorkEntry {
  /** What the entry counts; the page's label is `home.work.<kind>`. */
  kind: WorkKind;
  count: number;
  /** The list page filtered to exactly the counted records. */
  href: string;
  /** The first few, most urgent first. */
  items: WorkItem[];
}

export type WorkKind =
  | 'ordersToConfirm'
  | 'ordersToInvoice'
  | 'certificatesExpiring'
  | 'certificatesRejected'
  | 'lotsFlagged'
  | 'invoicesDisputed'
  | 'certificatesToReview'
  | 'lotsToInspect'
  | 'recallsNmpaAtRisk'
  | 'recallsToRelease'
  | 'recallsOpen'
  | 'recallsOverdue'
  | 'recallsEscalated'
  | 'suppliersExpired'
  | 'purchaseOrdersNotApproved'
  | 'scarStepsToDecide'
  | 'scarsToVerify'
  | 'scarStepsToAnswer'
  | 'scarStepsReturned'
  | 'scarStepsOverdue'
  | 'securityAlerts'
  | 'noticesAwaitingReply'
  | 'repliesToComplete'
  | 'webhooksFailed'
  | 'as2Failed'
  | 'as2GaveUp'
  | 'edifactFailed'
  | 'edifactRefused'
  | 'mailFailed'
  | 'partnerCertificatesExpiring'
  | 'as2KeysExpiring'
  | 'validationDrift';

export interface WorkList {
  /** Every entry of the role, also those at 0 (the page shows the ones above 0). */
  entries: WorkEntry[];
}

/** Overdue items first, then by date (earliest first), then as given. */
export function overdueFirst(items: WorkItem[]): WorkItem[] {
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => Number(b.item.overdue) - Number(a.item.overdue) || (a.item.date ?? '').localeCompare(b.item.date ?? '') || a.i - b.i)
    .map((x) => x.item);
}

/** A list page's path with its filter query (empty values left out). */
export function listHref(path: string, query: Record<string, string> = {}, hash = ''): string {
  const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== '')).toString();
  return `${path}${q ? `?${q}` : ''}${hash ? `#${hash}` : ''}`;
}
