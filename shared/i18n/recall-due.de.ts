import type { recallDueEn } from './recall-due.en.ts';

/** Deutsche Texte dazu, was die Empfänger eines Rückrufs nach ihrer Rückmeldung noch schulden und bis wann (in de.ts zusammengeführt). */
export const recallDueDe: Record<keyof typeof recallDueEn, string> = {
  'recallDue.deadlineHint': 'Rückmeldungen sind bis zum Ende dieses Tages in {zone} fällig; bis dahin ist der gesamte Lagerbestand zu sperren.',
  'recallDue.actionsDeadline': 'Rücksendung, Vernichtung und Korrektur fällig bis',
  'recallDue.actionsDeadlineHint':
    'Optional: das Ende dieses Tages in {zone}. Leer gelassen: nach der Rückmeldefrist noch einmal die Rückmeldezeit der Risikostufe (5, 10 oder 20 Tage). Wer dann noch zurückgerufene Ware hält, wird gemahnt.',
  'recallDue.problem.actionsBeforeReply': 'Rücksendung und Vernichtung können nicht vor den Rückmeldungen fällig sein: Wählen Sie die Rückmeldefrist oder einen späteren Tag.',
  'recallDue.kind.quarantine_reminder': 'Erinnerung zur Sperrung',
  'recallDue.kind.quarantine_final_notice': 'letzte Mahnung zur Sperrung',
  'recallDue.kind.actions_reminder': 'Erinnerung zur Rücksendung',
  'recallDue.kind.actions_final_notice': 'letzte Mahnung zur Rücksendung',
  'recallDue.subject.quarantine_reminder': 'Rückruf {recallNumber}: Bitte sperren Sie den gesamten Lagerbestand (fällig bis {deadline})',
  'recallDue.subject.quarantine_final_notice': 'LETZTE Mahnung: Rückruf {recallNumber}, {distributor} hat nicht den gesamten Lagerbestand gesperrt',
  'recallDue.subject.actions_reminder': 'Rückruf {recallNumber}: noch zurückgerufene Ware am Lager, die Rücksendung war bis {deadline} fällig',
  'recallDue.subject.actions_final_notice': 'LETZTE Mahnung: Rückruf {recallNumber}, {distributor} hält noch zurückgerufene Ware',
  'recallDue.body.quarantine_reminder':
    'Vielen Dank für Ihre Rückmeldung zum Rückruf {recallNumber}. Sie meldet Lagerbestand, der nicht gesperrt ist; der gesamte Lagerbestand war bis {deadline} zu sperren. Bitte sperren Sie ihn jetzt und senden Sie über den Link unten eine korrigierte Rückmeldung.',
  'recallDue.body.quarantine_final_notice':
    'Dies ist die letzte Mahnung zum Rückruf {recallNumber}: Der gesamte Lagerbestand war bis {deadline} zu sperren, und Ihre letzte Rückmeldung meldet noch ungesperrten Bestand. Solange er nicht gesperrt ist, können betroffene Produkte weiter verwendet werden. Bitte sperren Sie ihn heute und senden Sie eine korrigierte Rückmeldung; andernfalls wendet sich die Qualitätssicherung des Herstellers direkt an Ihre Geschäftsleitung.',
  'recallDue.body.actions_reminder':
    'Vielen Dank für Ihre Rückmeldung zum Rückruf {recallNumber}. Die zurückgerufene Ware war bis {deadline} wie in der Mitteilung verlangt zurückzusenden oder zu vernichten; Ihre letzte Rückmeldung meldet noch Lagerbestand. Bitte schließen Sie dies ab und senden Sie über den Link unten eine korrigierte Rückmeldung mit den zurückgesandten und vernichteten Mengen.',
  'recallDue.body.actions_final_notice':
    'Dies ist die letzte Mahnung zum Rückruf {recallNumber}: Die zurückgerufene Ware war bis {deadline} zurückzusenden oder zu vernichten, und Ihre letzte Rückmeldung meldet noch Lagerbestand. Bitte schließen Sie dies heute ab und senden Sie eine korrigierte Rückmeldung; andernfalls wendet sich die Qualitätssicherung des Herstellers direkt an Ihre Geschäftsleitung.',
  'recallDue.open': 'Noch offen, je Charge, laut Ihrer Rückmeldung vom {repliedOn}:',
  'recallDue.lot.quarantine': '- GTIN {gtin}, Charge {lot}: {onHand} am Lager, {quarantined} gesperrt, {notQuarantined} nicht gesperrt',
  'recallDue.lot.actions': '- GTIN {gtin}, Charge {lot}: noch {onHand} am Lager (davon {quarantined} gesperrt), weder zurückgesandt noch vernichtet',
  'recallDue.noAddress.body':
    '{distributor} hat auf den Rückruf {recallNumber} geantwortet, aber noch nicht erledigt, was bis {deadline} fällig war ({kind}), und niemand dort ist per E-Mail erreichbar. Bitte nehmen Sie auf anderem Weg zu den folgenden Chargen Kontakt auf.',
};
