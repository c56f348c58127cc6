/**
 * The time limits of China's 医疗器械召回管理办法 (国家食品药品监督管理总局令第29号, 2017), as
 * arithmetic on instants (UTC). Nothing here reads the database: `nmpa-timeline.ts` gathers the
 * recall and its notices and hands them over.
 *
 * - 第十二条: the level by the defect's severity — 一级召回 (may cause or has caused serious harm),
 *   二级召回 (temporary or reversible harm), 三级召回 (harm unlikely, recall still needed). The
 *   recall's CN-NMPA classification (`recall-terms.ts`, class '1' | '2' | '3') carries it.
 * - 第十四条: once the manufacturer has decided the recall, a 一级召回 within 1 day, 二级 within
 *   3 days, 三级 within 7 days, 通知到有关医疗器械经营企业、使用单位或者告知使用者. A "day" is taken as
 *   24 hours from the decision.
 * - 第十六条: on the decision the manufacturer 立即 (immediately) files the 医疗器械召回事件报告表 with
 *   the provincial authority, and within 5 working days the 调查评估报告 and the 召回计划.
 * - 第二十二条: within 10 working days after the recall is completed, the 召回总结评估报告.
 *
 * Working days are Monday to Friday (UTC); public holidays and the adjusted working weekends of
 * the Chinese calendar are not known here.
 */
import type { Classification } from './recall-terms.ts';

export type NmpaLevel = 1 | 2 | 3;

/** 第十四条: days from the decision within which every consignee is to be notified. */
export const nmpaNotificationDays: Record<NmpaLevel, number> = { 1: 1, 2: 3, 3: 7 };
/** 第十六条: working days from the decision for the 调查评估报告 and the 召回计划. */
export const nmpaPlanWorkingDays = 5;
/** 第二十二条: working days after completion for the 召回总结评估报告. */
export const nmpaSummaryWorkingDays = 10;
/** The documents filed with the authority: 召回事件报告表, 召回计划 (第十六条), 召回总结评估报告 (第二十二条). */
export const nmpaDocuments = ['report-form', 'plan', 'summary'] as const;
export type NmpaDocument = (typeof nmpaDocuments)[number];
/** A limit with less than this share of its time left, and consignees still not notified, is at risk. */
export const nmpaAtRiskShare = 0.25;

const hour = 3_600_000;
const day = 24 * hour;

/** The NMPA level of a recall's classifications, or null when it has no CN-NMPA classification. */
export function nmpaLevelOf(classifications: readonly Pick<Classification, 'jurisdiction' | 'class'>[]): NmpaLevel | null {
  const c = classifications.find((x) => x.jurisdiction === 'CN-NMPA');
  const level = Number(c?.class);
  return level === 1 || level === 2 || level === 3 ? level : null;
}

/** The classifications in a recall's payload, as far as they are well formed. */
export function payloadClassifications(payload: { classifications?: unknown }): Pick<Classification, 'jurisdiction' | 'class'>[] {
  if (!Array.isArray(payload.classifications)) return [];
  return (payload.classifications as { jurisdiction?: unknown; class?: unknown }[])
    .filter((c) => c && typeof c.jurisdiction === 'string')
    .map((c) => ({ jurisdiction: c.jurisdiction as Classification['jurisdiction'], class: String(c.class ?? '') }));
}

/**
 * When the manufacturer decided the recall: the payload's `decidedAt` when it gives a valid
 * instant, otherwise the recall's issue (QA's signature in the portal, the ERP's `issuedAt`).
 */
export function decisionInstant(payload: { decidedAt?: unknown }, issuedAt: string): string {
  const given = typeof payload.decidedAt === 'string' ? Date.parse(payload.decidedAt) : Number.NaN;
  return Number.isNaN(given) ? new Date(issuedAt).toISOString() : new Date(given).toISOString();
}

