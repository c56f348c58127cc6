import type { homeEn } from './home.en.ts';

/** Deutsche Texte der Startseite (in de.ts zusammengeführt). */
export const homeDe: Record<keyof typeof homeEn, string> = {
  'home.title': 'Willkommen, {name}',
  'home.signedInAs': 'Angemeldet als {email}',
  'home.organisation': 'Organisation',
  'home.kind': 'Art',
  'home.role': 'Ihre Rolle',
  'home.method': 'Angemeldet mit',
  'home.method.password': 'Passwort',
  'home.method.passkey': 'Passkey',
  'home.sessionEnds': 'Zu Ihrer Sicherheit werden Sie nach {minutes} Minuten ohne Aktivität abgemeldet.',
  'home.alerts': 'Sicherheitswarnungen (letzte 7 Tage)',
  'home.alerts.none': 'Es wurden keine Konten gesperrt.',
  'home.alerts.locked': '{email} wurde um {time} UTC nach wiederholt fehlgeschlagenen Anmeldungen gesperrt.',
  'home.erp': 'ERP-Anbindung',
  'home.erp.link': 'ERP-Webhook-Endpunkte verwalten',
  'home.erp.deliveries': 'Zustellprotokoll öffnen',
  'home.erp.summary': 'Endpunkte: {endpoints}. Ausstehende Zustellungen: {pending}.',
  'home.erp.exhausted': 'Zustellungen, die nach allen Wiederholungen aufgegeben wurden: {count}.',
  'home.erp.waiting': 'Es ist kein ERP-Endpunkt eingerichtet. Wartende Ereignisse: {count}.',
  'home.mail.link': 'Mailprotokoll lesen',
};
