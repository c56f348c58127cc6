import { listSecurityAlerts } from '$shared/audit/list-security-alerts.ts';
import { listCertificateExpiry } from '$shared/certificates/list-certificate-expiry.ts';
import type { Actor } from '$shared/auth/actor.ts';
import { listWebhookEndpoints } from '$shared/webhooks/list-webhook-endpoints.ts';
import { listRecalls, type DistributorRecallItem } from '$shared/recalls/list-recalls.ts';
import { listLockedAccounts, unlockAccount } from '$shared/auth/unlock-account.ts';
import { administersUsers } from '$shared/users/user-admin.ts';
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

/**
 * Certificate expiry: a supplier user sees a reminder per certificate that expires within 90
 * days or has expired; manufacturer QA and admins a count of suppliers and of flagged ones.
 */
async function certificateExpiry(locals: App.Locals, actor: Actor) {
  if (actor.role !== 'supplier_user' && actor.role !== 'manufacturer_qa' && actor.role !== 'manufacturer_admin') return null;
  const { suppliers } = await listCertificateExpiry(locals.ctx, actor, { graceDays: locals.app.config.certificates.graceDays });
  if (actor.role === 'supplier_user') {
    return { reminders: suppliers.flatMap((s) => s.certificates), suppliers: 0, flagged: 0 };
  }
  return { reminders: [], suppliers: suppliers.length, flagged: suppliers.filter((s) => s.flagged).length };
}

/** A distributor user: the recall notices of open recalls still waiting for its signed reply. */
async function recallsAwaitingReply(locals: App.Locals, actor: Actor): Promise<DistributorRecallItem[] | null> {
  if (actor.role !== 'distributor_user') return null;
  const list = await listRecalls(locals.ctx, actor, { reply: 'not_replied' });
  return list.view === 'distributor' ? list.items.filter((r) => r.state === 'open') : [];
}

export const load = (async ({ locals }) => {
  const actor = requireActor(locals);
  const admin = actor.role === 'manufacturer_admin';
  return {
    authMethod: locals.session!.authMethod,
    inactivityMinutes: Math.round(locals.app.policy.inactivityMs / 60_000),
    securityAlerts: actor.organisationKind === 'manufacturer' ? await listSecurityAlerts(locals.ctx, actor) : null,
    lockedAccounts: (await administersUsers(locals.ctx.db, actor)) ? await listLockedAccounts(locals.ctx, actor) : null,
    erp: admin ? await erpSummary(locals, actor) : null,
    expiry: await certificateExpiry(locals, actor),
    recallsAwaitingReply: await recallsAwaitingReply(locals, actor),
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
