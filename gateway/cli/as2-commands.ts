// `lotbridge as2 send`: queue a file for a partner and, with --wait, send it from this process
// and print the MDN verdict. Registered in commands.ts.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { operator } from './operator.ts';
import { AppError } from '../../shared/errors.ts';
import { sendDueAs2Messages } from '../../shared/edi/messages/as2-sender.ts';
import { isSettled, outboundMessageStatus, type OutboundStatus } from '../../shared/edi/messages/outbound-message-status.ts';
import { sendAs2File } from '../../shared/edi/messages/send-as2-file.ts';
import { findPartnerByAs2Id } from '../../shared/edi/partners/find-partner.ts';
import { openApp } from '../node/open-app.ts';
import type { Command } from './commands.ts';

type Values = Record<string, string | boolean | string[] | undefined>;

function text(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

function verdictLines(s: OutboundStatus): string[] {
  const lines = [`State: ${s.state} after ${s.attempts} attempt(s)`];
  if (s.mdnDisposition) lines.push(`MDN: ${s.mdnDisposition}`, `MDN signature: ${s.mdnSignature}${s.mdnSigner ? ` (${s.mdnSigner})` : ''}; MIC ${s.mdnMicMatched ? 'matches' : 'does NOT match'}`);
  if (s.failureReason) lines.push(`Reason: ${s.failureReason}`);
  else if (s.lastError) lines.push(`Last error: ${s.lastError}${s.nextAttemptAt ? `; next attempt at ${s.nextAttemptAt}` : ''}`);
  if (s.state === 'sent' && s.mdnMode === 'none') lines.push('The partner accepted the message; its profile asks for no MDN.');
  if (s.state === 'sent' && s.mdnMode === 'async') lines.push('The partner accepted the message; its async MDN comes to our /as2 (the running server records it).');
  return lines;
}

export const as2Commands: Record<string, Command> = {
  'as2 send': {
    summary: 'send a file to an EDI partner over AS2 (signed, encrypted, MDN per its profile)',
    usage: '--to AS2ID --file F [--subject S] [--content-type T] [--wait [--timeout SECONDS]]',
    details:
      'Queues the message; the running server sends it and retries when the partner is unreachable.\n' +
      'With --wait this command sends it at once itself, then waits for the MDN and prints the verdict\n' +
      '(exit 0: delivered, or accepted when no MDN is asked for; 1: failed, exhausted or still pending).\n' +
      'A partner that sends its MDN asynchronously POSTs it to PUBLIC_URL/as2 (the running server\n' +
      'records it): --wait to such a partner needs PUBLIC_URL set, and refuses without it.',
    options: {
      to: { type: 'string', help: "the partner's AS2 id (case-sensitive)" },
      file: { type: 'string', help: 'the file to send' },
      subject: { type: 'string', help: 'Subject header (default: the file name)' },
      'content-type': { type: 'string', help: 'payload media type (default: application/edifact for EDIFACT, else application/octet-stream)' },
      wait: { type: 'boolean', help: 'send now and wait for the outcome' },
      timeout: { type: 'string', help: 'seconds to wait with --wait (default 120)' },
    },
    async run(values) {
      const v = values as Values;
      const to = text(v, 'to');
      const file = text(v, 'file');
      if (!to) throw new AppError('invalid_input', '--to is required: the AS2 id of the partner');
      if (!file) throw new AppError('invalid_input', '--file is required: the file to send');
      const timeoutS = Number(text(v, 'timeout') ?? '120');
      if (!Number.isFinite(timeoutS) || timeoutS <= 0) throw new AppError('invalid_input', `--timeout must be a positive number of seconds (got "${text(v, 'timeout')}")`);
      let payload: Uint8Array;
      try {
        payload = new Uint8Array(readFileSync(file));
      } catch (e) {
        throw new AppError('invalid_input', `--file ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
      }
      const app = await openApp();
      try {
        // The CLI is not the server: only PUBLIC_URL says where the server's /as2 is reached.
        const receiptUrl = app.config.publicUrl ? `${app.config.publicUrl.origin}/as2` : undefined;
        if (v.wait && !receiptUrl && (await findPartnerByAs2Id(app.db, to, app.clock.now()))?.mdn === 'async') {
          throw new AppError('invalid_input', `partner "${to}" sends its MDN asynchronously to our /as2: set PUBLIC_URL to the server's public address (e.g. https://edi.example.com) to use --wait; nothing was queued`);
        }
        const queued = await sendAs2File(app, operator(), { to, filename: basename(file), payload, subject: text(v, 'subject'), contentType: text(v, 'content-type'), receiptUrl });
        console.log(`Queued ${basename(file)} (${payload.byteLength} bytes) for "${to}": Message-ID <${queued.messageId}>, id ${queued.id}`);
        if (!v.wait) {
          console.log('The running server sends it; "--wait" sends it from here and waits for the MDN.');
          return 0;
        }
        const options = { db: app.db, clock: app.clock, log: app.log, timeoutMs: app.config.erp.deliveryTimeoutMs, ourAs2Id: app.config.as2.id, receiptUrl };
        const deadline = Date.now() + timeoutS * 1000;
        let status = (await outboundMessageStatus(app.db, queued.id))!;
        for (;;) {
          await sendDueAs2Messages(options, queued.id);
          status = (await outboundMessageStatus(app.db, queued.id))!;
          if (isSettled(status) || Date.now() >= deadline) break;
          await new Promise((r) => setTimeout(r, 1000));
        }
        for (const line of verdictLines(status)) console.log(line);
        if (!isSettled(status)) console.log(`Not settled within ${timeoutS} s; the running server keeps trying ("--timeout" waits longer).`);
        return status.state === 'delivered' || (status.state === 'sent' && status.mdnMode === 'none') ? 0 : 1;
      } finally {
        app.db.close();
      }
    },
  },
};
