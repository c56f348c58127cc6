import type { Db } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import { onMailSenderWakeUp } from './mail-wake-up.ts';
import type { MailAttachmentRef } from './queue-mail.ts';
import { openMailBody } from './mail-body.ts';
import { smtpTransport } from '#runtime/smtp-transport';
import type { MailTransport } from './mail-transport.ts';

export interface MailSenderOptions {
  db: Db;
  clock: Clock;
  log: Logger;
  /** How mail leaves (see createMailTransport); null keeps queued mail for administrators to read. */
  transport?: MailTransport | null;
  /** Without `transport`: an smtp:// or smtps:// URL to send through; without either, mail is kept. */
  smtpUrl?: string;
  from: string;
  pollMs?: number;
  /**
   * Renders an attachment when its message is sent (a notice PDF is made from the records then,
   * so queueing thousands of notices stays fast). A kind it cannot render fails the message.
   */
  renderAttachment?: (attachment: MailAttachmentRef) => Promise<{ filename: string; content: Uint8Array; contentType: string }>;
}

const retryDelaysMs = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000];

/**
 * Sends queued mail one message at a time (mail is not a throughput path). A message that
 * cannot be sent is retried on a short schedule, then marked failed with the SMTP server's
 * answer; every outcome stays in mail_messages. The transport (SMTP, an HTTP mail API,
 * Cloudflare's send_email) is chosen by configuration: see mail-transport.ts.
 */
export function createMailSender(options: MailSenderOptions) {
  const { db, clock, log } = options;
  const transport = options.transport !== undefined ? options.transport : options.smtpUrl ? smtpTransport(options.smtpUrl) : null;
  let running = false;
  let busy: Promise<void> | null = null;
  let again = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  let stopWakeUps: (() => void) | undefined;

  function renderAttachment(a: MailAttachmentRef) {
    if (!options.renderAttachment) throw new Error(`cannot attach ${a.kind}: no attachment renderer configured`);
    return options.renderAttachment(a);
  }

  async function sendDue(): Promise<number> {
    const now = clock.now().toISOString();
    const due = await db.all<{ id: string; to_address: string; cc_addresses: string; subject: string; text_body: string; attachments: string; attempts: number }>(
      "SELECT id, to_address, cc_addresses, subject, text_body, attachments, attempts FROM mail_messages WHERE state = 'queued' AND next_attempt_at <= ? ORDER BY created_at LIMIT 20",
      [now],
    );
    for (const m of due) {
      if (!transport) {
        await db.run("UPDATE mail_messages SET state = 'kept', next_attempt_at = NULL WHERE id = ? AND state = 'queued'", [m.id]);
        continue;
      }
      try {
        const attachments = await Promise.all((JSON.parse(m.attachments) as MailAttachmentRef[]).map(renderAttachment));
        const info = await transport.send({ id: m.id, from: options.from, to: m.to_address, cc: JSON.parse(m.cc_addresses) as string[], subject: m.subject, text: openMailBody(db.keys, m.id, m.text_body), attachments });
        // Some recipients refused: the message went to the others; say who did not get it.
        const rejected = info.rejected;
        await db.run("UPDATE mail_messages SET state = 'sent', attempts = ?, sent_at = ?, smtp_message_id = ?, last_error = ?, next_attempt_at = NULL WHERE id = ?", [
          m.attempts + 1,
          clock.now().toISOString(),
          info.messageId,
          rejected.length ? `refused by the server for: ${rejected.join(', ')}` : null,
          m.id,
        ]);
      } catch (e) {
        const attempts = m.attempts + 1;
        const delay = retryDelaysMs[attempts - 1];
        const error = (e as Error).message.slice(0, 500);
        await db.run('UPDATE mail_messages SET state = ?, attempts = ?, last_error = ?, next_attempt_at = ? WHERE id = ?', [
          delay === undefined ? 'failed' : 'queued',
          attempts,
          error,
          delay === undefined ? null : new Date(clock.now().getTime() + delay).toISOString(),
          m.id,
        ]);
        log.warn('mail not sent', { mailId: m.id, attempts, error });
      }
    }
    return due.length;
  }

  function run(): void {
    if (!running) return;
    if (busy) {
      again = true;
      return;
    }
    busy = (async () => {
      try {
        do {
          again = false;
          while (running && (await sendDue()) > 0);
        } while (again && running);
      } catch (e) {
        log.error('mail sender failed', { err: e });
      } finally {
        busy = null;
      }
    })();
  }

  return {
    start(): void {
      if (running) return;
      running = true;
      stopWakeUps = onMailSenderWakeUp(run);
      timer = setInterval(run, options.pollMs ?? 5_000);
      timer.unref?.();
      run();
    },
    async stop(): Promise<void> {
      running = false;
      clearInterval(timer);
      stopWakeUps?.();
      await busy;
      transport?.close();
    },
    /** Sends (or keeps) everything due now; for tests and the CLI. */
    async flush(): Promise<void> {
      await busy;
      while ((await sendDue()) > 0);
    },
  };
}

export type MailSender = ReturnType<typeof createMailSender>;
