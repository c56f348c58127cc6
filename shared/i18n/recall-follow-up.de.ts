import type { recallFollowUpEn } from './recall-follow-up.en.ts';

/** Deutsche Texte der Rückruf-Nachverfolgung: Erinnerungen, Mahnungen und letzte Mahnungen (in de.ts zusammengeführt). */
export const recallFollowUpDe: Record<keyof typeof recallFollowUpEn, string> = {
  'recallFollowUp.subject.reminder': 'Erinnerung: Rückruf {recallNumber}, bitte melden Sie sich bis {deadline} zurück',
  'recallFollowUp.subject.second_notice': 'Zweite Mahnung: Rückruf {recallNumber}, Ihre Rückmeldung war bis {deadline} fällig',
  'recallFollowUp.subject.final_notice': 'LETZTE Mahnung: Rückruf {recallNumber}, noch immer keine Rückmeldung von {distributor}',
  'recallFollowUp.subject.noAddress': 'Rückruf {recallNumber}: {distributor} ist per E-Mail nicht erreichbar ({kind})',
  'recallFollowUp.kind.reminder': 'Erinnerung',
  'recallFollowUp.kind.second_notice': 'zweite Mahnung',
  'recallFollowUp.kind.final_notice': 'letzte Mahnung',
  'recallFollowUp.greeting': 'An {distributor},',
  'recallFollowUp.body.reminder': 'Am {sentOn} haben wir Ihnen die Sicherheitsanweisung im Feld zum Rückruf {recallNumber} gesandt. Ihre Rückmeldung liegt uns noch nicht vor; sie ist bis {deadline} fällig.',
  'recallFollowUp.body.second_notice':
    'Am {sentOn} haben wir Ihnen die Sicherheitsanweisung im Feld zum Rückruf {recallNumber} gesandt. Ihre Rückmeldung war bis {deadline} fällig und hat uns nicht erreicht. Bitte melden Sie sich jetzt zurück: Bis dahin kann niemand bestätigen, dass die betroffenen Produkte außer Gebrauch genommen wurden.',
  'recallFollowUp.body.final_notice':
    'Dies ist die letzte Mahnung zum Rückruf {recallNumber}. Wir haben Ihnen die Sicherheitsanweisung im Feld am {sentOn} gesandt; Ihre Rückmeldung war bis {deadline} fällig und hat uns noch immer nicht erreicht. Bitte melden Sie sich heute zurück. Andernfalls wendet sich die Qualitätssicherung des Herstellers direkt an Ihre Geschäftsleitung.',
  'recallFollowUp.notOpened': 'Die Mitteilung wurde noch nicht geöffnet.',
  'recallFollowUp.missing':
    'Es fehlt noch: Ihre signierte Bestätigung der Mitteilung (auch wenn Sie keines der Produkte mehr besitzen) mit der je Charge erhaltenen, vorhandenen, in Quarantäne genommenen, zurückgesandten, vernichteten und weitergegebenen Menge. Die an Sie gelieferten betroffenen Chargen:',
  'recallFollowUp.lot': '- GTIN {gtin}, Charge {lot}: {quantity} Einheiten geliefert',
  'recallFollowUp.noLot': '(keine Charge)',
  'recallFollowUp.link': 'Mitteilung öffnen und zurückmelden: {url}',
  'recallFollowUp.linkPersonal': 'Dieser Link gilt nur für Ihre Organisation; geben Sie ihn nicht nach außen weiter.',
  'recallFollowUp.copied': 'Kopie an: {addresses}',
  'recallFollowUp.noAddress.body':
    'Bei {distributor} kann niemand zum Rückruf {recallNumber} per E-Mail erreicht werden: Die Organisation hat keinen Rückrufkontakt und keinen Portalbenutzer. Diese {kind} konnte ihr daher nicht gesandt werden. Die Frist für die Rückmeldung ist {deadline}; die Mitteilung wurde am {sentOn} erfasst.',
  'recallFollowUp.noAddress.link': 'Der Link zur Mitteilung, den Sie ihr geben können: {url}',
  'recallFollowUp.noAddress.action':
    'Bitte erreichen Sie sie auf anderem Weg (Telefon, Fax, Brief) und geben Sie ihr den Link zur Mitteilung unten, oder hinterlegen Sie einen Rückrufkontakt für die Organisation. Die an sie gelieferten betroffenen Chargen:',
};
