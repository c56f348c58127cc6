import { fail, redirect } from '@sveltejs/kit';
import { isAppError, problem } from '$shared/errors.ts';
import { translate, translateProblem } from '$shared/i18n/index.ts';
import { addConsignee } from '$shared/recalls/add-consignee.ts';
import { getRecallOverview } from '$shared/recalls/get-recall-overview.ts';
import { getRecallDepth } from '$shared/recalls/get-recall-depth.ts';
import { sendRecallNotices } from '$shared/recalls/send-recall-notices.ts';
import { closeRecall } from '$shared/recalls/close-recall.ts';
import { remindConsignees } from '$shared/recalls/remind-consignees.ts';
import { resendRecallNotices } from '$shared/recalls/resend-recall-notices.ts';
import { escalateConsignees } from '$shared/recalls/escalate-consignees.ts';
import type { ConsigneeSelection } from '$shared/recalls/select-consignees.ts';
import type { FollowUpOptions } from '$shared/recalls/send-recall-follow-ups.ts';
import { setRecallContacts } from '$shared/organisations/set-recall-contacts.ts';
import { loadFailure, userMessage } from '$lib/server/errors.ts';
import { trustedPortalOrigin } from '$lib/server/portal-origin.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { relyingParty } from '$lib/server/relying-party.ts';
import { readConsigneeForm, recallFailure } from '../recall-form.ts';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const bulkActions = { remind: remindConsignees, resend: resendRecallNotices, escalate: escalateConsignees } as const;

/**
 * QA's bulk action on the consignees (remind now, send the notice again, escalate now): on
 * every consignee without a reply, or on the ones ticked. A refusal names each consignee
 * it does not apply to; nothing is sent then.
 */
async function bulk(event: RequestEvent, bulkAction: keyof typeof bulkActions) {
  const { request, locals, params } = event;
  const form = await request.formData();
  const values = { scope: String(form.get('scope') ?? ''), consignees: form.getAll('consignee').map(String) };
  const portalUrl = trustedPortalOrigin(event);
  if (!portalUrl) return fail(503, { action: 'bulk', bulkAction, message: translate(locals.locale, 'recalls.send.noPublicUrl'), problems: {}, values });
  const selection: ConsigneeSelection & FollowUpOptions =
    values.scope === 'chosen' ? { recallId: params.id, consignees: values.consignees, portalUrl } : { recallId: params.id, nonResponders: true, portalUrl };
  try {
    const done = await bulkActions[bulkAction](locals.ctx, requireActor(locals), selection);
    return { action: 'bulk' as const, bulkAction, done: true as const, ...done };
  } catch (e) {
    const failure = recallFailure(e, locals, 'bulk', values);
    return fail(failure.status, { ...failure.data, bulkAction });
  }
}

/**
 * A recall for manufacturer staff: what was issued, the consignees QA reviews before the
 * notices go out, then the dashboard. A distributor's user answers its notice on the reply page.
 */
export const load = (async ({ locals, params, url }) => {
  const actor = requireActor(locals);
  if (actor.role === 'distributor_user') redirect(303, `/recalls/${encodeURIComponent(params.id)}/reply`);
  try {
    const overview = await getRecallOverview(locals.ctx, actor, params.id);
    return {
      ...overview,
      depth: overview.dashboard ? await getRecallDepth(locals.ctx, actor, params.id) : null,
      signer: actor.displayName,
      justCreated: url.searchParams.has('created'),
    };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

export const actions = {
  addConsignee: async ({ request, locals, params }) => {
    const { input, values, rename } = readConsigneeForm(await request.formData());
    try {
      const added = await addConsignee(locals.ctx, requireActor(locals), { recallId: params.id, ...input });
      return { action: 'addConsignee' as const, done: true, distributorOrganisationId: added.distributorOrganisationId, units: added.units };
    } catch (e) {
      return recallFailure(e, locals, 'addConsignee', values, rename);
    }
  },

  /** QA gives a consignee without any address a recall contact before sending. */
  setContact: async ({ request, locals }) => {
    const form = await request.formData();
    const values = { recallContactEmail: String(form.get('recallContactEmail') ?? '') };
    try {
      await setRecallContacts(locals.ctx, requireActor(locals), {
        organisationId: String(form.get('organisationId') ?? ''),
        recallContactEmail: values.recallContactEmail,
        escalationContactEmail: null,
      });
    } catch (e) {
      return recallFailure(e, locals, 'setContact', values);
    }
    return { action: 'setContact' as const, done: true };
  },

  remind: (event) => bulk(event, 'remind'),
  resend: (event) => bulk(event, 'resend'),
  escalate: (event) => bulk(event, 'escalate'),

  /** QA closes the open recall, signed (21 CFR 7.55 termination). */
  close: async (event) => {
    const form = await event.request.formData();
    const values = { reason: String(form.get('reason') ?? '') };
    try {
      await closeRecall(event.locals.ctx, requireActor(event.locals), relyingParty(event), {
        recallId: event.params.id,
        reason: values.reason,
        credential: { password: String(form.get('password') ?? '') },
      });
    } catch (e) {
      return recallFailure(e, event.locals, 'close', values);
    }
    return { action: 'close' as const, done: true };
  },

  send: async (event) => {
    const { request, locals, params } = event;
    const form = await request.formData();
    const values = {};
    if (form.get('confirm') !== 'yes') {
      const confirm = problem('recalls.sendNotConfirmed');
      return fail(400, { action: 'send', message: translateProblem(locals.locale, confirm), problems: { confirm }, values });
    }
    // Links in the mail go to PUBLIC_URL, never to whatever Host the request named.
    const portalUrl = trustedPortalOrigin(event);
    if (!portalUrl) return fail(503, { action: 'send', message: translate(locals.locale, 'recalls.send.noPublicUrl'), problems: {}, values });
    try {
      const sent = await sendRecallNotices(locals.ctx, requireActor(locals), {
        recallId: params.id,
        portalUrl,
      });
      return { action: 'send' as const, done: true, notices: sent.notices, mails: sent.mails, withoutAddress: sent.withoutAddress };
    } catch (e) {
      // The use case's refusals here concern the whole recall, not a field: say which.
      if (isAppError(e) && (e.code === 'conflict' || e.code === 'unprocessable')) {
        const m = userMessage(e, locals.locale, locals.requestId, locals.log);
        const key = e.code === 'conflict' ? 'recalls.send.alreadySent' : 'recalls.send.noConsignees';
        return fail(m.status, { action: 'send', message: translate(locals.locale, key), problems: {}, values });
      }
      return recallFailure(e, locals, 'send', values);
    }
  },
} satisfies Actions;
