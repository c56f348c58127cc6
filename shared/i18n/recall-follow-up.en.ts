/** English messages of the recall follow-up (spread into en.ts; zh-CN has the same keys). */
export const recallFollowUpEn = {
  'recallFollowUp.subject.reminder': 'Reminder: recall {recallNumber}, please reply by {deadline}',
  'recallFollowUp.subject.second_notice': 'Second notice: recall {recallNumber}, your reply was due by {deadline}',
  'recallFollowUp.subject.final_notice': 'FINAL notice: recall {recallNumber}, still no reply from {distributor}',
  'recallFollowUp.subject.noAddress': 'Recall {recallNumber}: {distributor} cannot be reached by e-mail ({kind})',
  'recallFollowUp.kind.reminder': 'reminder',
  'recallFollowUp.kind.second_notice': 'second notice',
  'recallFollowUp.kind.final_notice': 'final notice',
  'recallFollowUp.greeting': 'To {distributor},',
  'recallFollowUp.body.reminder': 'On {sentOn} we sent you the field safety notice of recall {recallNumber}. We have not received your reply yet; it is due by {deadline}.',
  'recallFollowUp.body.second_notice':
    'On {sentOn} we sent you the field safety notice of recall {recallNumber}. Your reply was due by {deadline} and has not reached us. Please reply now: until you do, nobody can confirm that the affected devices have been taken out of use.',
  'recallFollowUp.body.final_notice':
    'This is the final notice of recall {recallNumber}. We sent you the field safety notice on {sentOn}; your reply was due by {deadline} and has still not reached us. Please reply today. Otherwise the manufacturer’s quality assurance will contact your management directly.',
  'recallFollowUp.notOpened': 'The notice has not been opened yet.',
  'recallFollowUp.missing':
    'Still missing: your signed acknowledgement of the notice (also if you no longer hold any of the devices), reporting per lot the quantity received, on hand, quarantined, returned, destroyed and passed on. The affected lots shipped to you:',
  'recallFollowUp.lot': '- GTIN {gtin}, lot {lot}: {quantity} units shipped',
  'recallFollowUp.noLot': '(no lot)',
  'recallFollowUp.link': 'Open the notice and reply: {url}',
  'recallFollowUp.linkPersonal': 'This link is personal to your organisation; do not forward it outside it.',
  'recallFollowUp.copied': 'Copy to: {addresses}',
  'recallFollowUp.noAddress.body':
    'Nobody at {distributor} can be e-mailed about recall {recallNumber}: the organisation has no recall contact and no portal user. This {kind} could therefore not be sent to them. The reply deadline is {deadline}; the notice was recorded on {sentOn}.',
  'recallFollowUp.noAddress.link': 'The notice link to give them: {url}',
  'recallFollowUp.noAddress.action':
    'Please reach them another way (telephone, fax, letter) and give them the notice link below, or record a recall contact for the organisation. The affected lots shipped to them:',
} as const;
