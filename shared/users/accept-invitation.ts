import type { UseCaseContext } from '../context.ts';
import type { Db } from '../db/index.ts';
import { hashPassword, minPasswordLength } from '../auth/password.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError, refusal, problem, type Problems } from '../errors.ts';
import { hashInvitationToken } from './invitation-token.ts';
import { maxPasswordLength } from './limits.ts';

interface InvitationRow {
  id: string;
  user_id: string;
  expires_at: string;
  ended_at: string | null;
  email: string;
  display_name: string;
  disabled_at: string | null;
  organisation_id: string;
  organisation_name: string;
}

/** The invitation a link stands for, if it can still be used; refusals say why, never whose. */
async function usableInvitation(db: Db, token: string, now: Date): Promise<InvitationRow> {
  const row = /^inv_[a-z2-7]{32}$/.test(token)
    ? await db.get<InvitationRow>(
        `SELECT i.id, i.user_id, i.expires_at, i.ended_at, u.email, u.display_name, u.disabled_at, m.organisation_id, o.name AS organisation_name
           FROM user_invitations i JOIN users u ON u.id = i.user_id
           JOIN memberships m ON m.user_id = u.id JOIN organisations o ON o.id = m.organisation_id
          WHERE i.token_hash = ? ORDER BY m.created_at LIMIT 1`,
        [hashInvitationToken(token)],
      )
    : undefined;
  // Unknown, used, replaced or for a disabled user: all the same dead link.
  if (!row || row.ended_at || row.disabled_at) throw new AppError('not_found', 'this invitation link is not valid or was used already');
  if (new Date(row.expires_at).getTime() <= now.getTime()) throw new AppError('forbidden', 'this invitation link has expired: ask your administrator for a new one');
  return row;
}

/** What the set-password page shows: whose invitation this is. */
export async function readInvitation(ctx: UseCaseContext, token: string): Promise<{ email: string; displayName: string; organisationName: string; expiresAt: string }> {
  const row = await usableInvitation(ctx.db, token, ctx.clock.now());
  return { email: row.email, displayName: row.display_name, organisationName: row.organisation_name, expiresAt: row.expires_at };
}

/** The invitee sets the first password; the link is dead from then on (single use, in one transaction). */
export async function acceptInvitation(ctx: UseCaseContext, input: { token: string; password: string; confirm: string }): Promise<{ email: string }> {
  const row = await usableInvitation(ctx.db, input.token, ctx.clock.now());
  const problems: Problems = {};
  if (input.password.length < minPasswordLength) problems.password = problem('common.tooShort', { min: minPasswordLength });
  else if (input.password.length > maxPasswordLength) problems.password = problem('common.tooLong', { max: maxPasswordLength });
  else if (input.password !== input.confirm) problems.confirm = problem('users.differ');
  if (Object.keys(problems).length) throw refusal('invalid_input', 'the password is not valid', problems);

  const passwordHash = await hashPassword(input.password);
  await ctx.db.transaction(async (tx) => {
    const now = ctx.clock.now().toISOString();
    // Two submissions at once: only the first ends the invitation and sets the password.
    const { changes } = await tx.run("UPDATE user_invitations SET ended_at = ?, outcome = 'password_set' WHERE id = ? AND ended_at IS NULL AND expires_at > ?", [now, row.id, now]);
    if (changes === 0) throw new AppError('not_found', 'this invitation link is not valid or was used already');
    await tx.run('UPDATE users SET password_hash = ?, failed_attempts = 0, locked_until = NULL WHERE id = ?', [passwordHash, row.user_id]);
    await recordAudit(tx, ctx.clock, {
      actor: { type: 'user', id: row.user_id, name: row.display_name },
      organisationId: row.organisation_id,
      action: 'user.password_set',
      entityType: 'user',
      entityId: row.user_id,
      newValues: { through: 'invitation link', invitationId: row.id },
      requestId: ctx.requestId,
    });
  });
  return { email: row.email };
}
