import type { as2En } from './as2.en.ts';

/** Deutsche Texte der Header-Probleme bei AS2-Ablehnungen (RFC 4130), wie problem+json sie formuliert. */
export const as2De: Record<keyof typeof as2En, string> = {
  'as2.problem.missing': '{header} fehlt.',
  'as2.problem.badName': '„{value}“ ist kein AS2-Name (1 bis 128 druckbare US-ASCII-Zeichen, RFC 4130 §6.2).',
  'as2.problem.badMessageId': '„{value}“ ist keine Message-ID (RFC 4130 §5.3.3).',
  'as2.problem.badReceiptUrl': '„{value}“ ist keine absolute http://- oder https://-URL.',
  'as2.problem.badVersion': '„{value}“ ist keine unterstützte AS2-Version (1.0, 1.1 oder 1.2).',
  'as2.problem.notThisGateway': '„{value}“ ist nicht dieses Gateway: Unsere AS2-ID lautet „{ours}“ (exakter Vergleich, einschließlich Groß- und Kleinschreibung).',
  'as2.problem.unknownPartner': '„{value}“ ist nicht die AS2-ID eines Partners dieses Gateways.',
  'as2.problem.receiptUrlNotAllowed': '„{value}“ ist laut Partnerprofil nicht zulässig.',
  'as2.problem.repeatNotAuthenticated': 'Eine Wiederholung der Nachricht „{value}“, die sich nicht authentifiziert.',
};
