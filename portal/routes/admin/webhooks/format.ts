// Small helpers shared by the ERP webhook admin pages (client and server). Every time on these
// pages is UTC, as in the audit trail; a date-time typed into a form is read as UTC too.

/** A positive whole number from a form or query field, else null. */
export function positiveInt(value: FormDataEntryValue | string | null | undefined): number | null {
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) return null;
  const n = Number(value);
  return n > 0 ? n : null;
}

