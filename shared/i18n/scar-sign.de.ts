import type { scarSignEn } from './scar-sign.en.ts';

/** Deutsche Texte des neuen Fälligkeitsdatums eines zurückgewiesenen SCAR-Schritts (Issue 18, Folgearbeit; in de.ts zusammengeführt). */
export const scarSignDe: Record<keyof typeof scarSignEn, string> = {
  'scar-sign.newDueDate': 'Neues Fälligkeitsdatum (optional, beim Zurückweisen)',
  'scar-sign.newDueDate.hint': 'Beim Zurückweisen: bis wann der Lieferant erneut antworten muss. Leer bleibt das Fälligkeitsdatum des Schritts ({date}). Das Datum ist Teil dessen, was Sie signieren.',
};
