import type { recallOnwardLimitsEn } from './recall-onward-limits.en.ts';

/** Deutsche Texte der Grenzen der Weitergabe (Tiefe, Mails pro Tag, nur Namen) und der überarbeiteten Mitteilung an erreichte Kunden (in de.ts zusammengeführt). */
export const recallOnwardLimitsDe: Record<keyof typeof recallOnwardLimitsEn, string> = {
  'onward.problem.notAName': 'Nur ein Name: keine Web- oder E-Mail-Adressen, keine Steuerzeichen.',
  'onward.problem.tooDeep': 'Die Mitteilung wird über höchstens {max} Ebenen weitergegeben: Bitten Sie den Hersteller, Ihre Kunden zu erreichen.',
  'onward.problem.recallMailsPerDay': 'Dieser Rückruf hat heute {max} Mitteilungen an Kunden gesendet: Versuchen Sie es morgen erneut oder wenden Sie sich an den Hersteller.',
  'onward.passOnDeepest': 'Von hier aus kann die Mitteilung nicht weitergegeben werden. Wenn Sie betroffene Produkte an andere geliefert haben, informieren Sie den Hersteller.',
  'onward.revised.body': 'Der Hersteller hat die Sicherheitsmitteilung zum Rückruf {recallNumber}, die {by} an Sie weitergegeben hat, überarbeitet. Öffnen Sie sie, um die Mitteilung in ihrer jetzigen Fassung zu lesen.',
};
