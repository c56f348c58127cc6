import type { Role } from '../../shared/auth/actor.ts';
import { demoUsers } from '../../shared/demo/seed-demo.ts';

/** The demo user with this role (shared/demo/seed-demo.ts seeds them): e-mail, display name, organisation. */
export const demo = (role: Role) => demoUsers.find((u) => u.role === role)!;
