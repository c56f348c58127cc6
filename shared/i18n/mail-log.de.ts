import type { mailLogEn } from './mail-log.en.ts';

/** Deutsche Texte des Mail-Protokolls. */
export const mailLogDe: Record<keyof typeof mailLogEn, string> = {
  'nav.mail': 'Mail-Protokoll',
  'mailLog.title': 'Mail-Protokoll',
  'mailLog.intro': 'Jede Nachricht, die Lotbridge in die Warteschlange gestellt hat, die neueste zuerst. Ohne SMTP-Server (SMTP_URL) werden Nachrichten hier aufbewahrt statt versendet, damit Sie lesen können, was verschickt worden wäre.',
  'mailLog.filter.state': 'Status',
  'mailLog.filter.any': 'Alle Status',
  'mailLog.apply': 'Anwenden',
  'mailLog.state.queued': 'in Warteschlange',
  'mailLog.state.sent': 'gesendet',
  'mailLog.state.kept': 'aufbewahrt (kein SMTP-Server)',
  'mailLog.state.failed': 'fehlgeschlagen',
  'mailLog.none': 'Keine Nachrichten.',
  'mailLog.caption': 'Nachrichten: {total}',
  'mailLog.col.to': 'An',
  'mailLog.col.subject': 'Betreff',
  'mailLog.col.purpose': 'Zweck',
  'mailLog.col.state': 'Status',
  'mailLog.col.attempts': 'Versuche',
  'mailLog.col.created': 'Eingereiht (UTC)',
  'mailLog.col.sent': 'Gesendet (UTC)',
  'mailLog.lastError': 'Letzter Fehler: {error}',
  'mailLog.text': 'Volltext',
  'mailLog.paging': 'Seiten des Mail-Protokolls',
};
