import type { timeZonesEn } from './time-zones.en.ts';

/** Deutsche Texte der Zeitzonen der Organisationen (in de.ts zusammengeführt). */
export const timeZonesDe: Record<keyof typeof timeZonesEn, string> = {
  'timeZones.intro':
    'Die Zeitzone jeder Organisation (ein IANA-Name wie Europe/Berlin oder Asia/Shanghai): Nach ihrem „heute“ werden die Daten ihrer Mitarbeitenden geprüft, in ihr endet der Tag einer von ihnen gesetzten Frist, und in ihr werden ihnen Fristen angezeigt.',
  'timeZones.column': 'Zeitzone',
  'timeZones.saveFor': 'Zeitzone von {name} speichern',
  'timeZones.saved': 'Die Zeitzone von {name} ist jetzt {zone}.',
  'timeZones.problem.badZone': '„{zone}“ ist keine Zeitzone: Geben Sie einen IANA-Namen wie Europe/Berlin, Asia/Shanghai oder America/Chicago ein.',
};
