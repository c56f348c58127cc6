import { EmailMessage } from 'cloudflare:email';
import type { AppContext } from '../shared/context.ts';
import { createBackgroundWork, type BackgroundWork } from '../shared/scheduling/background-work.ts';
import { createMailTransport } from '../shared/mail/mail-transport.ts';

/**
 * Every background worker of Lotbridge (shared/scheduling/background-work.ts) as the Worker runs
 * them: one pass at a time (runOnce), from the Cron Trigger and from the Durable Object's alarm,
 * never on timers. Mail leaves through MAIL_TRANSPORT: the HTTP mail API or the SEND_EMAIL
 * binding (there is no SMTP on Workers); webhooks and AS2 over fetch (#runtime splits).
 */
export function workersBackground(app: AppContext, env: Cloudflare.Env): BackgroundWork {
  const sendEmail = env.SEND_EMAIL ? { binding: env.SEND_EMAIL, EmailMessage } : undefined;
  return createBackgroundWork(app, {
    portalUrl: app.config.publicUrl?.origin ?? 'http://localhost:8787',
    mailTransport: createMailTransport(app.config.mail, { sendEmail }),
  });
}
