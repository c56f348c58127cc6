import type { UseCaseContext } from '../context.ts';
import type { Actor } from './actor.ts';
import { asAuditActor } from './actor.ts';
import type { RelyingParty } from './webauthn-challenge.ts';
import { confirmIdentity, type FreshCredential } from './confirm-identity.ts';
import { queueCredentialMail } from './credential-mail.ts';
import { recordAudit } from '../audit/record-audit.ts';
import type { Locale } from '../i18n/index.ts';
import { AppError } from '../errors.ts';

/**
 * Removes one of the caller's own passkeys (another user's id is simply not found), after a
 * FRESH re-authentication in this same request (the current password or an existing passkey;
 * a wrong one counts towards the lockout). Deleted, audited and mailed in one transaction.
 */
export async function removePasskey(
  ctx: UseCaseContext,
  actor: Actor,
  rp: RelyingParty,
  input: { sessionId: string; credentialId: string; credential: FreshCredential | undefined; locale: Locale },
): Promise<void> {
  const own = await ctx.db.get('SELECT id FROM passkey_credentials WHERE id = ? AND user_id = ?', [input.credentialId, actor.userId]);
  if (!own) throw new AppError('not_found', 'no such passkey on your account');
  const confirmed = await confirmIdentity(ctx, actor, rp, { sessionId: input.sessionId, credential: input.credential });
  await ctx.db.transaction(async (tx) => {
    const row = await tx.get<{ name: string }>('SELECT name FROM passkey_credentials WHERE id = ? AND user_id = ?', [input.credentialId, actor.userId]);
    if (!row) throw new AppError('not_found', 'no such passkey on your account');
    await tx.run('DELETE FROM passkey_credentials WHERE id = ? AND user_id = ?', [input.credentialId, actor.userId]);
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: actor.organisationId,
      action: 'passkey.removed',
      entityType: 'passkey',
      entityId: input.credentialId,
      oldValues: { name: row.name },
      newValues: { confirmedWith: confirmed.method },
      requestId: ctx.requestId,
    });
    await queueCredentialMail(tx, ctx.clock, actor, {
      change: 'removed',
      passkeyName: row.name,
      at: ctx.clock.now().toISOString(),
      confirmedWith: confirmed.method,
      locale: input.locale,
      passkeyId: input.credentialId,
    });
  });
}
