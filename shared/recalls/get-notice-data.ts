import type { Tx } from '../db/index.ts';
import { formatInstantIn } from '../time-zone.ts';
import { AppError } from '../errors.ts';
import { toGtin14 } from '../gs1/gtin.ts';
import type { Locale } from '../i18n/index.ts';
import { readTranslations, type RecallTranslations } from './notice-languages.ts';
import { withRevisions, type FsnStatus } from './notice-revisions.ts';
import { productIdentities, readNoticeParts, type NoticeParts, type ProductIdentity } from './notice-content.ts';

/** The actions a notice can ask of a distributor; each has its wording in the catalogues. */
export const noticeActions = ['quarantine', 'return', 'destroy', 'correct'] as const;
export type NoticeAction = (typeof noticeActions)[number];

export interface NoticeLot {
  lot: string | null;
  quantity: number;
  serials: string[];
}

export interface NoticeProduct extends ProductIdentity {
  /** GTIN-14, which is the UDI-DI of a GS1 UDI. */
  gtin: string;
  /** The lots of this product shipped to the distributor; empty when none of it was. */
  lots: NoticeLot[];
}

/** Everything one distributor's field safety notice shows, in no particular language (contact, SRN, FSN reference and authorities: notice-content.ts). */
export interface NoticeData extends NoticeParts {
  recallId: string;
  recallNumber: string;
  issuedAt: string;
  manufacturer: string;
  /** timeZone: its organisation's IANA zone, the one its people read deadlines in. */
  distributor: { id: string; name: string; timeZone: string };
  /** The recall's classification per jurisdiction, as codes (worded with `classificationText`). */
  classifications: RecallClassification[];
  /** Type and class in the ERP's own words when it gives them outside `classifications` (e.g. "FSCA", "Class II"), joined; absent when not given. */
  classification?: string;
  reason: string;
  hazard?: string;
  /** Known actions, rendered from the catalogues. */
  actions: NoticeAction[];
  /** Instructions in the recall's own words (in `locale` where the recall gives them there: noticeInLanguage). */
  instructionText: string[];
  /** The reply deadline as given (a date or a date-time), else the instant the recall's severity sets. */
  responseDeadline?: string;
  /** The reply deadline as this distributor reads it: the stored instant in its organisation's zone, the zone named. */
  deadlineShown?: string;
  /** Every affected product of the recall, with what THIS distributor received of it. */
  products: NoticeProduct[];
  /** Units of all affected lots shipped to this distributor. */
  units: number;
  /** Reason, hazard and further instructions per notice language, where the recall gives them. */
  translations: RecallTranslations;
  /** EU FSN reference, type and revision; the texts above are those of the latest revision (notice-revisions.ts). */
  fsn?: FsnStatus;
}

/** The notice with its reason, hazard and further instructions in `locale` where the recall gives them there. */
export function noticeInLanguage(data: NoticeData, locale: Locale): NoticeData {
  const texts = data.translations[locale];
  if (!texts) return data;
  return {
    ...data,
    reason: texts.reason ?? data.reason,
    hazard: texts.hazard ?? data.hazard,
    instructionText: texts.instructionText ? [texts.instructionText] : data.instructionText,
  };
}

interface Payload {
  recallNumber: string;
  issuedAt: string;
  reason: string;
  products?: { gtin: string }[];
  type?: unknown;
  class?: unknown;
  classification?: unknown;
  classifications?: unknown;
  hazard?: unknown;
  instructions?: unknown;
  responseDeadline?: unknown;
  manufacturer?: unknown;
  translations?: unknown;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined);

export interface RecallClassification {
  jurisdiction: string;
  type: string;
  class: string;
}

/** A recall payload's classifications per jurisdiction, as codes; empty when it gives none. */
export function classificationsOf(payload: Record<string, unknown>): RecallClassification[] {
  return Array.isArray(payload.classifications)
    ? (payload.classifications as { jurisdiction?: unknown; type?: unknown; class?: unknown }[]).map((c) => ({ jurisdiction: text(c.jurisdiction) ?? '', type: text(c.type) ?? '', class: text(c.class) ?? '' }))
    : [];
}

/**
 * Gathers one distributor's field safety notice: the recall as issued (number, date, type and
 * class, reason, hazard, instructions, deadline) and, per affected product, only the lots,
 * serials and quantities shipped to THIS distributor (recall_consignees). A distributor that is
 * not a consignee of the recall gets `not_found`, the same as an unknown recall; with `onlySent`, so
 * does one whose notice has not been sent yet.
 */