/** `n` working days (Monday to Friday, UTC) after `from`, at the same time of day. */
export function addWorkingDays(from: string, n: number): string {
  let t = Date.parse(from);
  for (let left = n; left > 0; ) {
    t += day;
    const weekday = new Date(t).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left -= 1;
  }
  return new Date(t).toISOString();
}

/** One consignee against the limit: told in time, told late, not told yet (limit running), not told and past the limit. */
export type NmpaNoticeTiming = 'in_time' | 'late' | 'pending' | 'overdue';
/**
 * The recall against the limit: every consignee told in time (met), all told but some late,
 * some not told with time left (on_track), with less than a quarter of the limit left
 * (at_risk), or past the limit (overdue).
 */
export type NmpaLimitStatus = 'met' | 'late' | 'on_track' | 'at_risk' | 'overdue';

export interface NmpaConsigneeInput {
  organisationId: string;
  name: string;
  /** When its notice went out to at least one address; null: not notified. */
  notifiedAt: string | null;
}

export interface NmpaConsigneeLimit extends NmpaConsigneeInput {
  timing: NmpaNoticeTiming;
}

export interface NmpaLimits {
  level: NmpaLevel;
  decidedAt: string;
  /** 第十四条: every consignee notified by then. */
  notifyBy: string;
  /** 第十六条: the 召回事件报告表, immediately on the decision (the decision instant itself). */
  reportBy: string;
  /** 第十六条: the 调查评估报告 and 召回计划, 5 working days after the decision. */
  planBy: string;
  /** 第二十二条: the 召回总结评估报告, 10 working days after completion; null while the recall is not completed. */
  summaryBy: string | null;
  consignees: NmpaConsigneeLimit[];
  notifiedInTime: number;
  notifiedLate: number;
  notNotified: number;
  status: NmpaLimitStatus;
  /** The share of the notification limit still left at `now` (0 once it has passed). */
  shareLeft: number;
}

/**
 * The recall's NMPA limits at `now`: the deadlines from the decision and, per consignee,
 * whether its notice went out within the level's limit.
 */
export function nmpaLimits(input: { level: NmpaLevel; decidedAt: string; completedAt?: string | null; consignees: readonly NmpaConsigneeInput[] }, now: Date): NmpaLimits {
  const decided = Date.parse(input.decidedAt);
  const length = nmpaNotificationDays[input.level] * day;
  const notifyBy = decided + length;
  const past = now.getTime() > notifyBy;
  const consignees = input.consignees.map((c): NmpaConsigneeLimit => {
    const timing: NmpaNoticeTiming = c.notifiedAt ? (Date.parse(c.notifiedAt) <= notifyBy ? 'in_time' : 'late') : past ? 'overdue' : 'pending';
    return { ...c, timing };
  });
  const count = (t: NmpaNoticeTiming) => consignees.filter((c) => c.timing === t).length;
  const notNotified = count('pending') + count('overdue');
  const shareLeft = Math.min(1, Math.max(0, (notifyBy - now.getTime()) / length));
  const status: NmpaLimitStatus =
    notNotified === 0 ? (count('late') > 0 ? 'late' : 'met') : past ? 'overdue' : shareLeft < nmpaAtRiskShare ? 'at_risk' : 'on_track';
  const decidedIso = new Date(decided).toISOString();
  return {
    level: input.level,
    decidedAt: decidedIso,
    notifyBy: new Date(notifyBy).toISOString(),
    reportBy: decidedIso,
    planBy: addWorkingDays(decidedIso, nmpaPlanWorkingDays),
    summaryBy: input.completedAt ? addWorkingDays(input.completedAt, nmpaSummaryWorkingDays) : null,
    consignees,
    notifiedInTime: count('in_time'),
    notifiedLate: count('late'),
    notNotified,
    status,
    shareLeft,
  };
}

/** Whether QA must act now: consignees not notified and the limit nearly used up or passed. */
export function nmpaNeedsAttention(limits: Pick<NmpaLimits, 'status'>): boolean {
  return limits.status === 'at_risk' || limits.status === 'overdue';
}
