import type { UseCaseContext } from '../context.ts';
import type { AuditActor } from '../audit/entry.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { queueMail } from '../mail/queue-mail.ts';
import { translate, type Locale, type MessageKey } from '../i18n/index.ts';
import { newId } from '../ids.ts';
import { certificateEventData, certificateSelect, toCertificate, type Certificate, type CertificateRow } from './certificate.ts';
import { addDays, daysLeft, dueThreshold, expiredThreshold, expiryHorizonDays, utcDay, type ReminderThreshold } from './expiry.ts';
import { todayIn } from '../time-zone.ts';

/** One reminder that was sent: a row in certificate_reminders, its mail, audit entry and event. */
export interface SentReminder {
  reminderId: string;
  certificateId: string;
  seriesId: string;
  organisationId: string;
  /** 90, 60 or 30 days before expiry, or 0 for the expiry itself. */
  threshold: ReminderThreshold;
  validTo: string;
  /** On the day of sending; negative once expired. */
  daysLeft: number;
  eventType: 'certificate.expiring' | 'certificate.expired';
  recipients: string[];
  mailIds: string[];
}

export interface ExpiryReminderOptions {
  /** The portal's origin (PUBLIC_URL), for a link to the certificate in the mail. */
  portalUrl?: string;
}

/** Lotbridge itself sends reminders: the audit trail names the system, not a user. */
export const reminderActor: AuditActor = { type: 'system', name: 'Lotbridge certificate expiry reminders' };

/** The bilingual reminder: subject in both languages, then the English text, then the Chinese. */
function reminderMail(certificate: Certificate, threshold: ReminderThreshold, left: number, options: ExpiryReminderOptions): { subject: string; text: string } {
  const expired = threshold === expiredThreshold;
  const part = (locale: Locale) => {
    const params = {
      type: translate(locale, `mail.kind.${certificate.type}` as MessageKey),
      number: certificate.number,
      issuer: certificate.issuer,
      supplier: certificate.supplier.name,
      date: certificate.validTo,
      days: left,
    };
    const subject = translate(locale, expired ? 'mail.certificateExpired.subject' : 'mail.certificateExpiring.subject', params);
    const lines = [translate(locale, expired ? 'mail.certificateExpired.body' : 'mail.certificateExpiring.body', params)];
    if (options.portalUrl) lines.push(translate(locale, 'mail.certificateExpiry.link', { url: `${options.portalUrl.replace(/\/$/, '')}/certificates/${certificate.id}` }));
    lines.push(translate(locale, 'mail.footer'));
    return { subject, text: lines.join('\n\n') };
  };
  const en = part('en');
  const zh = part('zh-CN');
  return { subject: `${en.subject} / ${zh.subject}`, text: `${en.text}\n\n----------------------------------------\n简体中文\n\n${zh.text}\n` };
}

/**
 * Sends the certificate expiry reminders that are due at the clock's time: for every approved
 * (current, not superseded) certificate version whose valid_to is at most 90 days away, the
 * most urgent threshold it has reached (90, 60 or 30 days before, or expired) unless that
 * threshold was already sent for this version. Each reminder is ONE transaction: the
 * certificate_reminders row (UNIQUE per version and threshold, so a rerun or a second process
 * sends nothing twice), an e-mail in English and 简体中文 to every active member of the
 * supplier's organisation, the audit entry (system actor) and the certificate.expiring /
 * certificate.expired event. Returns what it sent.
 */
