/** Deutsche Texte der Bestellungen: eine Bestellung beantworten (in de.ts verteilt; dieselben Schlüssel wie en). */
export const ordersDe = {
  'orders.problem.unknownPurchaseOrder': 'Keine Ihrer Bestellungen: {po}.',
  'orders.problem.orderClosed': 'Die Bestellung {po} ist abgeschlossen oder storniert: Sie kann nicht mehr beantwortet werden.',
  'orders.problem.badStatus': 'Antworten Sie mit angenommen, geändert oder abgelehnt, nicht „{value}“.',
  'orders.problem.noLines': 'Beantworten Sie mindestens eine Position der Bestellung.',
  'orders.problem.unknownPoLine': 'Position {line} ist keine Position der Bestellung {po}.',
  'orders.problem.lineRepeated': 'Position {line} ist zweimal beantwortet.',
  'orders.problem.gtinNotOnLine': 'GTIN {gtin} ist nicht die in Position {line} der Bestellung {po} bestellte ({ordered}).',
  'orders.problem.badQuantity': 'Geben Sie die Menge, die Sie liefern werden, als Zahl an, etwa 150 (nicht „{value}“).',
  'orders.problem.badDate': 'Geben Sie das Lieferdatum als JJJJ-MM-TT an (nicht „{value}“).',
  'orders.problem.changeNeedsValue': 'Die geänderte Position {line} braucht die Menge, die Sie liefern werden, oder das Datum.',
  'orders.problem.noteTooLong': 'Die Anmerkung ist zu lang: höchstens {max} Zeichen.',
  'orders.problem.duplicateResponse': 'Die Antwort {number} wurde bereits erfasst ({receivedAt}): Eine neue Antwort braucht eine neue Nummer.',
} as const;
