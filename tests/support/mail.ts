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
