import type { OrganisationKind } from '../auth/actor.ts';

export const emailShape = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const maxNameLength = 200;
/** argon2 takes any length; a bound keeps a megabyte "password" from costing anything. */
export const maxPasswordLength = 256;

/**
 * Whether a new member administers the organisation's users: in the manufacturer's organisation
 * the role decides (its administrators do, nobody else); elsewhere the flag does.
 */
export function administersFor(kind: OrganisationKind, role: string, flag: boolean | undefined): boolean {
  return kind === 'manufacturer' ? role === 'manufacturer_admin' : !!flag;
}
