// The SCAR's mails: to the supplier's users, or to manufacturer QA, each in the language the
// person last chose (English when none is known), queued in the caller's transaction.
import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import { isLocale, translate, type Locale, type MessageKey } from '../i18n/index.ts';
import { queueMails, type MailPurpose } from '../mail/queue-mail.ts';

export type ScarMailText = 'opened' | 'submitted' | 'accepted' | 'returned' | 'notEffective' | 'closed' | 'cancelled' | 'reminder' | 'escalation';

/** Who is mailed: the supplier's users, named users (the QA who opened it), or every QA of an organisation. */
export type ScarRecipients = { supplier: string } | { users: string[] } | { qaOf: string };

export interface ScarMail {
  purpose: MailPurpose;
  text: ScarMailText;
  scar: { id: string; number: string; supplierId: string };
  to: ScarRecipients[];
  /** The catalogue text's values in the recipient's language (a step's or severity's name is worded per language). */
  params: (locale: Locale) => Record<string, string | number>;
  portalUrl?: string;
}

/** The words of a step or severity in a language. */
export function scarTerm(locale: Locale, key: `scar-rules.${'step' | 'severity' | 'link'}.${string}`): string {
  return translate(locale, key as MessageKey);
}

async function recipients(tx: Tx, to: ScarRecipients): Promise<{ email: string; locale: string | null }[]> {
  const person = "u.disabled_at IS NULL AND u.kind = 'person'";
  if ('supplier' in to) {
    return tx.all(
      `SELECT u.email, u.locale FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.organisation_id = ? AND m.role = 'supplier_user' AND ${person}`,
      [to.supplier],
    );
  }
  if ('qaOf' in to) {
    return tx.all(
      `SELECT u.email, u.locale FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.organisation_id = ? AND m.role = 'manufacturer_qa' AND ${person}`,
      [to.qaOf],
    );
  }
  if (to.users.length === 0) return [];
  return tx.all(`SELECT u.email, u.locale FROM users u WHERE u.id IN (${to.users.map(() => '?').join(', ')}) AND ${person}`, to.users);
}

/** Queues the mail to every recipient once (a person in two groups gets one); returns their addresses. */
export async function queueScarMails(tx: Tx, clock: Clock, mail: ScarMail): Promise<{ recipients: string[]; mailIds: string[] }> {
  const people = new Map<string, string | null>();
  for (const group of mail.to) for (const p of await recipients(tx, group)) if (!people.has(p.email)) people.set(p.email, p.locale);
  const emails = [...people.keys()].sort();
  const base = mail.portalUrl?.replace(/\/$/, '');
  const mailIds = await queueMails(
    tx,
    clock,
    emails.map((email) => {
      const stored = people.get(email);
      const locale: Locale = isLocale(stored) ? stored : 'en';
      const params = mail.params(locale);
      const lines = [translate(locale, `scar-rules.mail.${mail.text}.body` as MessageKey, params)];
      if (base) lines.push(translate(locale, 'scar-rules.mail.link', { url: `${base}/scars/${mail.scar.id}` }));
      lines.push(translate(locale, 'mail.footer'));
      return {
        to: email,
        subject: translate(locale, `scar-rules.mail.${mail.text}.subject` as MessageKey, params),
        text: lines.join('\n\n'),
        locale,
        purpose: mail.purpose,
        organisationId: mail.scar.supplierId,
        entity: { type: 'scar', id: mail.scar.id },
      };
    }),
  );
  return { recipients: emails, mailIds };
}
