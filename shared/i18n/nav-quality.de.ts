import type { navQualityEn } from './nav-quality.en.ts';

/** Deutsche Texte der Kopfzeilen-Gruppe Lieferantenqualität (Issue 18, in de.ts zusammengeführt). */
export const navQualityDe: Record<keyof typeof navQualityEn, string> = {
  'navQuality.group': 'Lieferantenqualität',
  'navQuality.groupSupplier': 'Qualität',
  'navQuality.approvals': 'Zugelassene Lieferanten',
  'navQuality.ownApprovals': 'Unsere Zulassungen',
  'navQuality.scars': 'Korrekturmaßnahmen (SCAR)',
  'navQuality.scorecards': 'Lieferantenbewertungen',
  'navQuality.ownScorecard': 'Unsere Bewertung',
};
