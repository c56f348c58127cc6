/** English messages of the organisation page: members and recall contacts (spread into en.ts; zh-CN has the same keys). */
export const organisationsEn = {
  'org.members': 'Members',
  'org.name': 'Name',
  'org.email': 'E-mail address',
  'org.role': 'Role',
  'org.recallContacts': 'Recall contacts',
  'org.recallContacts.intro': 'Recall notices go to the recall contact; without one, to every distributor user of this organisation. The escalation contact is copied on final notices when a reply is overdue.',
  'org.recallContact': 'Recall contact (e-mail)',
  'org.escalationContact': 'Escalation contact (e-mail)',
  'org.recallContacts.save': 'Save the contacts',
  'org.recallContacts.saved': 'The recall contacts were saved.',
  'organisations.problem.badContactEmail': 'Enter an e-mail address, or leave the field empty.',
  'organisations.problem.nameAmbiguous': 'More than one organisation is named “{name}”: name it by its id.',
} as const;
