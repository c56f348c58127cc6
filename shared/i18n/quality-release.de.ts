import type { qualityReleaseEn } from './quality-release.en.ts';

/** Deutsche Texte der Anhänge einer Wareneingangsprüfung und der Passkey-Signatur von Lieferantenqualitäts-Entscheidungen (Issue 18, in de.ts zusammengeführt). */
export const qualityReleaseDe: Record<keyof typeof qualityReleaseEn, string> = {
  'qualityRelease.attachments': 'Anhänge',
  'qualityRelease.attachments.hint': 'Fotos, Messberichte und weitere Aufzeichnungen der Prüfung: PDF, PNG, JPEG oder CSV, höchstens {count} Dateien zu je {max} MB. Ihre Prüfsummen sind Teil dessen, was Sie signieren.',
  'qualityRelease.attachments.caption': 'Der Entscheidung beigefügte Dateien',
  'qualityRelease.attachments.name': 'Datei',
  'qualityRelease.attachments.size': 'Größe',
  'qualityRelease.attachments.kb': '{kb} KB',
  'qualityRelease.attachments.download': '{name} herunterladen',
  'qualityRelease.problem.tooManyFiles': 'Fügen Sie höchstens {max} Dateien bei.',
  'files.problem.notAttachment': 'Diese Datei ist weder ein PDF noch ein PNG- oder JPEG-Foto noch eine CSV-Tabelle (nach ihrem Inhalt beurteilt, nicht nach ihrem Namen).',
  'qualityRelease.orPasskey': 'Oder signieren Sie statt mit dem Passwort mit einem Passkey:',
  'qualityRelease.signWithPasskey': 'Mit Passkey signieren',
  'qualityRelease.passkeyFailed': 'Die Passkey-Signatur wurde nicht abgeschlossen: {reason}',
};
