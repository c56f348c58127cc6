import type { apiOrdersEn } from './api-orders.en.ts';

/** Deutsche Texte dessen, was die Partner-REST-API zu Bestellungen und Rechnungen hinzufügt (in de.ts zusammengeführt). */
export const apiOrdersDe: Record<keyof typeof apiOrdersEn, string> = {
  'orders.source.api': 'über die REST-API ({number})',
  'orders.problem.linesOnlyWithChange': 'Zeilen nur mit der Antwort „change“ angeben; „accept“ und „reject“ beantworten alle Zeilen der Bestellung.',
};