export async function getNoticeData(db: Tx, input: { recallId: string; distributorOrganisationId: string; onlySent?: boolean }): Promise<NoticeData> {
  // own_deadline: the notice's own reply deadline when it differs from the recall's (a consignee added after the release).
  const recall = await db.get<{ id: string; recall_number: string; issued_at: string; payload: string; response_deadline: string | null; sent: number; own_deadline: string | null }>(
    `SELECT id, recall_number, issued_at, payload, response_deadline, EXISTS (SELECT 1 FROM recall_notices WHERE recall_id = recalls.id AND distributor_organisation_id = ?) AS sent,
            (SELECT n.response_deadline FROM recall_notices AS n WHERE n.recall_id = recalls.id AND n.distributor_organisation_id = ? AND n.response_deadline IS NOT recalls.response_deadline) AS own_deadline
       FROM recalls WHERE id = ?`,
    [input.distributorOrganisationId, input.distributorOrganisationId, input.recallId],
  );
  if (!recall) throw new AppError('not_found', `no recall ${input.recallId}`);
  // `onlySent`: a notice exists for a distributor once it was sent (at release); before that it is not served.
  if (input.onlySent && !recall.sent) throw new AppError('not_found', `no notice of recall ${recall.recall_number} was sent to ${input.distributorOrganisationId}`);
  const rows = await db.all<{ gtin: string; lot: string | null; quantity: number; serials: string; name: string; time_zone: string }>(
    `SELECT c.gtin, c.lot, c.quantity_shipped AS quantity, c.serials, o.name, o.time_zone
     FROM recall_consignees AS c JOIN organisations AS o ON o.id = c.distributor_organisation_id
     WHERE c.recall_id = ? AND c.distributor_organisation_id = ?
     ORDER BY c.gtin, ifnull(c.lot, '')`,
    [recall.id, input.distributorOrganisationId],
  );
  if (rows.length === 0) throw new AppError('not_found', `${input.distributorOrganisationId} is not a consignee of recall ${recall.recall_number}`);

  const p = JSON.parse(recall.payload) as Payload;
  const parts = await readNoticeParts(db, p as unknown as Record<string, unknown>);
  const manufacturer =
    text(p.manufacturer) ??
    text((p.manufacturer as { name?: unknown } | undefined)?.name) ??
    (await db.get<{ name: string }>("SELECT name FROM organisations WHERE kind = 'manufacturer' ORDER BY created_at, id LIMIT 1"))?.name ??
    '';

  const actions: NoticeAction[] = [];
  const instructionText: string[] = [];
  const given = Array.isArray(p.instructions) ? (p.instructions as unknown[]) : p.instructions === undefined ? [] : [p.instructions];
  for (const item of given) {
    const value = text(item) ?? text((item as { text?: unknown } | null)?.text);
    const action = text((item as { action?: unknown } | null)?.action) ?? value;
    if (action && (noticeActions as readonly string[]).includes(action.toLowerCase())) {
      if (!actions.includes(action.toLowerCase() as NoticeAction)) actions.push(action.toLowerCase() as NoticeAction);
      if (value && value !== action) instructionText.push(value);
    } else if (value) instructionText.push(value);
  }
  // A notice always asks at least for quarantine: 21 CFR 7.49 and the FSN template expect an action.
  if (actions.length === 0 && instructionText.length === 0) actions.push('quarantine');

  const byGtin = new Map<string, NoticeLot[]>();
  for (const r of rows) {
    const lots = byGtin.get(r.gtin) ?? [];
    lots.push({ lot: r.lot, quantity: r.quantity, serials: (JSON.parse(r.serials) as string[]).slice().sort() });
    byGtin.set(r.gtin, lots);
  }
  const recalled = [...new Set((p.products ?? []).map((x) => toGtin14(x.gtin)))];
  for (const g of byGtin.keys()) if (!recalled.includes(g)) recalled.push(g);
  const identities = await productIdentities(db, recalled);

  const classifications = classificationsOf(p as unknown as Record<string, unknown>);
  const classification = [text(p.type), text(p.class), text(p.classification)].filter(Boolean).join(', ') || undefined;
  return withRevisions(db, p, {
    recallId: recall.id,
    recallNumber: recall.recall_number,
    issuedAt: recall.issued_at,
    manufacturer,
    distributor: { id: input.distributorOrganisationId, name: rows[0]!.name, timeZone: rows[0]!.time_zone },
    classifications,
    classification,
    reason: p.reason,
    hazard: text(p.hazard),
    actions,
    instructionText,
    // The notice's own (a late consignee's), else as given; a recall that sets none has the default for its severity, which mails and follow-ups apply too.
    responseDeadline: recall.own_deadline ?? text(p.responseDeadline) ?? recall.response_deadline ?? undefined,
    ...((recall.own_deadline ?? recall.response_deadline) ? { deadlineShown: formatInstantIn((recall.own_deadline ?? recall.response_deadline)!, rows[0]!.time_zone) } : {}),
    products: recalled.map((gtin) => ({ gtin, ...identities.get(gtin), lots: byGtin.get(gtin) ?? [] })),
    units: rows.reduce((n, r) => n + r.quantity, 0),
    translations: readTranslations(p),
    ...parts,
  });
}
