import type { signaturesEn } from './signatures.en.ts';

/** Deutsche Texte der elektronischen Signatur: warum eine Signatur abgelehnt wurde (in de.ts zusammengeführt). */
export const signaturesDe: Record<keyof typeof signaturesEn, string> = {
  'signatures.problem.passwordRequired': 'Geben Sie zum Signieren Ihr Passwort ein.',
  'signatures.problem.wrongPassword': 'Falsches Passwort.',
};
