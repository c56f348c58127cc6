import { listSecurityAlerts } from '$shared/audit/list-security-alerts.ts';
import type { Actor } from '$shared/auth/actor.ts';
import { listWebhookEndpoints } from '$shared/webhooks/list-webhook-endpoints.ts';
import { supplierWorkList } from '$shared/home/supplier-work-list.ts';
import { qaWorkList } from '$shared/home/qa-work-list.ts';
import { distributorWorkList } from '$shared/home/distributor-work-list.ts';
import { adminWorkList } from '$shared/home/admin-work-list.ts';
import type { WorkList } from '$shared/home/work-list.ts';
import { listLockedAccounts, unlockAccount } from '$shared/auth/unlock-account.ts';
import { fail } from '@sveltejs/kit';
import { problemFailure } from '$lib/server/problems.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { Actions, PageServerLoad } from './$types';

/** The ERP bridge at a glance for its administrators: endpoints, what is pending or gave up. */
async function erpSummary(locals: App.Locals, actor: Actor) {
  const { endpoints, waitingEvents } = await listWebhookEndpoints(locals.ctx, actor);
  const total = (k: 'pending' | 'exhausted') => endpoints.reduce((n, e) => n + e.counts[k], 0);
  return { endpoints: endpoints.length, pending: total('pending'), exhausted: total('exhausted'), waitingEvents };
}

/** What needs the signed-in user, by role: counts, the first few records and the links to them. */
function workList(locals: App.Locals, actor: Actor): Promise<WorkList> {
  const graceDays = locals.app.config.certificates.graceDays;
  switch (actor.role) {
    case 'supplier_user':
      return supplierWorkList(locals.ctx, actor, { graceDays });
    case 'manufacturer_qa':
      return qaWorkList(locals.ctx, actor, { graceDays });
    case 'distributor_user':
      return distributorWorkList(locals.ctx, actor);
    case 'manufacturer_admin':
      return adminWorkList(locals.ctx, actor);
  }
}

export const load = (async ({ locals }) => {
  const actor = requireActor(locals);
  const admin = actor.role === 'manufacturer_admin';
  return {
    authMethod: locals.session!.authMethod,
    inactivityMinutes: Math.round(locals.app.policy.inactivityMs / 60_000),
    securityAlerts: actor.organisationKind === 'manufacturer' ? await listSecurityAlerts(locals.ctx, actor) : null,
    lockedAccounts: locals.administersUsers ? await listLockedAccounts(locals.ctx, actor) : null,
    erp: admin ? await erpSummary(locals, actor) : null,
    work: await workList(locals, actor),
  };
}) satisfies PageServerLoad;

export const actions = {
  /** An administrator ends an account's lock before its time (audited). */
  unlock: async ({ request, locals }) => {
    const actor = requireActor(locals);
    const userId = (await request.formData()).get('userId');
    if (typeof userId !== 'string' || !userId) return fail(400, { message: 'userId is required' });
    try {
      return { unlocked: (await unlockAccount(locals.ctx, actor, userId)).email };
    } catch (e) {
      return problemFailure(e, locals, 'unlock');
    }
  },
} satisfies Actions;
