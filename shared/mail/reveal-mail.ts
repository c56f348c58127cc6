import type { UseCaseContext } from '../context.ts';
import type { AuditActor } from '../audit/entry.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError } from '../errors.ts';
import { openMailBody } from './mail-body.ts';

/**
 * One kept message in full, live links and codes included, for the operator of a server
 * without SMTP (who holds the database anyway): the portal's mail log masks them. Audited,
 * so a revealed invitation or notice link is on record.
 */
export async function revealMail(ctx: UseCaseContext, by: AuditActor, mailId: string): Promise<{ to: string; subject: string; text: string; purpose: string }> {
  return ctx.db.transaction(async (tx) => {
    const m = await tx.get<{ to_address: string; subject: string; text_body: string; purpose: string; organisation_id: string | null; state: string }>(
      'SELECT to_address, subject, text_body, purpose, organisation_id, state FROM mail_messages WHERE id = ?',
      [mailId],
    );
    if (!m) throw new AppError('not_found', `no mail message ${mailId}`);
    await recordAudit(tx, ctx.clock, {
      actor: by,
      organisationId: m.organisation_id,
      action: 'mail.revealed',
      entityType: 'mail_message',
      entityId: mailId,
      newValues: { to: m.to_address, purpose: m.purpose, state: m.state },
      requestId: ctx.requestId,
    });
    return { to: m.to_address, subject: m.subject, text: openMailBody(tx.keys, mailId, m.text_body), purpose: m.purpose };
  });
}
