import type { Actor } from '../../shared/auth/actor.ts';
import type { Db } from '../../shared/db/index.ts';

/** The Actor a use case receives for the user with this e-mail (their first membership). */
export async function actorFor(db: Db, email: string): Promise<Actor> {
  const row = await db.get<{ id: string; display_name: string; organisation_id: string; name: string; kind: Actor['organisationKind']; time_zone: string; role: Actor['role'] }>(
    `SELECT u.id, u.display_name, m.organisation_id, o.name, o.kind, o.time_zone, m.role FROM users u
       JOIN memberships m ON m.user_id = u.id JOIN organisations o ON o.id = m.organisation_id WHERE u.email = ?`,
    [email],
  );
  if (!row) throw new Error(`no user ${email}`);
  return { userId: row.id, email, displayName: row.display_name, organisationId: row.organisation_id, organisationName: row.name, organisationKind: row.kind, organisationTimeZone: row.time_zone, role: row.role };
}
