import type { LayoutServerLoad } from './$types';

export const load = (({ locals, url }) => ({
  locale: locals.locale,
  inactivityMs: locals.actor ? locals.app.policy.inactivityMs : null,
  path: url.pathname + url.search,
  actor: locals.actor && {
    displayName: locals.actor.displayName,
    email: locals.actor.email,
    role: locals.actor.role,
    organisationId: locals.actor.organisationId,
    organisationName: locals.actor.organisationName,
    organisationKind: locals.actor.organisationKind,
  },
  /** Shows the users page in the navigation (an organisation's administrator, a manufacturer admin). */
  administersUsers: locals.administersUsers,
})) satisfies LayoutServerLoad;
