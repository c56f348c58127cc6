import { problem, type Problem } from '../errors.ts';
import { endOfDayIn } from '../time-zone.ts';

/**
 * The vocabulary of a recall, per jurisdiction: how it is classified (FDA 21 CFR 7.3(m),
 * EU MDR Art. 89 FSCA, NMPA 医疗器械召回管理办法 levels), the effectiveness-check levels of
 * 21 CFR 7.42(b)(3), and the severity (1 = highest risk) that sets the follow-up schedule.
 */
export const jurisdictions = ['US-FDA', 'EU-MDR', 'CN-NMPA'] as const;
export type Jurisdiction = (typeof jurisdictions)[number];

/** The types and classes each jurisdiction knows. */
export const classificationOptions = {
  'US-FDA': { types: ['recall', 'correction'], classes: ['I', 'II', 'III'] },
  'EU-MDR': { types: ['fsca'], classes: ['serious-public-health-threat', 'death-or-serious-deterioration', 'other'] },
  'CN-NMPA': { types: ['recall'], classes: ['1', '2', '3'] },
} as const satisfies Record<Jurisdiction, { types: readonly string[]; classes: readonly string[] }>;

export interface Classification {
  jurisdiction: Jurisdiction;
  type: string;
  class: string;
}

/** 1 = reasonable probability of serious harm; 3 = unlikely to cause harm. */
export type Severity = 1 | 2 | 3;

const severityOfClass: Record<Jurisdiction, Record<string, Severity>> = {
  'US-FDA': { I: 1, II: 2, III: 3 },
  'EU-MDR': { 'serious-public-health-threat': 1, 'death-or-serious-deterioration': 1, other: 2 },
  'CN-NMPA': { '1': 1, '2': 2, '3': 3 },
};

/** The highest risk among the recall's classifications; 2 when none is given. */
export function severityOf(classifications: readonly Classification[]): Severity {
  const found = classifications.map((c) => severityOfClass[c.jurisdiction]?.[c.class]).filter((s): s is Severity => s !== undefined);
  return found.length ? (Math.min(...found) as Severity) : 2;
}

/** Why a classification is not one we know, or undefined when it is. */
export function classificationProblem(c: { jurisdiction?: unknown; type?: unknown; class?: unknown }): Problem | undefined {
  const options = classificationOptions[c.jurisdiction as Jurisdiction];
  if (!options) return problem('recalls.classificationJurisdiction', { jurisdictions: jurisdictions.join(', ') });
  const jurisdiction = String(c.jurisdiction);
  if (!(options.types as readonly string[]).includes(String(c.type))) return problem('recalls.classificationType', { jurisdiction, types: options.types.join(', ') });
  if (!(options.classes as readonly string[]).includes(String(c.class))) return problem('recalls.classificationClass', { jurisdiction, classes: options.classes.join(', ') });
  return undefined;
}

/**
 * Effectiveness-check levels (21 CFR 7.42(b)(3)): the share of consignees to contact.
 * A 100 %, B more than C and less than A (the percentage QA sets; 50 % when a recall from
 * the ERP gives none), C 10 %, D 2 %, E none.
 */
export const effectivenessLevels = { A: 1, B: 0.5, C: 0.1, D: 0.02, E: 0 } as const;
export type EffectivenessLevel = keyof typeof effectivenessLevels;

export function isEffectivenessLevel(value: unknown): value is EffectivenessLevel {
  return typeof value === 'string' && value in effectivenessLevels;
}

/** How QA reached a consignee for its effectiveness check (21 CFR 7.42(b)(3): personal visits, telephone calls, letters or a combination). */
export const contactMethods = ['phone', 'email', 'visit', 'letter', 'portal'] as const;
export type ContactMethod = (typeof contactMethods)[number];

/** Level B's percentage lies strictly between C's and A's. */
export const levelBPercentBounds = { above: effectivenessLevels.C * 100, below: effectivenessLevels.A * 100 } as const;

/** Why a level B percentage is not one QA may set (more than 10, less than 100), or undefined when it is. */
export function effectivenessPercentProblem(percent: unknown): Problem | undefined {
  const ok = typeof percent === 'number' && Number.isFinite(percent) && percent > levelBPercentBounds.above && percent < levelBPercentBounds.below;
  return ok ? undefined : problem('recallClosing.percentBounds', { above: levelBPercentBounds.above, below: levelBPercentBounds.below });
}

/** The percentage of consignees a recall's level asks to check: level B's as QA set it, else the level's own. */
export function effectivenessPercent(level: EffectivenessLevel, percent?: number | null): number {
  return level === 'B' && typeof percent === 'number' ? percent : Math.round(effectivenessLevels[level] * 100);
}

/** Days to reply when a recall sets no deadline, by severity. */
export const defaultReplyDays: Record<Severity, number> = { 1: 5, 2: 10, 3: 20 };

/**
 * The reply deadline as an instant: a date means the end of that day in `zone` (the zone of the
 * person who entered it; UTC for recalls recorded before zones, and by default); a date-time is
 * taken as given; none gives the default for the severity after `from`.
 */
export function deadlineInstant(given: string | undefined, severity: Severity, from: Date, zone = 'UTC'): string {
  if (given && /^\d{4}-\d{2}-\d{2}$/.test(given)) return endOfDayIn(given, zone);
  if (given && !Number.isNaN(Date.parse(given))) return new Date(given).toISOString();
  return new Date(from.getTime() + defaultReplyDays[severity] * 86_400_000).toISOString();
}

/**
 * When returns, destruction and corrections (the recall's actions) are due: the recall's
 * actionsDeadline (a date: the end of that day in `zone`; a date-time as given), or by default
 * the reply deadline plus the default reply days of the severity again (5, 10, 20 days): the
 * time a consignee had to count its stock, once more to send it back. Stock on hand is due in
 * quarantine by the reply deadline itself.
 */
export function actionsDeadlineInstant(given: string | undefined, replyDeadline: string, severity: Severity, zone = 'UTC'): string {
  if (given) return deadlineInstant(given, severity, new Date(replyDeadline), zone);
  return new Date(Date.parse(replyDeadline) + defaultReplyDays[severity] * 86_400_000).toISOString();
}
