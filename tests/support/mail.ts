import type { Db } from '../../shared/db/index.ts';
import { openMailBody } from '../../shared/mail/mail-body.ts';

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
