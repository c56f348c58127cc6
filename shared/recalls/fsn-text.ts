import { translate, type Locale } from '../i18n/index.ts';
import type { FsnStatus } from './notice-revisions.ts';

/** "Update 2 — supersedes the notice of 2026-03-02", "New notice (revision 1)": the notice's place in the FSN's history. */
export function fsnStatusText(locale: Locale, fsn: FsnStatus): string {
  return fsn.type === 'new' ? translate(locale, 'fsnRevision.status.new') : translate(locale, `fsnRevision.status.${fsn.type}`, { revision: fsn.revision, previous: (fsn.previousIssuedAt ?? '').slice(0, 10) });
}

/** The rows a notice's facts get for its FSN: reference, and type with revision. */
export function fsnFacts(locale: Locale, fsn: FsnStatus): [string, string][] {
  return [
    [translate(locale, 'fsnRevision.reference'), fsn.reference],
    [translate(locale, 'fsnRevision.typeLabel'), fsn.type === 'new' ? fsnStatusText(locale, fsn) : `${fsnStatusText(locale, fsn)}, ${fsn.issuedAt.slice(0, 10)}`],
  ];
}

/** What a revised notice says changed (in `locale` where QA gave it), and whether a new reply is asked; none for the first notice. */
export function fsnChange(locale: Locale, fsn: FsnStatus): { heading: string; text: string; reply: string } | undefined {
  if (fsn.type === 'new' || !fsn.change) return undefined;
  return {
    heading: translate(locale, 'fsnRevision.changeHeading'),
    text: fsn.changeTranslations?.[locale] ?? fsn.change,
    reply: translate(locale, fsn.type === 'update' ? 'fsnRevision.replyAgain' : 'fsnRevision.replyStands'),
  };
}
