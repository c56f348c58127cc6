import type { organisationsEn } from './organisations.en.ts';

/** Deutsche Texte der Organisationsseite: Mitglieder, Rückrufkontakte und Sprache (in de.ts zusammengeführt). */
export const organisationsDe: Record<keyof typeof organisationsEn, string> = {
  'org.members': 'Mitglieder',
  'org.name': 'Name',
  'org.email': 'E-Mail-Adresse',
  'org.role': 'Rolle',
  'org.recallContacts': 'Rückrufkontakte',
  'org.recallContacts.intro': 'Rückrufmitteilungen gehen an den Rückrufkontakt; ohne ihn an jeden Händler-Benutzer dieser Organisation. Der Eskalationskontakt erhält eine Kopie der letzten Mahnungen, wenn eine Rückmeldung überfällig ist.',
  'org.recallContact': 'Rückrufkontakt (E-Mail)',
  'org.escalationContact': 'Eskalationskontakt (E-Mail)',
  'org.recallContacts.save': 'Kontakte speichern',
  'org.recallContacts.saved': 'Die Rückrufkontakte wurden gespeichert.',
  'org.language': 'Sprache',
  'org.language.intro': 'Die Sprache, in der jede Organisation ihre Rückrufmitteilungen, Erinnerungen und Empfangsbestätigungen zuerst erhält (weitere Sprachen der Mitteilung eines Rückrufs folgen).',
  'org.language.save': 'Speichern',
  'org.language.saveFor': 'Sprache von {name} speichern',
  'org.language.saved': 'Die Sprache von {name} wurde gespeichert.',
  'organisations.problem.badLanguage': 'Wählen Sie eine der angebotenen Sprachen.',
  'organisations.problem.badContactEmail': 'Geben Sie eine E-Mail-Adresse ein oder lassen Sie das Feld leer.',
  'organisations.problem.nameAmbiguous': 'Mehr als eine Organisation heißt „{name}“: Nennen Sie sie über ihre ID.',
};
