import type { credentialsEn } from './credentials.en.ts';

/** Zugangsdaten: Bestätigen, dass Sie es sind, bevor sich ein Passkey ändert, die Mails dazu, Drosselung von Anmeldungen, Entsperren. */
export const credentialsDe: Record<keyof typeof credentialsEn, string> = {
  'credentialMail.method.password': 'Ihrem Passwort',
  'credentialMail.method.passkey': 'einem vorhandenen Passkey',
  'credentialMail.added.subject': 'Ihrem Lotbridge-Konto wurde ein Passkey hinzugefügt',
  'credentialMail.added.body':
    'Guten Tag {name},\n\nder Passkey „{passkey}“ wurde am {time} Ihrem Lotbridge-Konto {email} hinzugefügt, bestätigt mit {method}. Mit ihm kann man sich bei Ihrem Konto anmelden und Datensätze in Ihrem Namen elektronisch signieren.\n\nWenn Sie das nicht waren, entfernen Sie den Passkey sofort auf der Seite „Passkeys“, ändern Sie Ihr Passwort und informieren Sie Ihren Administrator: Möglicherweise verwendet jemand Ihr Konto.',
  'credentialMail.removed.subject': 'Aus Ihrem Lotbridge-Konto wurde ein Passkey entfernt',
  'credentialMail.removed.body':
    'Guten Tag {name},\n\nder Passkey „{passkey}“ wurde am {time} aus Ihrem Lotbridge-Konto {email} entfernt, bestätigt mit {method}.\n\nWenn Sie das nicht waren, ändern Sie Ihr Passwort und informieren Sie Ihren Administrator: Möglicherweise verwendet jemand Ihr Konto.',
  'passkeys.confirm.heading': 'Bestätigen Sie, dass Sie es sind',
  'passkeys.confirm.intro': 'Zum Hinzufügen oder Entfernen eines Passkeys ist jedes Mal Ihr aktuelles Passwort oder einer Ihrer Passkeys erforderlich.',
  'passkeys.confirm.with': 'Bestätigen mit',
  'passkeys.confirm.password': 'Ihr aktuelles Passwort',
  'passkeys.confirm.usePassword': 'meinem Passwort',
  'passkeys.confirm.usePasskey': 'einem meiner Passkeys',
  'passkeys.removeFailed': 'Der Passkey wurde nicht entfernt: {reason}',
  'error.too_many_attempts': 'Zu viele fehlgeschlagene Anmeldungen aus Ihrem Netzwerk. Versuchen Sie es nach {time} UTC erneut.',
  'unlock.heading': 'Gesperrte Konten',
  'unlock.none': 'Kein Konto ist gesperrt.',
  'unlock.lockedUntil': '{email} ({organisation}) ist bis {time} UTC gesperrt.',
  'unlock.button': 'Entsperren',
  'unlock.buttonLabel': '{email} entsperren',
  'unlock.done': '{email} wurde entsperrt.',
};
