import type { recallStockEn } from './recall-stock.en.ts';

/** Der von Ihrem eigenen System (REST-API) gemeldete Bestand, wie die Rückmeldeseite ihn zeigt (in de.ts zusammengeführt). */
export const recallStockDe: Record<keyof typeof recallStockEn, string> = {
  'recallStock.reported': 'Ihr System hat diesen Bestand am {reportedAt} gemeldet (Meldung {version}): „Jetzt vorhanden“ und „In Quarantäne“ unten gehen davon aus. Prüfen Sie jede Zahl, bevor Sie unterschreiben.',
};
