import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError } from '../errors.ts';
import { toGtin14 } from '../gs1/gtin.ts';
import type { Locale } from '../i18n/index.ts';
import { noticeActions, type NoticeAction } from './get-notice-data.ts';
import { nmpaDocuments, type NmpaDocument } from './nmpa-limits.ts';
import { requireNmpaTimeline, type NmpaTimeline } from './nmpa-timeline.ts';
import { getRecallStatusReport, type RecallStatusReport } from './recall-status-report.ts';

/**
 * The documents a manufacturer files with the provincial authority under 医疗器械召回管理办法
 * (令第29号): the 医疗器械召回事件报告表 and the 召回计划 (第十六条, 第十七条) and the
 * 召回总结评估报告 (第二十二条).
 */

export function isNmpaDocument(value: unknown): value is NmpaDocument {
  return typeof value === 'string' && (nmpaDocuments as readonly string[]).includes(value);
}

export interface NmpaProduct {
  gtin: string;
  /** The item's description in the ERP's item master; null when the item is not known. */
  name: string | null;
  /** Model or size and the NMPA registration certificate number (注册证号), when the recall gives them. */
  model: string | null;
  registrationNumber: string | null;
  lots: { lot: string | null; shipped: number }[];
  shipped: number;
}

export interface NmpaDocumentData {
  document: NmpaDocument;
  timeline: NmpaTimeline;
  report: RecallStatusReport;
  manufacturer: string;
  reason: string;
  hazard: string | null;
  actions: NoticeAction[];
  instructionText: string[];
  products: NmpaProduct[];
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null);

/**
 * One authority document's content for manufacturer staff, from the recall as issued and its
 * status report as of now; the download is written to the audit trail. Anyone else, an unknown
 * recall and a recall without a CN-NMPA classification: `not_found`.
 */
export async function getNmpaDocument(ctx: UseCaseContext, actor: Actor, input: { recallId: string; document: string; locale: Locale }): Promise<NmpaDocumentData> {
  if (!isNmpaDocument(input.document)) throw new AppError('not_found', `"${input.document}" is not an NMPA recall document (${nmpaDocuments.join(', ')})`);
  const timeline = await requireNmpaTimeline(ctx, actor, input.recallId);
  const report = await getRecallStatusReport(ctx, actor, timeline.recall.id);
  const row = await ctx.db.get<{ payload: string }>('SELECT payload FROM recalls WHERE id = ?', [timeline.recall.id]);
  const p = JSON.parse(row!.payload) as Record<string, unknown>;

  const actions: NoticeAction[] = [];
  const instructionText: string[] = [];
  for (const item of Array.isArray(p.instructions) ? (p.instructions as unknown[]) : p.instructions === undefined ? [] : [p.instructions]) {
    const action = text((item as { action?: unknown } | null)?.action)?.toLowerCase();
    const value = text(item) ?? text((item as { text?: unknown } | null)?.text);
    if (action && (noticeActions as readonly string[]).includes(action) && !actions.includes(action as NoticeAction)) actions.push(action as NoticeAction);
    if (value) instructionText.push(value);
  }

  const given = new Map<string, { model: string | null; registrationNumber: string | null }>();
  for (const x of Array.isArray(p.products) ? (p.products as Record<string, unknown>[]) : []) {
    const gtin = text(x?.gtin);
    if (gtin) given.set(toGtin14(gtin), { model: text(x.model), registrationNumber: text(x.registrationNumber) });
  }
  const gtins = [...new Set([...given.keys(), ...report.dashboard.lots.map((l) => l.gtin)])];
  const names = new Map(
    (await ctx.db.all<{ gtin: string; description: string }>(`SELECT gtin, description FROM items WHERE gtin IN (${gtins.map(() => '?').join(', ') || "''"})`, gtins)).map((r) => [r.gtin, r.description]),
  );
  const products = gtins.map((gtin): NmpaProduct => {
    const lots = report.dashboard.lots.filter((l) => l.gtin === gtin).map((l) => ({ lot: l.lot, shipped: l.shipped }));
    return { gtin, name: names.get(gtin) ?? null, model: given.get(gtin)?.model ?? null, registrationNumber: given.get(gtin)?.registrationNumber ?? null, lots, shipped: lots.reduce((n, l) => n + l.shipped, 0) };
  });

  const manufacturer =
    text(p.manufacturer) ??
    text((p.manufacturer as { name?: unknown } | undefined)?.name) ??
    (await ctx.db.get<{ name: string }>('SELECT name FROM organisations WHERE id = ?', [actor.organisationId]))?.name ??
    actor.organisationName;

  await ctx.db.transaction((tx) =>
    recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: actor.organisationId,
      action: 'recall.nmpa_document_downloaded',
      entityType: 'recall',
      entityId: timeline.recall.id,
      newValues: { document: input.document, locale: input.locale, asOf: report.dashboard.asOf },
      requestId: ctx.requestId,
    }),
  );
  return { document: input.document, timeline, report, manufacturer, reason: text(p.reason) ?? '', hazard: text(p.hazard), actions, instructionText, products };
}
