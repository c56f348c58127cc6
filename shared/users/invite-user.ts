import type { UseCaseContext } from '../context.ts';
import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import { asAuditActor, rolesByKind, type Actor, type OrganisationKind, type Role } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { queueMail } from '../mail/queue-mail.ts';
import { translate, type Locale } from '../i18n/index.ts';
import { AppError, refusal, problem, type Problems } from '../errors.ts';
import { newId } from '../ids.ts';
import { administeredScope, findAdministeredUser } from './user-admin.ts';
import { hashInvitationToken, invitationLifetimeMs, invitationUrl, newInvitationToken } from './invitation-token.ts';
import { emailShape, maxNameLength, administersFor } from './limits.ts';

export interface Invitation {
  email: string;
  displayName: string;
  role: string;
  /** Supplier and distributor organisations: the new user administers the organisation's users too. */
  administers: boolean;
  /** Manufacturer administrators choose the organisation; anyone else invites into their own. */
  organisationId?: string;
  /** Where the link in the mail points (PUBLIC_URL, else the request's origin). */
  portalUrl: string;
  locale: Locale;
}

/**
 * An administrator invites a user: the account exists without a password, and the invitee
 * gets a one-time link (72 hours) to set the first one, so nobody else ever knows it.
 * Account, membership, invitation, mail and audit entry in one transaction.
 */
export async function inviteUser(ctx: UseCaseContext, actor: Actor, input: Invitation): Promise<{ userId: string; email: string; organisationId: string }> {
  const scope = await administeredScope(ctx.db, actor);
  const organisationId = scope.everyOrganisation ? input.organisationId || actor.organisationId : scope.organisationId;
  // An organisation's administrator never reaches another organisation, not even to hear it exists.
  if (!scope.everyOrganisation && input.organisationId && input.organisationId !== scope.organisationId) throw new AppError('not_found', 'no such organisation');
  const org = await ctx.db.get<{ name: string; kind: OrganisationKind }>('SELECT name, kind FROM organisations WHERE id = ?', [organisationId]);

  const email = input.email.trim().toLowerCase();
  const displayName = input.displayName.trim();
  const problems: Problems = {};
  if (!email) problems.email = problem('common.required');
  else if (!emailShape.test(email) || email.length > 254) problems.email = problem('common.badEmail');
  if (!displayName) problems.displayName = problem('common.required');
  else if (displayName.length > maxNameLength) problems.displayName = problem('common.tooLong', { max: maxNameLength });
  if (!org) problems.organisationId = problem('users.noSuchOrganisation');
  else if (!rolesByKind[org.kind].includes(input.role as Role)) problems.role = problem('users.badRole');
  if (Object.keys(problems).length) throw refusal('invalid_input', 'the invitation is not valid', problems);

  const role = input.role as Role;
  const administers = administersFor(org!.kind, role, input.administers);
  const userId = newId('usr');
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction(async (tx) => {
    if (await tx.get('SELECT id FROM users WHERE email = ?', [email])) {
      throw refusal('conflict', `a user with the e-mail address ${email} already exists`, { email: problem('users.emailTaken') });
    }
    await tx.run('INSERT INTO users (id, email, display_name, password_hash, created_at) VALUES (?, ?, ?, NULL, ?)', [userId, email, displayName, now]);
    await tx.run('INSERT INTO memberships (user_id, organisation_id, role, administers, created_at) VALUES (?, ?, ?, ?, ?)', [userId, organisationId, role, administers ? 1 : 0, now]);
    const expiresAt = await sendInvitation(tx, ctx.clock, actor, { userId, email, displayName, organisationId, organisationName: org!.name }, input);
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId,
      action: 'user.invited',
      entityType: 'user',
      entityId: userId,
      newValues: { email, displayName, role, administers, invitationExpiresAt: expiresAt },
      requestId: ctx.requestId,
    });
  });
  return { userId, email, organisationId };
}

/**
 * A new link for an invitee who has not set a password yet (the first one lapsed or got
 * lost): every earlier link of theirs stops working.
 */
export async function reinviteUser(ctx: UseCaseContext, actor: Actor, input: { userId: string; portalUrl: string; locale: Locale }): Promise<void> {
  const scope = await administeredScope(ctx.db, actor);
  await ctx.db.transaction(async (tx) => {
    const user = await findAdministeredUser(tx, scope, input.userId);
    if (user.password_hash || user.disabled_at) throw refusal('conflict', 'this user has set a password already or is disabled', { userId: problem('users.notInvited') });
    const replaced = await tx.run("UPDATE user_invitations SET ended_at = ?, outcome = 'replaced' WHERE user_id = ? AND ended_at IS NULL", [ctx.clock.now().toISOString(), user.id]);
    const expiresAt = await sendInvitation(
      tx,
      ctx.clock,
      actor,
      { userId: user.id, email: user.email, displayName: user.display_name, organisationId: user.organisation_id, organisationName: user.organisation_name },
      input,
    );
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: user.organisation_id,
      action: 'user.reinvited',
      entityType: 'user',
      entityId: user.id,
      newValues: { email: user.email, invitationExpiresAt: expiresAt, earlierLinksEnded: replaced.changes },
      requestId: ctx.requestId,
    });
  });
}

async function sendInvitation(
  tx: Tx,
  clock: Clock,
  actor: Actor,
  user: { userId: string; email: string; displayName: string; organisationId: string; organisationName: string },
  input: { portalUrl: string; locale: Locale },
): Promise<string> {
  const token = newInvitationToken();
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + invitationLifetimeMs).toISOString();
  await tx.run('INSERT INTO user_invitations (id, user_id, token_hash, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)', [
    newId('inv'),
    user.userId,
    hashInvitationToken(token),
    actor.userId,
    now.toISOString(),
    expiresAt,
  ]);
  const l = input.locale;
  await queueMail(tx, clock, {
    to: user.email,
    subject: translate(l, 'users.mail.invite.subject', { organisation: user.organisationName }),
    text: translate(l, 'users.mail.invite.text', {
      name: user.displayName,
      inviter: actor.displayName,
      organisation: user.organisationName,
      url: invitationUrl(input.portalUrl, token),
      expires: `${expiresAt.slice(0, 10)} ${expiresAt.slice(11, 16)} UTC`,
    }),
    locale: l,
    purpose: 'user.invitation',
    organisationId: user.organisationId,
    entity: { type: 'user', id: user.userId },
  });
  return expiresAt;
}
