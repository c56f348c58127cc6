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
  renderAttachment?: (attachment: MailAttachmentRef) => Promise<{ filename: string; content: Buffer; contentType: string }>;
}

const retryDelaysMs = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000];
/** A claimed message stays with this instance this long; another sends it after, if this one died. */
const leaseMs = 5 * 60_000;

/** `claimed_until`: the next_attempt_at this claim set; a failure is written only while the claim is still this one. */
type DueMail = { id: string; to_address: string; cc_addresses: string; subject: string; text_body: string; attachments: string; claimed_until: string };

/**
 * Sends queued mail one message at a time (mail is not a throughput path). Each message is
 * claimed first with one guarded UPDATE (its next attempt pushed a lease ahead), so several
 * instances on one database never send it twice, and a dead instance's message goes out after
 * the lease. A message that cannot be sent is retried on a short schedule, then marked failed
 * with the transport's answer; every outcome stays in mail_messages, attempts counted in SQL. The
 * transport (SMTP, an HTTP mail API, Cloudflare's send_email) is chosen by configuration: see
 * mail-transport.ts.
 */
export function createMailSender(options: MailSenderOptions) {
  const { db, clock, log } = options;
  const transport = options.transport !== undefined ? options.transport : options.smtpUrl ? smtpTransport(options.smtpUrl) : null;
  let running = false;
  // Set by stop(): a pass in progress ends after the message it is sending.
  let stopped = false;
  let busy: Promise<unknown> | null = null;
  let again = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  let stopWakeUps: (() => void) | undefined;

  function renderAttachment(a: MailAttachmentRef) {
    if (!options.renderAttachment) throw new Error(`cannot attach ${a.kind}: no attachment renderer configured`);
    return options.renderAttachment(a);
  }

  /** The oldest due message, claimed for this instance; undefined when none is due. */
  async function claimNext(): Promise<DueMail | undefined> {
    const now = clock.now();
    const nowIso = now.toISOString();
    if (!(await db.get("SELECT 1 FROM mail_messages WHERE state = 'queued' AND next_attempt_at <= ? LIMIT 1", [nowIso]))) return undefined;
    return db.transaction((tx) =>
      tx.get<DueMail>(
        `UPDATE mail_messages SET next_attempt_at = ?
          WHERE id = (SELECT id FROM mail_messages WHERE state = 'queued' AND next_attempt_at <= ? ORDER BY created_at LIMIT 1)
          RETURNING id, to_address, cc_addresses, subject, text_body, attachments, next_attempt_at AS claimed_until`,
        [new Date(now.getTime() + leaseMs).toISOString(), nowIso],
      ),
    );
  }

  async function sendOne(m: DueMail, transport: MailTransport): Promise<'sent' | 'failed'> {
    try {
      const attachments = await Promise.all((JSON.parse(m.attachments) as MailAttachmentRef[]).map(renderAttachment));
      const info = await transport.send({ id: m.id, from: options.from, to: m.to_address, cc: JSON.parse(m.cc_addresses) as string[], subject: m.subject, text: openMailBody(db.keys, m.id, m.text_body), attachments });
      // Some recipients refused: the message went to the others; say who did not get it.
      const rejected = info.rejected;
      await db.run("UPDATE mail_messages SET state = 'sent', attempts = attempts + 1, sent_at = ?, smtp_message_id = ?, last_error = ?, next_attempt_at = NULL WHERE id = ?", [
        clock.now().toISOString(),
        info.messageId,
        rejected.length ? `refused by the server for: ${rejected.join(', ')}` : null,
        m.id,
      ]);
      return 'sent';
    } catch (e) {
      const error = (e as Error).message.slice(0, 500);
      const attempts = await db.transaction(async (tx) => {
        const { attempts } = (await tx.get<{ attempts: number }>('UPDATE mail_messages SET attempts = attempts + 1, last_error = ? WHERE id = ? RETURNING attempts', [error, m.id]))!;
        const delay = retryDelaysMs[attempts - 1];
        // A message another instance sent meanwhile (after this one's lease ran out) stays sent, and
        // one it is sending keeps its claim (the next_attempt_at it set): no third instance sends it.
        await tx.run("UPDATE mail_messages SET state = ?, next_attempt_at = ? WHERE id = ? AND state = 'queued' AND next_attempt_at = ?", [
          delay === undefined ? 'failed' : 'queued',
          delay === undefined ? null : new Date(clock.now().getTime() + delay).toISOString(),
          m.id,
          m.claimed_until,
        ]);
        return attempts;
      });
      log.warn('mail not sent', { mailId: m.id, attempts, error });
      return 'failed';
    }
  }

  /** Sends (or, without a transport, keeps) everything due now; resolves with what happened to how many. */
  async function sendDue(): Promise<{ sent: number; failed: number; kept: number }> {
    const done = { sent: 0, failed: 0, kept: 0 };
    if (!transport) {
      // Nothing to send with: every due message is kept for administrators, in one statement.
      done.kept = (await db.run("UPDATE mail_messages SET state = 'kept', next_attempt_at = NULL WHERE state = 'queued' AND next_attempt_at <= ?", [clock.now().toISOString()])).changes;
      return done;
    }
    while (!stopped) {
      const m = await claimNext();
      if (!m) break;
      done[await sendOne(m, transport)]++;
    }
    return done;
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
          await sendDue();
        } while (again && running);
      } catch (e) {
        log.error('mail sender failed', { err: e });
      } finally {
        busy = null;
      }
    })();
  }

  return {
    /** Node only: sends on wake-ups and every `pollMs`, until stop(). */
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
      stopped = true;
      clearInterval(timer);
      stopWakeUps?.();
      await busy;
      transport?.close();
    },
    /** One pass, awaited: sends (or keeps) everything due now. */
    async runOnce(): Promise<{ sent: number; failed: number; kept: number }> {
      await busy;
      return sendDue();
    },
    /** Sends (or keeps) everything due now; for tests and the CLI. */
    async flush(): Promise<void> {
      await busy;
      await sendDue();
    },
  };
}

export type MailSender = ReturnType<typeof createMailSender>;
