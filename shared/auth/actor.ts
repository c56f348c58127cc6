import { AppError } from '../errors.ts';
import type { AuditActor } from '../audit/entry.ts';

export const roles = ['supplier_user', 'distributor_user', 'manufacturer_qa', 'manufacturer_admin'] as const;
export type Role = (typeof roles)[number];

export const organisationKinds = ['manufacturer', 'supplier', 'distributor'] as const;
export type OrganisationKind = (typeof organisationKinds)[number];

/** Which roles an organisation of each kind can give its members. */
export const rolesByKind: Record<OrganisationKind, readonly Role[]> = {
  manufacturer: ['manufacturer_qa', 'manufacturer_admin'],
  supplier: ['supplier_user'],
  distributor: ['distributor_user'],
};

/**
 * The signed-in caller, as every use case receives it. Tenancy is the actor's organisation:
 * use cases read and write through `scope.ts` with it, never with an id from the request.
 */
export interface Actor {
  userId: string;
  email: string;
  displayName: string;
  organisationId: string;
  organisationName: string;
  organisationKind: OrganisationKind;
  /**
   * The organisation's IANA time zone (organisations.time_zone): the "today" a date this person
   * enters is judged by, the zone deadlines are shown and entered in. Read with the organisation
   * at session load; absent means UTC (actors made before zones existed, test fixtures).
   */
  organisationTimeZone?: string;
  role: Role;
}

/** The columns an Actor is read from (the session's and the API key's queries select them so). */
export interface ActorRow {
  user_id: string;
  email: string;
  display_name: string;
  organisation_id: string;
  organisation_name: string;
  organisation_kind: OrganisationKind;
  organisation_time_zone: string | null;
  role: Role;
}

export function actorOf(row: ActorRow): Actor {
  return {
    userId: row.user_id,
    email: row.email,
    displayName: row.display_name,
    organisationId: row.organisation_id,
    organisationName: row.organisation_name,
    organisationKind: row.organisation_kind,
    ...(row.organisation_time_zone ? { organisationTimeZone: row.organisation_time_zone } : {}),
    role: row.role,
  };
}

/** The actor's organisation's time zone (UTC when it has none). */
export function actorTimeZone(actor: Pick<Actor, 'organisationTimeZone'>): string {
  return actor.organisationTimeZone ?? 'UTC';
}

export function asAuditActor(actor: Actor): AuditActor {
  return { type: 'user', id: actor.userId, name: actor.displayName };
}

export function requireRole(actor: Actor, ...allowed: Role[]): void {
  if (!allowed.includes(actor.role)) {
    throw new AppError('forbidden', `this needs one of the roles ${allowed.join(', ')}; you are ${actor.role}`);
  }
}
