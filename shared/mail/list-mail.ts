import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { requireRole } from '../auth/actor.ts';
import { isMailState, type MailState } from './mail-states.ts';
import { maskMailSecrets } from './mask-secrets.ts';
import { openMailBody } from './mail-body.ts';

export type { MailState } from './mail-states.ts';

export interface MailLogItem {
  id: string;
  to: string;
  cc: string[];
  subject: string;
  text: string;
  locale: string;
  purpose: string;
  organisationId: string | null;
  entity: { type: string; id: string } | null;
  state: MailState;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface MailLog {
  items: MailLogItem[];
  total: number;
  page: number;
  pageSize: number;
  pages: number;
}

/**
 * The mail log for the manufacturer's administrators: every message queued (sent, kept
 * without an SMTP server, waiting or failed), newest first, filtered by state and paged, with
 * the full text (live links and one-time codes masked), so what would have been sent can be read
 * when no SMTP server is configured.
 */
export async function listMail(ctx: UseCaseContext, actor: Actor, query: { state?: string; page?: number; pageSize?: number } = {}): Promise<MailLog> {
  requireRole(actor, 'manufacturer_admin');
  const where = isMailState(query.state) ? 'WHERE state = ?' : '';
  const args = isMailState(query.state) ? [query.state] : [];
  const pageSize = Math.min(Math.max(Math.trunc(query.pageSize ?? 25), 1), 100);
  const total = (await ctx.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM mail_messages ${where}`, args))?.n ?? 0;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(Math.trunc(query.page ?? 1) || 1, 1), pages);
  const rows = await ctx.db.all<{
    id: string;
    to_address: string;
    cc_addresses: string;
    subject: string;
    text_body: string;
    locale: string;
    purpose: string;
    organisation_id: string | null;
    entity_type: string | null;
    entity_id: string | null;
    state: MailState;
    attempts: number;
    last_error: string | null;
    created_at: string;
    sent_at: string | null;
  }>(`SELECT * FROM mail_messages ${where} ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?`, [...args, pageSize, (page - 1) * pageSize]);
  return {
    items: rows.map((r) => ({
      id: r.id,
      to: r.to_address,
      cc: JSON.parse(r.cc_addresses) as string[],
      subject: r.subject,
      // Live notice and invitation links and one-time codes are masked in the log (the mail itself carries them).
      text: maskMailSecrets(openMailBody(ctx.db.keys, r.id, r.text_body), r.purpose),
      locale: r.locale,
      purpose: r.purpose,
      organisationId: r.organisation_id,
      entity: r.entity_type && r.entity_id ? { type: r.entity_type, id: r.entity_id } : null,
      state: r.state,
      attempts: r.attempts,
      lastError: r.last_error,
      createdAt: r.created_at,
      sentAt: r.sent_at,
    })),
    total,
    page,
    pageSize,
    pages,
  };
}
