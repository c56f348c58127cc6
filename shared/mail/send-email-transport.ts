import { bareAddress, composeMime } from './mime.ts';
import type { MailTransport } from './mail-transport.ts';

/**
 * Cloudflare's `send_email` binding and the `EmailMessage` class of `cloudflare:email`, typed by
 * their shape (only the Worker entry can import `cloudflare:email`; it passes both in).
 */
export interface SendEmailDeps {
  binding: { send(message: never): Promise<unknown> };
  EmailMessage: new (from: string, to: string, raw: string) => unknown;
}

/**
 * Mail through the `send_email` binding: the message composed as raw MIME here (no SMTP, no
 * nodemailer) and sent once per recipient (an EmailMessage has one envelope recipient; the
 * To and Cc headers name them all). Where a recipient is refused after another took the message,
 * the refusal is reported as a refused recipient, as an SMTP server's would be.
 */
export function sendEmailTransport(deps: SendEmailDeps): MailTransport {
  return {
    async send(m) {
      const domain = bareAddress(m.from).split('@')[1] ?? 'lotbridge.invalid';
      const messageId = `${m.id}@${domain}`;
      const raw = composeMime(m, { messageId, at: new Date() });
      const from = bareAddress(m.from);
      const rejected: string[] = [];
      let taken = 0;
      let firstError: unknown;
      for (const to of [m.to, ...m.cc].map(bareAddress)) {
        try {
          await deps.binding.send(new deps.EmailMessage(from, to, raw) as never);
          taken++;
        } catch (e) {
          firstError ??= e;
          rejected.push(to);
        }
      }
      if (taken === 0) throw firstError instanceof Error ? firstError : new Error(String(firstError));
      return { messageId: `<${messageId}>`, rejected };
    },
    close: () => undefined,
  };
}
