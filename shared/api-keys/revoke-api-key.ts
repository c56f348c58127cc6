import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { queueMails } from '../mail/queue-mail.ts';
import { isLocale, translate, type Locale } from '../i18n/index.ts';
import { AppError } from '../errors.ts';
import { requireKeyAdministrator } from './key-administration.ts';

/**
 * An administrator revokes one of the organisation's API keys: from this moment every call with
 * it is refused (401), and its technical user is disabled too, so nothing the key's user holds
 * works any more. Another organisation's key is not found; revoking twice is a conflict.
 * Revoked, audited and mailed to the organisation's administrators in one transaction.
 */
export async function revokeApiKey(ctx: UseCaseContext, actor: Actor, input: { apiKeyId: string; locale: Locale }): Promise<{ revokedAt: string }> {
  await requireKeyAdministrator(ctx.db, actor);
  return ctx.db.transaction(async (tx) => {
    const key = await tx.get<{ id: string; name: string; user_id: string; revoked_at: string | null }>(
      'SELECT id, name, user_id, revoked_at FROM api_keys WHERE id = ? AND organisation_id = ?',
      [input.apiKeyId, actor.organisationId],
    );
    if (!key) throw new AppError('not_found', 'no such API key');
    const now = ctx.clock.now().toISOString();
    const revoked = await tx.run('UPDATE api_keys SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL', [now, actor.userId, key.id]);
    if (revoked.changes === 0) throw new AppError('conflict', `the API key "${key.name}" is already revoked`);
    await tx.run("UPDATE users SET disabled_at = ? WHERE id = ? AND kind = 'api_key' AND disabled_at IS NULL", [now, key.user_id]);
    await tx.run('DELETE FROM sessions WHERE user_id = ?', [key.user_id]);
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: actor.organisationId,
      action: 'api_key.revoked',
      entityType: 'api_key',
      entityId: key.id,
      oldValues: { revokedAt: null },
      newValues: { revokedAt: now, technicalUser: key.user_id },
      requestId: ctx.requestId,
    });
    // Every administrator learns of it: if it was not one of them, someone holds a session.
    const administrators = await tx.all<{ email: string; locale: string | null }>(
      `SELECT u.email, u.locale FROM users u JOIN memberships m ON m.user_id = u.id
        WHERE m.organisation_id = ? AND m.administers = 1 AND u.kind = 'person' AND u.disabled_at IS NULL ORDER BY u.email`,
      [actor.organisationId],
    );
    const params = { key: key.name, name: actor.displayName, email: actor.email, time: `${now.slice(0, 10)} ${now.slice(11, 19)} UTC` };
    await queueMails(
      tx,
      ctx.clock,
      administrators.map((a) => {
        const locale = a.locale && isLocale(a.locale) ? a.locale : input.locale;
        return {
          to: a.email,
          subject: translate(locale, 'apiKeys.mail.revoked.subject', params),
          text: translate(locale, 'apiKeys.mail.revoked.body', params),
          locale,
          purpose: 'api_key.revoked',
          organisationId: actor.organisationId,
          entity: { type: 'api_key', id: key.id },
        };
      }),
    );
    return { revokedAt: now };
  });
}
