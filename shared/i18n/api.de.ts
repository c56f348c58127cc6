import type { apiEn } from './api.en.ts';

/** Deutsche Texte der Probleme der Partner-REST-API (/api/v1). */
export const apiDe: Record<keyof typeof apiEn, string> = {
  'api.problem.noScopes': 'Wählen Sie mindestens einen Berechtigungsbereich.',
  'api.problem.tooManyKeys': 'Ihre Organisation hat bereits {max} aktive Schlüssel. Widerrufen Sie zuerst einen, der nicht mehr gebraucht wird.',
  'api.problem.scopeNotAllowed': '„{scope}“ ist kein Berechtigungsbereich für diese Organisation (zulässig: {allowed}).',
  'api.problem.badExpiry': 'Der Schlüssel muss in 1 bis {max} Tagen ablaufen.',
  'api.problem.badCursor': 'Dieser Cursor stammt nicht aus dieser Liste: Beginnen Sie ohne ihn neu.',
  'api.problem.badJson': 'Der Body ist kein gültiges JSON.',
  'api.problem.unknownParameter': 'Unbekannter Parameter.',
  'api.problem.fileRequired': 'Hängen Sie die Datei an.',
  'api.problem.badIdempotencyKey': 'Der Idempotency-Key muss aus 1 bis {max} druckbaren Zeichen bestehen.',
  'api.problem.idempotencyKeyReused': 'Dieser Idempotency-Key wurde für eine andere Anfrage verwendet: Nehmen Sie für eine neue Anfrage einen neuen Schlüssel.',
  'api.problem.idempotencyInProgress': 'Eine Anfrage mit diesem Idempotency-Key wird noch beantwortet: Versuchen Sie es in {seconds} s erneut.',
  'error.payload_too_large': 'Das ist zu groß zum Senden.',
  'error.unsupported_media_type': 'Diese Art von Inhalt wird hier nicht angenommen.',
  'error.rate_limited': 'Zu viele Anfragen. Versuchen Sie es in einer Minute erneut.',
};