export async function sendExpiryReminders(ctx: UseCaseContext, options: ExpiryReminderOptions = {}): Promise<SentReminder[]> {
  // A day a zone ahead of UTC may already have begun: look one day further than the horizon.
  const candidates = await ctx.db.all<{ id: string; valid_to: string; time_zone: string }>(
    `SELECT c.id, c.valid_to, o.time_zone FROM certificates AS c JOIN organisations AS o ON o.id = c.organisation_id
      WHERE c.state = 'approved' AND c.valid_to <= ? ORDER BY c.valid_to, c.id`,
    [addDays(utcDay(ctx.clock.now()), expiryHorizonDays + 1)],
  );
  const sent: SentReminder[] = [];
  for (const candidate of candidates) {
    // The certificate is valid through its valid_to day where the supplier is: judged by its calendar, not UTC's.
    const left = daysLeft(candidate.valid_to, todayIn(candidate.time_zone, ctx.clock.now()));
    const threshold = dueThreshold(left);
    if (threshold === undefined) continue;
    const already = await ctx.db.get('SELECT id FROM certificate_reminders WHERE certificate_id = ? AND threshold = ?', [candidate.id, threshold]);
    if (already) continue;

    const reminder = await ctx.db.transaction(async (tx): Promise<SentReminder | undefined> => {
      // Under the write lock: still approved (not superseded meanwhile)?
      const row = await tx.get<CertificateRow>(`${certificateSelect} WHERE c.id = ? AND c.state = 'approved'`, [candidate.id]);
      if (!row) return undefined;
      const certificate = toCertificate(row);
      const now = ctx.clock.now().toISOString();
      const members = await tx.all<{ email: string }>(
        "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.organisation_id = ? AND u.disabled_at IS NULL AND u.kind = 'person' ORDER BY u.email",
        [certificate.supplier.organisationId],
      );
      const reminderId = newId('crem');
      // The claim: another run (or process) that got here first leaves nothing to do.
      const claimed = await tx.run(
        `INSERT INTO certificate_reminders (id, certificate_id, organisation_id, threshold, valid_to, days_left, recipients, sent_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (certificate_id, threshold) DO NOTHING`,
        [reminderId, certificate.id, certificate.supplier.organisationId, threshold, certificate.validTo, left, members.length, now],
      );
      if (claimed.changes === 0) return undefined;

      const { subject, text } = reminderMail(certificate, threshold, left, options);
      const mailIds: string[] = [];
      for (const m of members) {
        mailIds.push(
          await queueMail(tx, ctx.clock, {
            to: m.email,
            subject,
            text,
            locale: 'en',
            purpose: 'certificate.expiry_reminder',
            organisationId: certificate.supplier.organisationId,
            entity: { type: 'certificate', id: certificate.id },
          }),
        );
      }
      const eventType = threshold === expiredThreshold ? 'certificate.expired' : 'certificate.expiring';
      const recipients = members.map((m) => m.email);
      await recordAudit(tx, ctx.clock, {
        actor: reminderActor,
        organisationId: certificate.supplier.organisationId,
        action: 'certificate.expiry_reminder',
        entityType: 'certificate',
        entityId: certificate.id,
        newValues: { reminder: reminderId, threshold, validTo: certificate.validTo, daysLeft: left, recipients, mails: mailIds },
        reason: threshold === expiredThreshold ? `expired on ${certificate.validTo}` : `expires on ${certificate.validTo}, ${left} days left (${threshold}-day reminder)`,
        requestId: ctx.requestId,
      });
      await enqueueEvent(tx, ctx.clock, {
        type: eventType,
        aggregateType: 'certificate',
        aggregateId: certificate.seriesId,
        organisationId: certificate.supplier.organisationId,
        data: certificateEventData(
          certificate,
          threshold === expiredThreshold
            ? { daysOverdue: -left, remindedAt: now, recipients: recipients.length }
            : { threshold, daysLeft: left, remindedAt: now, recipients: recipients.length },
        ),
      });
      return {
        reminderId,
        certificateId: certificate.id,
        seriesId: certificate.seriesId,
        organisationId: certificate.supplier.organisationId,
        threshold,
        validTo: certificate.validTo,
        daysLeft: left,
        eventType,
        recipients,
        mailIds,
      };
    });
    if (reminder) sent.push(reminder);
  }
  return sent;
}
