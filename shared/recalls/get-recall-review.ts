import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import { noticeActions, type NoticeAction } from './get-notice-data.ts';
import type { EffectivenessLevel, Severity } from './recall-terms.ts';
import { readTranslations, type RecallTranslations } from './notice-languages.ts';
import { noticeRecipientsSql } from './notice-recipients.ts';

export interface ReviewProduct {
  gtin: string;
  lots: string[];
  serials: string[];
  expiryFrom?: string;
  expiryTo?: string;
}

export interface ReviewSignature {
  signerName: string;
  signerEmail: string;
  meaning: string;
  method: string;
  signedAt: string;
  recordHash: string;
}

export interface ReviewRecall {
  id: string;
  recallNumber: string;
  source: 'erp' | 'portal';
  state: string;
  issuedAt: string;
  receivedAt: string;
  severity: Severity;
  responseDeadline: string | null;
  effectivenessLevel: EffectivenessLevel;
  noticeLanguages: string[];
  classifications: { jurisdiction: string; type: string; class: string }[];
  /** An ERP recall's type and class in its own words, when it gives no per-jurisdiction classifications. */
  classificationAsSent: string | null;
  reason: string;
  hazard: string | null;
  actions: NoticeAction[];
  /** Instructions in the recall's own words. */
  instructionText: string[];
  /** Reason, hazard and further instructions per notice language, signed with the recall. */
  translations: RecallTranslations;
  products: ReviewProduct[];
  recordHash: string | null;
  createdBy: string | null;
  noticesSentAt: string | null;
  noticesSentBy: string | null;
}

export interface ReviewLine {
  gtin: string;
  lot: string | null;
  quantity: number;
  serialCount: number;
  source: 'shipments' | 'manual';
}

export interface ReviewConsignee {
  organisationId: string;
  name: string;
  erpId: string | null;
  /** Who the notice goes (or went) to; empty: nobody can be mailed. */
  recipients: string[];
  lines: ReviewLine[];
  units: number;
}

export interface RecallReview {
  recall: ReviewRecall;
  /** QA's approval of a recall made in the portal; empty for an ERP recall. */
  signatures: ReviewSignature[];
  consignees: ReviewConsignee[];
  totals: { distributors: number; lines: number; units: number; mails: number; withoutAddress: number };
  /** The distributors QA can add by hand. */
  distributors: { id: string; name: string }[];
}

