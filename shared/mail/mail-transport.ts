/**
 * How a composed message leaves the process (`MAIL_TRANSPORT`): SMTP (Node only, nodemailer),
 * an HTTP mail API (Resend's JSON shape, over fetch: Node and Workers) or Cloudflare's
 * `send_email` binding (Workers). The mail sender hands every transport the same message.
 */
import { ConfigError, type Config } from '../config.ts';
import { smtpTransport } from '#runtime/smtp-transport';
import { httpMailTransport } from './http-mail-transport.ts';
import { sendEmailTransport, type SendEmailDeps } from './send-email-transport.ts';

/** One message as it is sent: the queue's row opened, its attachments rendered. */
export interface ComposedMail {
  /** The queue's id (mail_messages.id): the same on every retry of this message. */
  id: string;
  from: string;
  to: string;
  cc: string[];
  subject: string;
  text: string;
  html?: string;
  attachments: { filename: string; content: Uint8Array; contentType: string }[];
}

export interface MailTransport {
  /**
   * Sends one message; resolves with what the service answered (its message id, recipients it
   * refused while taking the others), rejects when it was not taken (the sender retries).
   */
  send(mail: ComposedMail): Promise<{ messageId: string | null; rejected: string[] }>;
  close(): void;
}

/** Makes an SMTP transport from an smtp:// or smtps:// URL (on Workers: refused, there is no SMTP). */
export type SmtpTransportFactory = (url: string) => MailTransport;

/**
 * The configured transport, or null when mail is kept for administrators to read (smtp without
 * SMTP_URL). `send_email` needs the Worker's binding, which only the Worker entry has.
 */
export function createMailTransport(mail: Config['mail'], deps: { sendEmail?: SendEmailDeps; fetch?: typeof fetch } = {}): MailTransport | null {
  switch (mail.transport) {
    case 'smtp':
      return mail.smtpUrl ? smtpTransport(mail.smtpUrl) : null;
    case 'http':
      return httpMailTransport(mail.api!, deps.fetch);
    case 'send_email':
      if (!deps.sendEmail) throw new ConfigError('MAIL_TRANSPORT=send_email needs the send_email binding (a Worker with [[send_email]] in wrangler.toml)');
      return sendEmailTransport(deps.sendEmail);
  }
}
