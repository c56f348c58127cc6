import type { trustHttpEn } from './trust-http.en.ts';

/** Deutsche Texte der HTTP-Härtung: von Administratoren eingegebene URLs im eigenen Netz, Links, die wir versenden. */
export const trustHttpDe: Record<keyof typeof trustHttpEn, string> = {
  'endpoints.internal.label': 'Interner Endpunkt: Diese Adresse liegt in unserem eigenen Netzwerk',
  'endpoints.internal.hint':
    'Loopback-, private, Link-Local- und Unique-Local-Adressen (etwa 127.0.0.1, 10.x.x.x, 192.168.x.x, 169.254.x.x, fd00::) werden abgelehnt, sofern Sie dieses Kästchen nicht ankreuzen. Lotbridge prüft die Adresse bei jeder Zustellung erneut.',
  'endpoints.internal.badge': 'intern',
  'endpoints.internal.term': 'In unserem Netzwerk',
  'endpoints.internal.yes': 'Ja: Er darf unter einer Loopback- oder privaten Adresse liegen.',
  'endpoints.internal.no': 'Nein: Loopback- und private Adressen werden abgelehnt.',
  'endpoints.internal.mark': 'Als intern kennzeichnen',
  'endpoints.internal.unmark': 'Als extern kennzeichnen',
  'endpoints.internal.marked': 'Der Endpunkt {url} ist als intern gekennzeichnet.',
  'endpoints.internal.unmarked': 'Der Endpunkt {url} ist als extern gekennzeichnet.',
  'net.problem.internalAddress':
    '{host} ist eine Adresse in einem privaten Netzwerk ({address}). Kreuzen Sie „Interner Endpunkt“ nur an, wenn dieser Endpunkt tatsächlich in unserem eigenen Netzwerk liegt.',
  'recalls.send.noPublicUrl':
    'Links zu Mitteilungen können nicht erstellt werden: Dieses Portal kennt seine öffentliche Adresse nicht. Der Betreiber setzt PUBLIC_URL (zum Beispiel https://portal.example.com) oder TRUST_PROXY=true hinter einem Proxy, der X-Forwarded-Host setzt.',
};
