// EU field safety notice revisions (MDCG 2023-3; the Commission's FSN template names the FSN
// reference and the type of the notice: new, update, follow-up). Pure rules and the SQL the
// pages, the dashboard and the follow-ups share; the use case is issue-notice-revision.ts.
//
// Why an update asks for a new reply and a follow-up does not: the customer reply form confirms
// that the reader understood THIS notice and took ITS actions on ITS affected devices. An update
// supersedes the notice (more lots, other actions, a changed hazard), so a reply to the earlier
// notice no longer confirms what is now asked. A follow-up adds information (a schedule, a
// clarification) to the notice in force without changing what was asked, so the reply given
// still confirms it; asking again would teach consignees that a re-ask means nothing.
import type { Tx } from '../db/index.ts';
import { isLocale, type Locale } from '../i18n/index.ts';
import { problem, refusal, type Problems } from '../errors.ts';
import { checkTranslations, recallTextLimits, type RecallTexts, type RecallTranslations } from './notice-languages.ts';

/** The types of notice a QA user issues after the first one (which is 'new'). */
export const revisionTypes = ['update', 'follow_up'] as const;
export type RevisionType = (typeof revisionTypes)[number];
export type FsnType = 'new' | RevisionType;

/** The longest "what changed" text, in each language. */
export const changeLimit = 2000;

/** What QA enters to issue a revised notice. */
export interface NoticeRevisionInput {
  type: string;
  /** What changed since the notice before, in the main language (required). */
  change: string;
  /** "What changed" per notice language (optional; empty ones dropped). */
  changeTranslations?: Record<string, string>;
  /** Changed reason, hazard, further instructions (optional: empty means unchanged). */
  reason?: string;
  hazard?: string;
  instructionText?: string;
  /** The changed texts per notice language (optional). */
  translations?: Record<string, RecallTexts>;
}

/** A revision as it is recorded and signed (recall_notice_revisions.payload). */
export interface NoticeRevisionContent {
  recallId: string;
  recallNumber: string;
  fsnReference: string;
  revision: number;
  type: RevisionType;
  change: string;
  changeTranslations?: Partial<Record<Locale, string>>;
  reason?: string;
  hazard?: string;
  instructionText?: string;
  translations?: RecallTranslations;
}

/** A stored revision, with when it was issued. */
export interface NoticeRevision extends NoticeRevisionContent {
  id: string;
  createdAt: string;
}

/** The FSN reference of a recall: `fsnReference` in its payload when given, else the recall number. */
export function fsnReferenceOf(payload: { fsnReference?: unknown; recallNumber?: unknown }, recallNumber: string): string {
  return typeof payload.fsnReference === 'string' && payload.fsnReference.trim() ? payload.fsnReference.trim() : recallNumber;
}

/**
 * The revision as it will be recorded and signed, or every problem with the form at once. Only
 * what is given is kept, so the payload (and its hash) says exactly what changed.
 */
export function checkNoticeRevision(input: NoticeRevisionInput, fixed: { recallId: string; recallNumber: string; fsnReference: string; revision: number }): NoticeRevisionContent {
  const fields: Problems = {};
  const type = (revisionTypes as readonly string[]).includes(input.type) ? (input.type as RevisionType) : undefined;
  if (!type) fields.type = problem('fsnRevision.typeUnknown');
  const change = input.change.trim();
  if (!change) fields.change = problem('fsnRevision.changeRequired');
  else if (change.length > changeLimit) fields.change = problem('recalls.tooLong', { max: changeLimit });
  const texts: RecallTexts = {};
  for (const [kind, max] of Object.entries(recallTextLimits) as [keyof RecallTexts, number][]) {
    const v = input[kind]?.trim();
    if (!v) continue;
    if (v.length > max) fields[kind] = problem('recalls.tooLong', { max });
    texts[kind] = v;
  }
  const changeTranslations: Partial<Record<Locale, string>> = {};
  for (const [locale, text] of Object.entries(input.changeTranslations ?? {})) {
    const v = text?.trim();
    if (!v) continue;
    if (!isLocale(locale)) fields.changeTranslations = problem('recalls.badLanguages');
    else if (v.length > changeLimit) fields[`changeTranslations/${locale}`] = problem('recalls.tooLong', { max: changeLimit });
    else changeTranslations[locale] = v;
  }
  const translations = checkTranslations(input.translations, fields);
  if (Object.keys(fields).length) throw refusal('invalid_input', 'the revised notice is not complete', fields);
  return {
    ...fixed,
    type: type!,
    change,
    ...(Object.keys(changeTranslations).length ? { changeTranslations } : {}),
    ...texts,
    ...(Object.keys(translations).length ? { translations } : {}),
  };
}

