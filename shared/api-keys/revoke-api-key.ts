import type { UseCaseContext } from '../context.ts';
import type { Tx } from '../db/index.ts';
import type { AuditActor } from '../audit/entry.ts';
import type { SystemActor } from '../auth/operator.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { queueMails } from '../mail/queue-mail.ts';
import { isLocale, translate, type Locale } from '../i18n/index.ts';
import { AppError, problem, refusal } from '../errors.ts';
import { requireKeyAdministrator } from './key-administration.ts';

/** Who revokes: in the audit trail, in revoked_by (a person; none for the operator) and in the mail. */
interface Revoker {
  audit: AuditActor;
  userId: string | null;
  /** The mail's wording and its parameters beside {key} and {time}. */
  mail: { body: 'apiKeys.mail.revoked.body' | 'apiKeys.mail.revokedByOperator.body'; params: Record<string, string> };
  reason?: string;
}

/**
 * Revokes one key inside the caller's transaction: the key, its technical user disabled and its
 * sessions ended, audited, and mailed to the organisation's administrators (if it was not one of
 * them, someone holds a session or the server). False when it was already revoked.
 */
async function revokeKey(tx: Tx, ctx: UseCaseContext, key: { id: string; name: string; user_id: string; organisation_id: string }, by: Revoker, fallback: Locale): Promise<string | null> {
  const now = ctx.clock.now().toISOString();
  const revoked = await tx.run('UPDATE api_keys SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL', [now, by.userId, key.id]);
  if (revoked.changes === 0) return null;
  await tx.run("UPDATE users SET disabled_at = ? WHERE id = ? AND kind = 'api_key' AND disabled_at IS NULL", [now, key.user_id]);
  await tx.run('DELETE FROM sessions WHERE user_id = ?', [key.user_id]);
  await recordAudit(tx, ctx.clock, {
    actor: by.audit,
    organisationId: key.organisation_id,
    action: 'api_key.revoked',
    entityType: 'api_key',
    entityId: key.id,
    oldValues: { revokedAt: null },
    newValues: { revokedAt: now, technicalUser: key.user_id, ...(by.reason ? { reason: by.reason } : {}) },
    requestId: ctx.requestId,
  });
  const administrators = await tx.all<{ email: string; locale: string | null }>(
    `SELECT u.email, u.locale FROM users u JOIN memberships m ON m.user_id = u.id
      WHERE m.organisation_id = ? AND m.administers = 1 AND u.kind = 'person' AND u.disabled_at IS NULL ORDER BY u.email`,
    [key.organisation_id],
  );
  const params = { ...by.mail.params, key: key.name, time: `${now.slice(0, 10)} ${now.slice(11, 19)} UTC` };
  await queueMails(
    tx,
    ctx.clock,
    administrators.map((a) => {
      const locale = a.locale && isLocale(a.locale) ? a.locale : fallback;
      return {
        to: a.email,
        subject: translate(locale, 'apiKeys.mail.revoked.subject', params),
        text: translate(locale, by.mail.body, params),
        locale,
        purpose: 'api_key.revoked',
        organisationId: key.organisation_id,
        entity: { type: 'api_key', id: key.id },
      };
    }),
  );
  return now;
}

const keyColumns = 'id, name, user_id, organisation_id';

/**
 * An administrator revokes one of the organisation's API keys: from this moment every call with
 * it is refused (401), and its technical user is disabled too, so nothing the key's user holds
 * works any more. Another organisation's key is not found; revoking twice is a conflict.
 * Revoked, audited and mailed to the organisation's administrators in one transaction.
 */
export async function revokeApiKey(ctx: UseCaseContext, actor: Actor, input: { apiKeyId: string; locale: Locale }): Promise<{ revokedAt: string }> {
  await requireKeyAdministrator(ctx.db, actor);
  return ctx.db.transaction(async (tx) => {
    const key = await tx.get<{ id: string; name: string; user_id: string; organisation_id: string }>(`SELECT ${keyColumns} FROM api_keys WHERE id = ? AND organisation_id = ?`, [
      input.apiKeyId,
      actor.organisationId,
    ]);
    if (!key) throw new AppError('not_found', 'no such API key');
    const by: Revoker = { audit: asAuditActor(actor), userId: actor.userId, mail: { body: 'apiKeys.mail.revoked.body', params: { name: actor.displayName, email: actor.email } } };
    const revokedAt = await revokeKey(tx, ctx, key, by, input.locale);
    if (!revokedAt) throw new AppError('conflict', `the API key "${key.name}" is already revoked`);
    return { revokedAt };
  });
}

