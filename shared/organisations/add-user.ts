import type { UseCaseContext } from '../context.ts';
import type { AuditActor } from '../audit/entry.ts';
import { roles, rolesByKind, type OrganisationKind, type Role } from '../auth/actor.ts';
import { hashPassword, minPasswordLength } from '../auth/password.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { problem, refusal, type Problems } from '../errors.ts';
import { newId } from '../ids.ts';
import { administersFor, emailShape, maxNameLength, maxPasswordLength } from '../users/limits.ts';

export interface NewUser {
  email: string;
  displayName: string;
  password: string;
  organisationId: string;
  role: string;
  /** A supplier's or distributor's user who also administers the organisation's users (in the manufacturer's organisation the role decides). */
  administers?: boolean;
}

/** Creates a user with a membership in one organisation, in a role that kind of organisation has. */
export async function addUser(ctx: UseCaseContext, by: AuditActor, input: NewUser): Promise<{ id: string; email: string }> {
  const email = input.email.trim().toLowerCase();
  const displayName = input.displayName.trim();
  const fields: Problems = {};
  if (!emailShape.test(email) || email.length > 254) fields.email = problem('common.badEmail');
  if (!displayName) fields.displayName = problem('common.required');
  else if (displayName.length > maxNameLength) fields.displayName = problem('common.tooLong', { max: maxNameLength });
  if (input.password.length < minPasswordLength) fields.password = problem('common.tooShort', { min: minPasswordLength });
  else if (input.password.length > maxPasswordLength) fields.password = problem('common.tooLong', { max: maxPasswordLength });
  if (!roles.includes(input.role as Role)) fields.role = problem('users.badRole');

  const org = await ctx.db.get<{ kind: OrganisationKind }>('SELECT kind FROM organisations WHERE id = ?', [input.organisationId]);
  if (!org) fields.organisationId = problem('users.noSuchOrganisation');
  else if (!fields.role && !rolesByKind[org.kind].includes(input.role as Role)) {
    fields.role = problem('users.badRole', { kind: org.kind });
  }
  if (Object.keys(fields).length) throw refusal('invalid_input', 'the user is not valid', fields);

  const administers = administersFor(org!.kind, input.role, input.administers);
  const passwordHash = await hashPassword(input.password);
  const id = newId('usr');
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction(async (tx) => {
    const taken = await tx.get('SELECT id FROM users WHERE email = ?', [email]);
    if (taken) throw refusal('conflict', `a user with the e-mail address ${email} already exists`, { email: problem('users.emailTaken') });
    await tx.run('INSERT INTO users (id, email, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)', [
      id,
      email,
      displayName,
      passwordHash,
      now,
    ]);
    await tx.run('INSERT INTO memberships (user_id, organisation_id, role, administers, created_at) VALUES (?, ?, ?, ?, ?)', [
      id,
      input.organisationId,
      input.role,
      administers ? 1 : 0,
      now,
    ]);
    await recordAudit(tx, ctx.clock, {
      actor: by,
      organisationId: input.organisationId,
      action: 'user.created',
      entityType: 'user',
      entityId: id,
      newValues: { email, displayName, role: input.role, ...(administers ? { administers: true } : {}) },
      requestId: ctx.requestId,
    });
  });
  return { id, email };
}
