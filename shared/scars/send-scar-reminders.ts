import type { UseCaseContext } from '../context.ts';
import type { AuditActor } from '../audit/entry.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { addDays, daysLeft, utcDay } from '../certificates/expiry.ts';
import { todayIn } from '../time-zone.ts';
import type { ScarStep } from './scar.ts';
import { queueScarMails, scarTerm, type ScarRecipients } from './scar-mail.ts';

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

/** Lotbridge itself reminds and escalates: the audit trail names the system, not a user. */
export const scarReminderActor: AuditActor = { type: 'system', name: 'Lotbridge SCAR reminders' };

/** A step awaits the supplier: never answered, or returned. */
const awaiting = "(st.answer IS NULL AND st.decision IS NULL OR st.decision = 'returned')";

interface Candidate {
  scar_id: string;
  number: string;
  title: string;
  supplier_id: string;
  supplier_name: string;
  time_zone: string;
  opened_by: string;
  manufacturer_id: string | null;
  step: ScarStep;
  due_date: string;
  reminded_at: string | null;
  escalated_at: string | null;
}

/**
 * Reminders before and escalation after due dates, once per step each. A step awaiting the
 * supplier (never answered, or returned) of an open SCAR whose due date is at most
 * `reminderDaysBefore` days away (judged by the supplier's calendar) is reminded to the
 * supplier's users; one whose due date has passed is escalated to the supplier's users, the QA
 * who opened it and the manufacturer's QA. Each notice is one transaction claimed by a guarded
 * UPDATE of reminded_at / escalated_at, so a rerun or a second instance sends nothing twice.
 * Audited (system actor). Returns what it sent.
 */
export async function sendScarReminders(ctx: UseCaseContext, options: ScarReminderOptions = {}): Promise<SentScarNotice[]> {
  // A day a zone ahead of UTC may already have begun: look one day further.
  const horizon = addDays(utcDay(ctx.clock.now()), reminderDaysBefore + 1);
  const candidates = await ctx.db.all<Candidate>(
    `SELECT s.id AS scar_id, s.number, s.title, s.supplier_id, o.name AS supplier_name, o.time_zone, s.opened_by,
            (SELECT m.organisation_id FROM memberships m WHERE m.user_id = s.opened_by LIMIT 1) AS manufacturer_id,
            st.step, st.due_date, st.reminded_at, st.escalated_at
       FROM scar_steps st JOIN scars s ON s.id = st.scar_id JOIN organisations o ON o.id = s.supplier_id
      WHERE s.state = 'open' AND ${awaiting} AND st.due_date <= ? AND (st.reminded_at IS NULL OR st.escalated_at IS NULL)
      ORDER BY st.due_date, s.number, st.step`,
    [horizon],
  );
  const sent: SentScarNotice[] = [];
  for (const c of candidates) {
    const left = daysLeft(c.due_date, todayIn(c.time_zone || 'UTC', ctx.clock.now()));
    const kind = left < 0 ? 'escalation' : left <= reminderDaysBefore ? 'reminder' : undefined;
    if (!kind || (kind === 'reminder' ? c.reminded_at : c.escalated_at)) continue;
    const notice = await ctx.db.transaction(async (tx): Promise<SentScarNotice | undefined> => {
      const now = ctx.clock.now().toISOString();
      const column = kind === 'reminder' ? 'reminded_at' : 'escalated_at';
      // The claim, under the write lock: still open, still awaiting the supplier, not yet sent.
      const claimed = await tx.run(
        `UPDATE scar_steps AS st SET ${column} = ? WHERE st.scar_id = ? AND st.step = ? AND st.${column} IS NULL AND st.due_date = ? AND ${awaiting}
            AND (SELECT state FROM scars WHERE id = st.scar_id) = 'open'`,
        [now, c.scar_id, c.step, c.due_date],
      );
      if (claimed.changes === 0) return undefined;
      const to: ScarRecipients[] = [{ supplier: c.supplier_id }];
      if (kind === 'escalation') {
        to.push({ users: [c.opened_by] });
        if (c.manufacturer_id) to.push({ qaOf: c.manufacturer_id });
      }
      const { recipients, mailIds } = await queueScarMails(tx, ctx.clock, {
        purpose: kind === 'reminder' ? 'scar.reminder' : 'scar.escalation',
        text: kind,
        scar: { id: c.scar_id, number: c.number, supplierId: c.supplier_id },
        to,
        params: (locale) => ({ number: c.number, title: c.title, supplier: c.supplier_name, step: scarTerm(locale, `scar-rules.step.${c.step}`), due: c.due_date, days: left }),
        portalUrl: options.portalUrl,
      });
      await recordAudit(tx, ctx.clock, {
        actor: scarReminderActor,
        organisationId: c.supplier_id,
        action: kind === 'reminder' ? 'scar.reminded' : 'scar.escalated',
        entityType: 'scar',
        entityId: c.scar_id,
        newValues: { step: c.step, dueDate: c.due_date, daysLeft: left, recipients, mails: mailIds },
        reason: kind === 'reminder' ? `${c.step} is due on ${c.due_date}, ${left} days left` : `${c.step} was due on ${c.due_date} and is not answered`,
        requestId: ctx.requestId,
      });
      return { kind, scarId: c.scar_id, number: c.number, step: c.step, dueDate: c.due_date, recipients, mailIds };
    });
    if (notice) sent.push(notice);
  }
  return sent;
}
