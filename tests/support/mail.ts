import type { Clock } from '../../shared/clock.ts';
import type { Db } from '../../shared/db/index.ts';
import { createLogger } from '../../shared/log.ts';
import { openMailBody } from '../../shared/mail/mail-body.ts';
import { createMailSender } from '../../shared/mail/mail-sender.ts';
import { renderRecallAttachment } from '../../shared/recalls/render-recall-attachment.ts';

/**
 * A stored mail's text, opened with the keys kept outside the database (mail bodies are sealed
 * at rest: a test reads one as the mail sender does).
 */
export function mailText(db: Db, m: { id: string; text_body: string }): string {
  return openMailBody(db.keys, m.id, m.text_body);
}

/** The rows with each text_body opened (the query must select id and text_body). */
export function withMailText<T extends { id: string; text_body: string }>(db: Db, rows: T[]): T[] {
  return rows.map((r) => ({ ...r, text_body: mailText(db, r) }));
}

/** The body as the receiver decodes it (nodemailer sends UTF-8 text as quoted-printable). */
export function quotedPrintable(raw: string): string {
  const body = raw.split('\r\n\r\n').slice(1).join('\r\n\r\n').replace(/=\r\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '=' && /^[0-9A-F]{2}$/.test(body.slice(i + 1, i + 3))) {
      bytes.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(body.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The text body as the receiver decodes it, whichever transfer encoding nodemailer chose (base64 for mostly non-ASCII text, such as Chinese). */
export function decodedBody(raw: string): string {
  const [head = '', ...rest] = raw.split('\r\n\r\n');
  if (/^Content-Transfer-Encoding: base64/im.test(head)) return Buffer.from(rest.join('').replace(/\s+/g, ''), 'base64').toString('utf8');
  return quotedPrintable(raw);
}

/** The mail sender as the server runs it for recall notices (their PDFs rendered when sent), to a test SMTP server. */
export function recallMailSender(t: { db: Db; clock: Clock }, smtpUrl: string) {
  return createMailSender({
    db: t.db,
    clock: t.clock,
    log: createLogger('error'),
    smtpUrl,
    from: 'Lotbridge <no-reply@lotbridge.test>',
    renderAttachment: (a) => renderRecallAttachment(t.db, a),
  });
}