interface Payload {
  classifications?: unknown;
  type?: unknown;
  class?: unknown;
  classification?: unknown;
  reason?: unknown;
  hazard?: unknown;
  instructions?: unknown;
  products?: unknown;
  translations?: unknown;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const texts = (v: unknown): string[] => (Array.isArray(v) ? v.map(text).filter((s): s is string => s !== undefined) : []);

/** The actions a recall asks for and its instructions in its own words, however the ERP or the portal wrote them. */
function readInstructions(given: unknown): { actions: NoticeAction[]; instructionText: string[] } {
  const actions: NoticeAction[] = [];
  const instructionText: string[] = [];
  const items = Array.isArray(given) ? (given as unknown[]) : given === undefined ? [] : [given];
  for (const item of items) {
    const action = text((item as { action?: unknown } | null)?.action)?.toLowerCase() ?? text(item)?.toLowerCase();
    if (action && (noticeActions as readonly string[]).includes(action)) {
      if (!actions.includes(action as NoticeAction)) actions.push(action as NoticeAction);
    } else {
      const said = text(item) ?? text((item as { text?: unknown } | null)?.text);
      if (said) instructionText.push(said);
    }
  }
  return { actions, instructionText };
}

// One row per consignee line, with the distributor's recipients computed once per distributor:
// those its notice went to once sent, else whom it would go to (its recall contact, else its
// active distributor users), as send-recall-notices.ts chooses them.
const linesSql = `
WITH distributors AS (
  SELECT DISTINCT distributor_organisation_id AS id FROM recall_consignees WHERE recall_id = ?1),
recipients AS (
  SELECT d.id,
         COALESCE(n.recipients, ${noticeRecipientsSql}) AS list
    FROM distributors AS d JOIN organisations AS o ON o.id = d.id
    LEFT JOIN recall_notices AS n ON n.recall_id = ?1 AND n.distributor_organisation_id = d.id)
SELECT c.distributor_organisation_id AS organisation_id, o.name, o.erp_id, r.list AS recipients,
       c.gtin, c.lot, c.quantity_shipped AS quantity, json_array_length(c.serials) AS serial_count, c.source
  FROM recall_consignees AS c
  JOIN organisations AS o ON o.id = c.distributor_organisation_id
  JOIN recipients AS r ON r.id = c.distributor_organisation_id
 WHERE c.recall_id = ?1
 ORDER BY o.name, o.id, c.gtin, ifnull(c.lot, '')`;

/**
 * A recall as manufacturer staff review it before (and after) the notices go out: what was
 * issued, QA's signature if it was made in the portal, every consignee line with whom its
 * notice would be mailed to, the totals, and the distributors QA may add by hand. Anyone else
 * gets `not_found`, the same as for an unknown recall.
 */
export async function getRecallReview(ctx: UseCaseContext, actor: Actor, recallId: string): Promise<RecallReview> {
  if (actor.organisationKind !== 'manufacturer') throw new AppError('not_found', `no recall ${recallId}`);
  const row = await ctx.db.get<{
    id: string;
    recall_number: string;
    source: 'erp' | 'portal';
    state: string;
    payload: string;
    issued_at: string;
    received_at: string;
    severity: Severity;
    response_deadline: string | null;
    effectiveness_level: EffectivenessLevel;
    notice_locales: string;
    record_hash: string | null;
    created_by: string | null;
    notices_sent_at: string | null;
    notices_sent_by: string | null;
  }>(
    `SELECT r.id, r.recall_number, r.source, r.state, r.payload, r.issued_at, r.received_at, r.severity, r.response_deadline, r.effectiveness_level,
            r.notice_locales, r.record_hash, author.display_name AS created_by, r.notices_sent_at, sender.display_name AS notices_sent_by
       FROM recalls AS r LEFT JOIN users AS author ON author.id = r.created_by LEFT JOIN users AS sender ON sender.id = r.notices_sent_by
      WHERE r.id = ?`,
    [recallId],
  );
  if (!row) throw new AppError('not_found', `no recall ${recallId}`);

  const p = JSON.parse(row.payload) as Payload;
  const classifications = (Array.isArray(p.classifications) ? (p.classifications as Record<string, unknown>[]) : []).map((c) => ({
    jurisdiction: String(c.jurisdiction ?? ''),
    type: String(c.type ?? ''),
    class: String(c.class ?? ''),
  }));
  const products = (Array.isArray(p.products) ? (p.products as Record<string, unknown>[]) : []).map((x) => ({
    gtin: String(x.gtin ?? ''),
    lots: texts(x.lots),
    serials: texts(x.serials),
    ...(text(x.expiryFrom) ? { expiryFrom: text(x.expiryFrom) } : {}),
    ...(text(x.expiryTo) ? { expiryTo: text(x.expiryTo) } : {}),
  }));

  const [signatures, lines, distributors] = await Promise.all([
    ctx.db.all<{ signer_name: string; signer_email: string; meaning: string; method: string; signed_at: string; record_hash: string }>(
      "SELECT signer_name, signer_email, meaning, method, signed_at, record_hash FROM signatures WHERE entity_type = 'recall' AND entity_id = ? ORDER BY signed_at, id",
      [row.id],
    ),
    ctx.db.all<{ organisation_id: string; name: string; erp_id: string | null; recipients: string; gtin: string; lot: string | null; quantity: number; serial_count: number; source: 'shipments' | 'manual' }>(
      linesSql,
      [row.id],
    ),
    ctx.db.all<{ id: string; name: string }>("SELECT id, name FROM organisations WHERE kind = 'distributor' ORDER BY name, id"),
  ]);

  const consignees: ReviewConsignee[] = [];
  for (const l of lines) {
    let c = consignees.at(-1);
    if (c?.organisationId !== l.organisation_id) {
      c = { organisationId: l.organisation_id, name: l.name, erpId: l.erp_id, recipients: JSON.parse(l.recipients) as string[], lines: [], units: 0 };
      consignees.push(c);
    }
    c.lines.push({ gtin: l.gtin, lot: l.lot, quantity: l.quantity, serialCount: l.serial_count, source: l.source });
    c.units += l.quantity;
  }

  return {
    recall: {
      id: row.id,
      recallNumber: row.recall_number,
      source: row.source,
      state: row.state,
      issuedAt: row.issued_at,
      receivedAt: row.received_at,
      severity: row.severity,
      responseDeadline: row.response_deadline,
      effectivenessLevel: row.effectiveness_level,
      noticeLanguages: JSON.parse(row.notice_locales) as string[],
      classifications,
      classificationAsSent: [p.type, p.class, p.classification].map((v) => text(v) ?? (typeof v === 'number' ? String(v) : undefined)).filter(Boolean).join(', ') || null,
      reason: text(p.reason) ?? '',
      hazard: text(p.hazard) ?? null,
      ...readInstructions(p.instructions),
      translations: readTranslations(p),
      products,
      recordHash: row.record_hash,
      createdBy: row.created_by,
      noticesSentAt: row.notices_sent_at,
      noticesSentBy: row.notices_sent_by,
    },
    signatures: signatures.map((s) => ({ signerName: s.signer_name, signerEmail: s.signer_email, meaning: s.meaning, method: s.method, signedAt: s.signed_at, recordHash: s.record_hash })),
    consignees,
    totals: {
      distributors: consignees.length,
      lines: lines.length,
      units: consignees.reduce((n, c) => n + c.units, 0),
      mails: consignees.reduce((n, c) => n + c.recipients.length, 0),
      withoutAddress: consignees.filter((c) => c.recipients.length === 0).length,
    },
    distributors,
  };
}