/** The texts a notice shows: the recall's, with the changes of each revision applied in order. */
export interface NoticeTexts {
  reason: string;
  hazard?: string;
  instructionText?: string;
  translations: RecallTranslations;
}

const textKinds = Object.keys(recallTextLimits) as (keyof RecallTexts)[];

/**
 * The texts in force after `revisions` (in revision order). A revision that changes a text
 * replaces it in every language: a translation of the text it replaces is dropped (it would say
 * the old thing), unless the revision gives the new one in that language.
 */
export function textsInForce(original: NoticeTexts, revisions: readonly Pick<NoticeRevisionContent, 'reason' | 'hazard' | 'instructionText' | 'translations'>[]): NoticeTexts {
  const out: NoticeTexts = { ...original, translations: structuredClone(original.translations) };
  for (const r of revisions) {
    for (const kind of textKinds) {
      const changed = r[kind];
      if (changed === undefined) continue;
      if (kind === 'reason') out.reason = changed;
      else out[kind] = changed;
      for (const texts of Object.values(out.translations)) if (texts) delete texts[kind];
    }
    for (const [locale, texts] of Object.entries(r.translations ?? {}) as [Locale, RecallTexts][]) {
      out.translations[locale] = { ...out.translations[locale], ...texts };
    }
  }
  for (const [locale, texts] of Object.entries(out.translations) as [Locale, RecallTexts][]) if (!Object.keys(texts).length) delete out.translations[locale];
  return out;
}

/** The revision the replies must answer: the last update, else the first notice (1). */
export function revisionToAnswer(revisions: readonly Pick<NoticeRevisionContent, 'revision' | 'type'>[]): number {
  return revisions.reduce((n, r) => (r.type === 'update' && r.revision > n ? r.revision : n), 1);
}

/** A consignee whose latest reply answers an earlier notice than the one in force must reply again. */
export function replyNeededAgain(answeredRevision: number | null, revisions: readonly Pick<NoticeRevisionContent, 'revision' | 'type'>[]): boolean {
  return answeredRevision !== null && answeredRevision < revisionToAnswer(revisions);
}

/** SQL: the revision a recall's replies must answer (`recall` names its id). */
export const revisionToAnswerSql = (recall: string) =>
  `ifnull((SELECT MAX(v.revision) FROM recall_notice_revisions AS v WHERE v.recall_id = ${recall} AND v.type = 'update'), 1)`;

/**
 * SQL: the notice `n` (recall_notices) has a reply, but to an earlier notice than an update issued
 * since: its consignee is asked to reply again and counts as awaiting a reply.
 */
export const replyNeededAgainSql = (n: string) =>
  `(${n}.latest_version > 0 AND (SELECT a.revision FROM recall_acknowledgements AS a WHERE a.notice_id = ${n}.id AND a.version = ${n}.latest_version) < ${revisionToAnswerSql(`${n}.recall_id`)})`;

interface RevisionRow {
  id: string;
  payload: string;
  created_at: string;
}

