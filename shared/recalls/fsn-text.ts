import { translate, type Locale } from '../i18n/index.ts';
import type { FsnStatus } from './notice-revisions.ts';

/** "Update 2 (2026-03-05) — supersedes the notice of 2026-03-02", "New notice (revision 1)": the notice's place in the FSN's history. */
export function fsnStatusText(locale: Locale, fsn: FsnStatus): string {
  return fsn.type === 'new' ? translate(locale, 'fsnRevision.status.new') : translate(locale, `fsnRevision.status.${fsn.type}`, { revision: fsn.revision, date: fsn.issuedAt.slice(0, 10), previous: (fsn.previousIssuedAt ?? '').slice(0, 10) });
}

/**
 * Adds the FSN to a notice's facts: "FSN reference  FSN-7 · Update 2 (2026-03-05) — supersedes the
 * notice of 2026-03-02". When the reference is the recall number (the default) it joins the
 * recall number's row ("FSCA-7 (FSN reference) · New notice (revision 1)") instead of repeating
 * it, so the first notice keeps to its page.
 */
export function addFsnFacts(facts: [string, string][], locale: Locale, fsn: FsnStatus, recallNumber: string): void {
  const status = fsnStatusText(locale, fsn);
  const own = facts.findIndex(([, value]) => value === recallNumber);
  if (fsn.reference === recallNumber && own >= 0) facts[own] = [facts[own]![0], `${translate(locale, 'fsnRevision.referenceSame', { reference: fsn.reference })} · ${status}`];
  else facts.push([translate(locale, 'fsnRevision.reference'), `${fsn.reference} · ${status}`]);
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
