import { listSecurityAlerts } from '$shared/audit/list-security-alerts.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { PageServerLoad } from './$types';

export const load = (async ({ locals }) => {
  const actor = requireActor(locals);
  return {
    authMethod: locals.session!.authMethod,
    inactivityMinutes: Math.round(locals.app.policy.inactivityMs / 60_000),
    securityAlerts: actor.role === 'manufacturer_admin' ? await listSecurityAlerts(locals.ctx, actor) : null,
  };
}) satisfies PageServerLoad;
