import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import type { AuditActor } from '../audit/entry.ts';
import { newId } from '../ids.ts';
import { canonicalTimeZone, defaultTimeZone } from '../time-zone.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { problem, refusal } from '../errors.ts';
import { isLocale, type Locale } from '../i18n/index.ts';
import { defaultNoticeLocales, type RecallTranslations } from './notice-languages.ts';
import { resolveConsignees, type RecalledProduct, type ResolvedConsignees } from './resolve-consignees.ts';
import { recallRecordHash } from './recall-record-hash.ts';
import { actionsDeadlineInstant, deadlineInstant, isEffectivenessLevel, severityOf, type Classification, type EffectivenessLevel, type Severity } from './recall-terms.ts';

/** A recall as issued, from the ERP (recall.issued) or by QA in the portal. */
export interface RecallContent {
  recallNumber: string;
  issuedAt: string;
  reason: string;
  products: RecalledProduct[];
  classifications?: Classification[];
  hazard?: string;
  instructions?: unknown;
  responseDeadline?: string;
  /** IANA zone the deadline dates were entered in (the day ends there); absent: UTC, as before zones. */
  deadlineTimeZone?: string;
  /** Returns, destruction and corrections due by (date or date-time); absent: the default after the reply deadline. */
  actionsDeadline?: string;
  effectivenessLevel?: string;
  /** Level B: the percentage of consignees to check (more than 10, less than 100). */
  effectivenessPercent?: number;
  noticeLanguages?: string[];
  /** Reason, hazard and further instructions per notice language; hashed and signed with the rest. */
  translations?: RecallTranslations;
  [more: string]: unknown;
}

/**
 * The columns a recall's content gives, stored with it and cross-checked against its payload by
 * lotbridge audit verify: severity, the reply and actions deadlines (dates end in the recall's
 * deadlineTimeZone), the effectiveness level and level B's percentage (null otherwise, and for
 * payloads from before it). Null when deadlineTimeZone is not an IANA zone.
 */
export function issuedTerms(data: RecallContent): { severity: Severity; deadline: string; actionsDeadline: string; level: EffectivenessLevel; percent: number | null } | null {
  const severity = severityOf(data.classifications ?? []);
  const zone = data.deadlineTimeZone === undefined ? defaultTimeZone : canonicalTimeZone(String(data.deadlineTimeZone));
  if (!zone) return null;
  const deadline = deadlineInstant(data.responseDeadline, severity, new Date(data.issuedAt), zone);
  const actionsDeadline = actionsDeadlineInstant(data.actionsDeadline, deadline, severity, zone);
  const level = isEffectivenessLevel(data.effectivenessLevel) ? data.effectivenessLevel : 'C';
  const percent = level === 'B' && typeof data.effectivenessPercent === 'number' ? data.effectivenessPercent : null;
  return { severity, deadline, actionsDeadline, level, percent };
}

/**
 * Stores a recall (state 'received': QA reviews the consignees before notices go out) with
 * the columns follow-up and dashboard query, and resolves its consignees from the shipment
 * records in the same transaction: a recall never exists without them.
 */
export async function recordRecall(
  tx: Tx,
  clock: Clock,
  input: { content: RecallContent; source: 'erp' | 'portal'; actor: AuditActor; organisationId: string | null; createdBy?: string; /** What QA signed (portal); computed from the content when absent. */ recordHash?: string; requestId?: string; fieldPrefix?: string },
): Promise<{ id: string } & ResolvedConsignees> {
  const data = input.content;
  const existing = await tx.get<{ id: string }>('SELECT id FROM recalls WHERE recall_number = ?', [data.recallNumber]);
  if (existing) throw refusal('conflict', `recall ${data.recallNumber} was already issued`, { [`${input.fieldPrefix ?? ''}recallNumber`]: problem('recalls.recallNumberTaken', { id: existing.id }) });

  const terms = issuedTerms(data);
  if (!terms) throw refusal('invalid_input', `${String(data.deadlineTimeZone)} is not an IANA time zone`, { [`${input.fieldPrefix ?? ''}deadlineTimeZone`]: problem('timeZones.badZone', { zone: String(data.deadlineTimeZone) }) });
  const { severity, deadline, actionsDeadline, level, percent } = terms;
  const wanted = (data.noticeLanguages ?? []).filter(isLocale);
  const noticeLocales: Locale[] = wanted.length ? [...new Set(wanted)] : defaultNoticeLocales;
  const id = newId('rcl');
  // Hashed as stored (after the JSON round trip), so the hash recomputes from recalls.payload.
  const payload = JSON.stringify(data);
  const hash = input.recordHash ?? recallRecordHash(input.source, JSON.parse(payload) as Record<string, unknown>);
  await tx.run(
    `INSERT INTO recalls (id, recall_number, source, state, payload, issued_at, received_at, severity, response_deadline, effectiveness_level, effectiveness_percent, notice_locales, record_hash, created_by, actions_deadline)
     VALUES (?, ?, ?, 'received', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [id, data.recallNumber, input.source, payload, data.issuedAt, clock.now().toISOString(), severity, deadline, level, percent, JSON.stringify(noticeLocales), hash, input.createdBy ?? null, actionsDeadline],
  );
  await recordAudit(tx, clock, {
    actor: input.actor,
    organisationId: input.organisationId,
    action: 'recall.issued',
    entityType: 'recall',
    entityId: id,
    newValues: { recallNumber: data.recallNumber, source: input.source, reason: data.reason, products: data.products.length, severity, responseDeadline: deadline, actionsDeadline, effectivenessLevel: level, ...(percent !== null ? { effectivenessPercent: percent } : {}), recordHash: hash },
    requestId: input.requestId,
  });
  const resolved = await resolveConsignees(tx, clock, { recallId: id, products: data.products, actor: input.actor, requestId: input.requestId });
  return { id, ...resolved };
}
