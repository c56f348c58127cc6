import type { recallChannelsEn } from './recall-channels.en.ts';

/** Deutsche Texte dazu, wie Rückrufmitteilungen jeden Empfänger erreichen: nachträgliche Empfänger, Kanäle, AS2 (in de.ts zusammengeführt). */
export const recallChannelsDe: Record<keyof typeof recallChannelsEn, string> = {
  'recallChannels.mail.lotsAdded': 'AKTUALISIERUNG: Die folgenden betroffenen Chargen wurden Ihrer Mitteilung zu diesem Rückruf hinzugefügt. Bitte berücksichtigen Sie sie in Ihrer Rückmeldung:',
  'recallChannels.mail.addedLot': '- GTIN {gtin}, Charge {lot}: {quantity} Einheiten',
  'recallChannels.mail.noLot': '(keine Charge)',
  'recallChannels.channel.email': 'E-Mail',
  'recallChannels.channel.as2': 'AS2',
  'recallChannels.channel.portal': 'Portal',
  'recallChannels.sentVia': 'Gesendet über: {channels}',
  'recallChannels.count.as2': 'Über AS2 benachrichtigt',
  'recallDashboard.delivery.as2': 'Über AS2 (EDI)',
  'recallChannels.method.as2': 'die Sicherheitsanweisung im Feld als PDF über AS2 (EDI), mit dem persönlichen Link zur Rückmeldung im Portal',
  'recallChannels.method.portal': 'die Mitteilung auf der Rückrufseite des Händlers im Portal',
  'recallChannels.method.none': 'noch keine',
  'recallChannels.method.count': '{method}: {count} Empfänger',
  'recallChannels.added.noticeSent': '{name} wurde als Empfänger hinzugefügt (Einheiten: {units}) und hat seine Mitteilung erhalten; seine Rückmeldung ist bis {deadline} fällig.',
  'recallChannels.added.noticeUpdated': '{name} wurden Chargen hinzugefügt (Einheiten: {units}); die Mitteilung ging mit den hinzugefügten Chargen erneut hinaus.',
  'recallChannels.add.openIntro': 'Die Mitteilungen sind versandt: Ein jetzt hinzugefügter Händler erhält seine Mitteilung sofort, mit eigener Rückmeldefrist; einer, der bereits eine Mitteilung hat, erhält sie erneut mit den hinzugefügten Chargen.',
  'recallChannels.problem.recallClosed': 'Dieser Rückruf ist abgeschlossen: Es können keine Empfänger mehr hinzugefügt werden.',
  'recallChannels.problem.recordsAltered': 'Aufzeichnungen dieses Rückrufs wurden nach ihrer Erfassung verändert: Bis das geklärt ist, geht keine Mitteilung hinaus.',
};
