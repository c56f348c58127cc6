// The calendar arithmetic of certificate expiry, shared by send-expiry-reminders.ts and
// list-certificate-expiry.ts. A certificate is valid through its `valid_to` day (the reminders judge
// that day where the supplier is, send-expiry-reminders.ts; the list in UTC): it
// has 0 days left on that day and is expired from the next one.

/** Reminder thresholds in days before `valid_to`, the earliest first; 0 is the expiry itself. */
export const reminderThresholds = [90, 60, 30] as const;
export const expiredThreshold = 0;
export type ReminderThreshold = (typeof reminderThresholds)[number] | typeof expiredThreshold;

/** How far ahead the expiry list and the reminders look. */
export const expiryHorizonDays = 90;

const dayMs = 86_400_000;

/** The UTC calendar day of an instant, as YYYY-MM-DD. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** YYYY-MM-DD `days` after (or before, negative) `day`. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + days * dayMs).toISOString().slice(0, 10);
}

/** Whole days from `today` to `validTo`: 0 on the last valid day, negative once expired. */
export function daysLeft(validTo: string, today: string): number {
  return Math.round((Date.parse(`${validTo}T00:00:00.000Z`) - Date.parse(`${today}T00:00:00.000Z`)) / dayMs);
}

/**
 * The most urgent threshold a certificate has reached: 0 once it has expired, else the
 * smallest of 90/60/30 that is not below the days left; undefined while more than 90 days
 * are left. Only this one is sent: a certificate approved 45 days before expiry gets the
 * 60-day reminder, not the 90-day one as well.
 */
export function dueThreshold(left: number): ReminderThreshold | undefined {
  if (left < 0) return expiredThreshold;
  for (const t of [...reminderThresholds].reverse()) if (left <= t) return t;
  return undefined;
}
