/** English messages of what a recall's consignees owe after replying and when (spread into en.ts; zh-CN and de have the same keys). */
export const recallDueEn = {
  'recallDue.deadlineHint': 'Replies are due by the end of this day in {zone}; stock on hand is to be quarantined by then.',
  'recallDue.actionsDeadline': 'Returns, destruction and corrections due by',
  'recallDue.actionsDeadlineHint':
    'Optional: the end of this day in {zone}. Left empty: the reply time of the severity again after the reply deadline (5, 10 or 20 days). Consignees still holding recalled stock then are followed up.',
  'recallDue.problem.actionsBeforeReply': 'Returns and destruction cannot be due before the replies: choose the reply deadline or a later day.',
  'recallDue.kind.quarantine_reminder': 'quarantine reminder',
  'recallDue.kind.quarantine_final_notice': 'final notice on quarantine',
  'recallDue.kind.actions_reminder': 'returns reminder',
  'recallDue.kind.actions_final_notice': 'final notice on returns',
  'recallDue.subject.quarantine_reminder': 'Recall {recallNumber}: please quarantine all stock on hand (due by {deadline})',
  'recallDue.subject.quarantine_final_notice': 'FINAL notice: recall {recallNumber}, {distributor} has not quarantined all stock on hand',
  'recallDue.subject.actions_reminder': 'Recall {recallNumber}: recalled stock still on hand, returns were due by {deadline}',
  'recallDue.subject.actions_final_notice': 'FINAL notice: recall {recallNumber}, {distributor} still holds recalled stock',
  'recallDue.body.quarantine_reminder':
    'Thank you for your reply to recall {recallNumber}. It reports stock on hand that is not quarantined, and all stock on hand was to be quarantined by {deadline}. Please quarantine it now and send a corrected reply through the link below.',
  'recallDue.body.quarantine_final_notice':
    'This is the final notice of recall {recallNumber}: all stock on hand was to be quarantined by {deadline}, and your latest reply still reports stock that is not. Until it is, affected devices may still be used. Please quarantine it today and send a corrected reply; otherwise the manufacturer’s quality assurance will contact your management directly.',
  'recallDue.body.actions_reminder':
    'Thank you for your reply to recall {recallNumber}. The recalled stock was to be returned or destroyed as the notice asks by {deadline}; your latest reply still reports stock on hand. Please complete this and send a corrected reply through the link below with the quantities returned and destroyed.',
  'recallDue.body.actions_final_notice':
    'This is the final notice of recall {recallNumber}: the recalled stock was to be returned or destroyed by {deadline}, and your latest reply still reports stock on hand. Please complete it today and send a corrected reply; otherwise the manufacturer’s quality assurance will contact your management directly.',
  'recallDue.open': 'Still open, per lot, from your reply of {repliedOn}:',
  'recallDue.lot.quarantine': '- GTIN {gtin}, lot {lot}: {onHand} on hand, {quarantined} quarantined, {notQuarantined} not quarantined',
  'recallDue.lot.actions': '- GTIN {gtin}, lot {lot}: {onHand} still on hand ({quarantined} of them quarantined), not returned or destroyed',
  'recallDue.noAddress.body':
    '{distributor} replied to recall {recallNumber} but has not completed what was due by {deadline} ({kind}), and nobody there can be reached by e-mail. Please contact it another way about the lots below.',
} as const;
