import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import type { Locale } from '../i18n/index.ts';
import type { mailLogEn } from '../i18n/mail-log.en.ts';
import { newId } from '../ids.ts';
import { wakeMailSender } from './mail-wake-up.ts';
import { sealMailBody } from './mail-body.ts';

/** Every purpose a message may have, from its readable names (`mailLog.purpose.<purpose>`): a new purpose without one does not compile. */
export type MailPurpose = Extract<keyof typeof mailLogEn, `mailLog.purpose.${string}`> extends `mailLog.purpose.${infer P}` ? P : never;

export interface OutgoingMail {
  to: string;
  cc?: string[];
  subject: string;
  text: string;
  locale: Locale;
  /** What the message is for, e.g. certificate.expiry_reminder (the mail log words it). */
  purpose: MailPurpose;
  organisationId: string | null;
  entity?: { type: string; id: string };
  /** Files rendered when the message is sent (see MailSenderOptions.renderAttachment). */
  attachments?: MailAttachmentRef[];
}

/** A file to attach, named by what renders it: e.g. { kind: 'recall-notice-pdf', ref: {…} }. */
export interface MailAttachmentRef {
  kind: string;
  ref: Record<string, string>;
}

/**
 * Queues a message inside the caller's transaction: it exists exactly when what caused it
 * does, and the mail sender delivers it after commit (or keeps it when no SMTP is configured).
 */
export async function queueMail(tx: Tx, clock: Clock, mail: OutgoingMail): Promise<string> {
  return (await queueMails(tx, clock, [mail]))[0]!;
}

/** Many messages in one statement (a recall's release mails thousands of consignees). */
export async function queueMails(tx: Tx, clock: Clock, mails: OutgoingMail[]): Promise<string[]> {
  if (mails.length === 0) return [];
  const now = clock.now().toISOString();
  const rows = mails.map((m) => {
    const id = newId('mail');
    return {
      id,
      to: m.to,
      cc: JSON.stringify(m.cc ?? []),
      subject: m.subject,
      // Sealed: the text carries live links and codes (see mail-body.ts).
      text: sealMailBody(tx.keys, id, m.text),
      locale: m.locale,
      purpose: m.purpose,
      organisationId: m.organisationId,
      entityType: m.entity?.type ?? null,
      entityId: m.entity?.id ?? null,
      attachments: JSON.stringify(m.attachments ?? []),
    };
  });
  await tx.run(
    `INSERT INTO mail_messages (id, to_address, cc_addresses, subject, text_body, locale, purpose, organisation_id, entity_type, entity_id, attachments, state, next_attempt_at, created_at)
     SELECT m.value ->> '$.id', m.value ->> '$.to', m.value ->> '$.cc', m.value ->> '$.subject', m.value ->> '$.text', m.value ->> '$.locale', m.value ->> '$.purpose',
            m.value ->> '$.organisationId', m.value ->> '$.entityType', m.value ->> '$.entityId', m.value ->> '$.attachments', 'queued', ?, ?
     FROM json_each(?) AS m ORDER BY m.key`,
    [now, now, JSON.stringify(rows)],
  );
  tx.afterCommit(wakeMailSender);
  return rows.map((r) => r.id);
}
