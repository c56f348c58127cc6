// What a role may do, written once: the read use case answers with `allows` (the page's buttons)
// and the write use case refuses with `require`, so the two cannot disagree.
import { requireRole, type Actor, type Role } from './actor.ts';

export interface Permission {
  roles: readonly Role[];
  /** Whether the actor may: what a page is told to offer. */
  allows(actor: Pick<Actor, 'role'>): boolean;
  /** Throws `forbidden` unless the actor may: what the use case enforces. */
  require(actor: Actor): void;
}

/** The permission of the actors that have one of these roles. */
export function permission(...roles: Role[]): Permission {
  return {
    roles,
    allows: (actor) => roles.includes(actor.role),
    require: (actor) => requireRole(actor, ...roles),
  };
}