/**
 * Disables the webhook endpoints a revoked key's technical user registered (its audit entry
 * names the creator): whoever held a leaked key may have pointed one at itself, and the
 * organisation's events would keep flowing there after the revocation. Audited as the operator.
 */
async function disableEndpointsOf(tx: Tx, ctx: UseCaseContext, key: { user_id: string; organisation_id: string }, operator: SystemActor, reason: string): Promise<{ id: string; url: string }[]> {
  const endpoints = await tx.all<{ id: string; url: string }>(
    `SELECT w.id, w.url FROM webhook_endpoints w
      WHERE w.organisation_id = ? AND w.state != 'disabled' AND w.deleted_at IS NULL
        AND EXISTS (SELECT 1 FROM audit_log a WHERE a.entity_type = 'webhook_endpoint' AND a.entity_id = w.id AND a.action = 'webhook_endpoint.created' AND a.actor_id = ?)
      ORDER BY w.created_at, w.id`,
    [key.organisation_id, key.user_id],
  );
  const now = ctx.clock.now().toISOString();
  for (const e of endpoints) {
    await tx.run("UPDATE webhook_endpoints SET state = 'disabled', state_reason = ?, updated_at = ? WHERE id = ?", [`the API key that registered it was revoked: ${reason}`, now, e.id]);
    await recordAudit(tx, ctx.clock, {
      actor: operator,
      organisationId: key.organisation_id,
      action: 'webhook_endpoint.disabled',
      entityType: 'webhook_endpoint',
      entityId: e.id,
      newValues: { state: 'disabled', url: e.url, reason },
      requestId: ctx.requestId,
    });
  }
  return endpoints;
}

/**
 * The operator's emergency brake (`lotbridge api-keys revoke`): one key, or every key of an
 * organisation still in use, revoked at once with a reason, for when a token has leaked and its
 * administrators cannot be reached. The webhook endpoints those keys registered are disabled
 * with them. Each key is audited with the reason and mailed to its organisation's
 * administrators, all in one transaction. Returns the keys revoked now and endpoints disabled.
 */
export async function revokeApiKeysAsOperator(
  ctx: UseCaseContext,
  operator: SystemActor,
  input: ({ apiKeyId: string } | { organisationId: string }) & { reason: string },
): Promise<{ id: string; name: string; organisationId: string; endpointsDisabled: { id: string; url: string }[] }[]> {
  const reason = input.reason.trim();
  if (!reason) throw refusal('invalid_input', 'a reason is required', { reason: problem('common.required') });
  return ctx.db.transaction(async (tx) => {
    const keys =
      'apiKeyId' in input
        ? await tx.all<{ id: string; name: string; user_id: string; organisation_id: string }>(`SELECT ${keyColumns} FROM api_keys WHERE id = ?`, [input.apiKeyId])
        : await tx.all<{ id: string; name: string; user_id: string; organisation_id: string }>(`SELECT ${keyColumns} FROM api_keys WHERE organisation_id = ? AND revoked_at IS NULL ORDER BY created_at, id`, [
            input.organisationId,
          ]);
    if ('apiKeyId' in input && keys.length === 0) throw new AppError('not_found', `no API key ${input.apiKeyId}`);
    const by: Revoker = { audit: operator, userId: null, reason, mail: { body: 'apiKeys.mail.revokedByOperator.body', params: { operator: operator.name, reason } } };
    const revoked: { id: string; name: string; organisationId: string; endpointsDisabled: { id: string; url: string }[] }[] = [];
    for (const key of keys) {
      if (!(await revokeKey(tx, ctx, key, by, 'en'))) continue;
      revoked.push({ id: key.id, name: key.name, organisationId: key.organisation_id, endpointsDisabled: await disableEndpointsOf(tx, ctx, key, operator, reason) });
    }
    if ('apiKeyId' in input && revoked.length === 0) throw new AppError('conflict', `the API key "${keys[0]!.name}" is already revoked`);
    return revoked;
  });
}
