import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import type { Locale } from '../i18n/index.ts';
import { newId } from '../ids.ts';
import { wakeMailSender } from './mail-wake-up.ts';

export interface OutgoingMail {
  to: string;
  cc?: string[];
  subject: string;
  text: string;
  locale: Locale;
  /** What the message is for, e.g. certificate.expiry_reminder. */
  purpose: string;
  organisationId: string | null;
  entity?: { type: string; id: string };
}

/**
 * Queues a message inside the caller's transaction: it exists exactly when what caused it
 * does, and the mail sender delivers it after commit (or keeps it when no SMTP is configured).
 */
export async function queueMail(tx: Tx, clock: Clock, mail: OutgoingMail): Promise<string> {
  const id = newId('mail');
  const now = clock.now().toISOString();
  await tx.run(
    `INSERT INTO mail_messages (id, to_address, cc_addresses, subject, text_body, locale, purpose, organisation_id, entity_type, entity_id, state, next_attempt_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)`,
    [id, mail.to, JSON.stringify(mail.cc ?? []), mail.subject, mail.text, mail.locale, mail.purpose, mail.organisationId, mail.entity?.type ?? null, mail.entity?.id ?? null, now, now],
  );
  tx.afterCommit(wakeMailSender);
  return id;
}
