import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import { isLocale, translate, type Locale, type MessageKey } from '../i18n/index.ts';
import { queueMails } from './queue-mail.ts';

/** What happened to a supplier's submission, as its mail's purpose (worded in the mail log as `mailLog.purpose.<purpose>`). */
export type SubmissionMailPurpose = 'certificate.approved' | 'certificate.rejected' | 'invoice.disputed' | 'invoice.paid' | 'lot.rejected';

const keys: Record<SubmissionMailPurpose, { subject: MessageKey; body: MessageKey }> = {
  'certificate.approved': { subject: 'supplierMail.certificateApproved.subject', body: 'supplierMail.certificateApproved.body' },
  'certificate.rejected': { subject: 'supplierMail.certificateRejected.subject', body: 'supplierMail.certificateRejected.body' },
  'invoice.disputed': { subject: 'supplierMail.invoiceDisputed.subject', body: 'supplierMail.invoiceDisputed.body' },
  'invoice.paid': { subject: 'supplierMail.invoicePaid.subject', body: 'supplierMail.invoicePaid.body' },
  'lot.rejected': { subject: 'lotInspection.mail.rejected.subject', body: 'lotInspection.mail.rejected.body' },
};

export interface SubmissionMail {
  purpose: SubmissionMailPurpose;
  /** The supplier whose submission it is: its active users who keep these mails on are mailed. */
  organisationId: string;
  entity: { type: string; id: string };
  /** The values the catalogue text needs, each worded per recipient's language where it is a catalogue key. */
  params: (locale: Locale) => Record<string, string | number>;
  /** The record's page in the portal, e.g. `/certificates/…`; linked when the portal's address is known. */
  path?: string;
  portalUrl?: string;
}

/**
 * Queues the mail about a supplier's submission inside the caller's transaction (it exists
 * exactly when the state change does): one message per active user of the supplier who has
 * not turned these mails off on the account page, each in the language that user last chose
 * (English when none is known). Returns the recipients.
 */
export async function queueSubmissionMails(tx: Tx, clock: Clock, mail: SubmissionMail): Promise<string[]> {
  const users = await tx.all<{ email: string; locale: string | null }>(
    `SELECT u.email, u.locale FROM memberships m JOIN users u ON u.id = m.user_id
      WHERE m.organisation_id = ? AND m.role = 'supplier_user' AND u.disabled_at IS NULL AND u.submission_mail = 1 AND u.kind = 'person'
      ORDER BY u.email`,
    [mail.organisationId],
  );
  const base = mail.portalUrl?.replace(/\/$/, '');
  await queueMails(
    tx,
    clock,
    users.map((u) => {
      const locale: Locale = isLocale(u.locale) ? u.locale : 'en';
      const params = mail.params(locale);
      const lines = [translate(locale, keys[mail.purpose].body, params)];
      if (base && mail.path) lines.push(translate(locale, 'supplierMail.link', { url: `${base}${mail.path}` }));
      lines.push(base ? translate(locale, 'supplierMail.setting', { url: `${base}/account` }) : translate(locale, 'supplierMail.settingNoUrl'));
      lines.push(translate(locale, 'mail.footer'));
      return {
        to: u.email,
        subject: translate(locale, keys[mail.purpose].subject, params),
        text: lines.join('\n\n'),
        locale,
        purpose: mail.purpose,
        organisationId: mail.organisationId,
        entity: mail.entity,
      };
    }),
  );
  return users.map((u) => u.email);
}
