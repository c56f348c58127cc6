/** English texts of a returned SCAR step's new due date (issue 18 follow-up; spread into en.ts). */
export const scarSignEn = {
  'scar-sign.newDueDate': 'New due date (optional, when returning)',
  'scar-sign.newDueDate.hint': 'Returning: when the supplier must answer again. Left empty, the step keeps its due date ({date}). The date is part of what you sign.',
} as const;
