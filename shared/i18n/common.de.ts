import type { commonEn } from './common.en.ts';

/** Deutsche Texte, die alle Funktionen teilen, und die Probleme der signierten ERP-Webhooks (in de.ts zusammengeführt). */
export const commonDe: Record<keyof typeof commonEn, string> = {
  'common.problem.required': 'Pflichtfeld.',
  'common.problem.badEmail': 'Geben Sie eine E-Mail-Adresse ein, z. B. name@example.com.',
  'common.problem.tooLong': 'Zu lang: höchstens {max} Zeichen.',
  'common.problem.tooShort': 'Zu kurz: mindestens {min} Zeichen.',
  'common.problem.badGtin': 'Keine gültige GTIN (Länge oder Prüfziffer).',
  'common.problem.badDate': 'Geben Sie ein Datum ein (JJJJ-MM-TT).',

  'events.problem.unknownField': 'Kein bekanntes Feld.',
  'events.problem.oneRequired': 'Geben Sie mindestens eines an: {fields}.',
  'events.problem.oneOf': 'Muss einer der folgenden Werte sein: {allowed}.',
  'events.problem.type': 'Muss vom Typ {type} sein.',
  'events.problem.format': 'Muss ein gültiges {format} sein.',
  'events.problem.pattern': 'Hat nicht die erwartete Form.',
  'events.problem.tooSmall': 'Muss mindestens {min} sein.',
  'events.problem.tooLarge': 'Darf höchstens {max} sein.',
  'events.problem.tooFewItems': 'Braucht mindestens {min} Einträge.',
  'events.problem.tooManyItems': 'Nimmt höchstens {max} Einträge an.',
  'events.problem.invalid': 'Nicht gültig ({keyword}).',
  'events.problem.unknownType': 'Unbekannter Ereignistyp; bekannte Typen: {known}.',

  'erp.problem.unknownErpId': 'Keine Organisation hat die ERP-ID {erpId}; legen Sie sie zuerst an.',
  'erp.problem.wrongKind': 'Die ERP-ID {erpId} gehört zu einer Organisation der Art {kind}, erwartet wird {expected}.',
  'erp.problem.alreadyRecorded': 'Bereits erfasst als {id}.',
  'erp.problem.serialCount': '{serials} Seriennummern für eine Menge von {quantity}.',
  'erp.problem.lineNumbersRepeat': 'Jede lineNumber muss eindeutig sein.',
  'mail.footer': 'Diese Nachricht wurde automatisch von Lotbridge versandt. Bitte antworten Sie nicht darauf.',
  'common.errorSummary.title': 'Es gibt ein Problem',
  'common.errorSummary.item': '{field}: {problem}',
};