/** A recall's revisions after the first notice, in order. */
export async function readNoticeRevisions(db: Pick<Tx, 'all'>, recallId: string): Promise<NoticeRevision[]> {
  const rows = await db.all<RevisionRow>('SELECT id, payload, created_at FROM recall_notice_revisions WHERE recall_id = ? ORDER BY revision', [recallId]);
  return rows.map((r) => ({ ...(JSON.parse(r.payload) as NoticeRevisionContent), id: r.id, createdAt: r.created_at }));
}

/** What a notice says about its place in the FSN's history (shown on the PDF and the pages). */
export interface FsnStatus {
  reference: string;
  type: FsnType;
  revision: number;
  /** Issued at (the release for revision 1). */
  issuedAt: string;
  /** The date of the notice this one supersedes (an update) or adds to (a follow-up). */
  previousIssuedAt?: string;
  change?: string;
  changeTranslations?: Partial<Record<Locale, string>>;
  /** The revision replies must answer now. */
  revisionToAnswer: number;
}

/** The FSN status after `revisions`, for a recall released at `releasedAt` (or issued at, before release). */
export function fsnStatus(reference: string, releasedAt: string, revisions: readonly NoticeRevision[]): FsnStatus {
  const last = revisions.at(-1);
  if (!last) return { reference, type: 'new', revision: 1, issuedAt: releasedAt, revisionToAnswer: 1 };
  const previous = revisions.at(-2)?.createdAt ?? releasedAt;
  return {
    reference,
    type: last.type,
    revision: last.revision,
    issuedAt: last.createdAt,
    previousIssuedAt: previous,
    change: last.change,
    ...(last.changeTranslations ? { changeTranslations: last.changeTranslations } : {}),
    revisionToAnswer: revisionToAnswer(revisions),
  };
}

/** What of a notice's data the revisions change (get-notice-data.ts's NoticeData). */
interface RevisableNotice {
  recallId: string;
  recallNumber: string;
  issuedAt: string;
  reason: string;
  hazard?: string;
  instructionText: string[];
  translations: RecallTranslations;
  fsn?: FsnStatus;
}

/**
 * A notice's data as the latest revision has it: the texts in force (textsInForce) and the FSN
 * status (reference, type, revision, what changed). A recall without revisions is its first
 * notice, revision 1 'new', with its texts as issued.
 */
export async function withRevisions<T extends RevisableNotice>(db: Pick<Tx, 'all' | 'get'>, payload: object, data: T): Promise<T> {
  const revisions = await readNoticeRevisions(db, data.recallId);
  const released = await db.get<{ notices_sent_at: string | null }>('SELECT notices_sent_at FROM recalls WHERE id = ?', [data.recallId]);
  const fsn = fsnStatus(fsnReferenceOf(payload as { fsnReference?: unknown }, data.recallNumber), released?.notices_sent_at ?? data.issuedAt, revisions);
  if (!revisions.length) return { ...data, fsn };
  const original: NoticeTexts = { reason: data.reason, hazard: data.hazard, instructionText: data.instructionText.length ? data.instructionText.join('\n') : undefined, translations: data.translations };
  const texts = textsInForce(original, revisions);
  const instructionsChanged = revisions.some((r) => r.instructionText !== undefined);
  return {
    ...data,
    reason: texts.reason,
    hazard: texts.hazard,
    instructionText: instructionsChanged && texts.instructionText ? [texts.instructionText] : data.instructionText,
    translations: texts.translations,
    fsn,
  };
}

/** Whether the consignee of notice `noticeId` must reply again (its latest reply answers a superseded notice). */
export async function noticeReplyNeededAgain(db: Pick<Tx, 'get'>, noticeId: string): Promise<boolean> {
  const row = await db.get<{ again: number }>(`SELECT ${replyNeededAgainSql('n')} AS again FROM recall_notices AS n WHERE n.id = ?`, [noticeId]);
  return row?.again === 1;
}
