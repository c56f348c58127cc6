import { fail, redirect } from '@sveltejs/kit';
import { isAppError, problem } from '$shared/errors.ts';
import { translate, translateProblem } from '$shared/i18n/index.ts';
import { addConsignee } from '$shared/recalls/add-consignee.ts';
import { getRecallOverview } from '$shared/recalls/get-recall-overview.ts';
import { getNmpaTimeline } from '$shared/recalls/nmpa-timeline.ts';
import { getRecallDepth } from '$shared/recalls/get-recall-depth.ts';
import { sendRecallNotices } from '$shared/recalls/send-recall-notices.ts';
import { closeRecall } from '$shared/recalls/close-recall.ts';
import { getRecallClosing } from '$shared/recalls/recall-closing.ts';
import { setEstimatedCompletion } from '$shared/recalls/set-estimated-completion.ts';
import { remindConsignees } from '$shared/recalls/remind-consignees.ts';
import { resendRecallNotices } from '$shared/recalls/resend-recall-notices.ts';
import { escalateConsignees } from '$shared/recalls/escalate-consignees.ts';
import { issueNoticeRevision } from '$shared/recalls/issue-notice-revision.ts';
import { getNoticeRevisions } from '$shared/recalls/get-notice-revisions.ts';
import type { ConsigneeSelection } from '$shared/recalls/select-consignees.ts';
import type { FollowUpOptions } from '$shared/recalls/send-recall-follow-ups.ts';
import { setRecallContacts } from '$shared/organisations/set-recall-contacts.ts';
import { loadFailure, userMessage } from '$lib/server/errors.ts';
import { trustedPortalOrigin } from '$lib/server/portal-origin.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { actorTimeZone } from '$shared/auth/actor.ts';
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
      nmpa: await getNmpaTimeline(locals.ctx, actor, params.id),
      // Once released: what is still open before closing, and QA's estimated completion.
      closing: overview.dashboard ? await getRecallClosing(locals.ctx, actor, params.id) : null,
      fsnRevisions: await getNoticeRevisions(locals.ctx, actor, params.id),
      depth: overview.dashboard ? await getRecallDepth(locals.ctx, actor, params.id) : null,
      signer: actor.displayName,
      timeZone: actorTimeZone(actor),
      justCreated: url.searchParams.has('created'),
    };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

export const actions = {
  /** QA adds a consignee by hand; once the notices are out it gets its notice at once (its link goes to PUBLIC_URL). */
  addConsignee: async (event) => {
    const { request, locals, params } = event;
    const { input, values, rename } = readConsigneeForm(await request.formData());
    try {
      const added = await addConsignee(locals.ctx, requireActor(locals), { recallId: params.id, ...input, portalUrl: trustedPortalOrigin(event) ?? undefined });
      const notice = added.notice && { created: added.notice.created, responseDeadline: added.notice.responseDeadline };
      return { action: 'addConsignee' as const, done: true, distributorOrganisationId: added.distributorOrganisationId, units: added.units, notice };
    } catch (e) {
      const failure = recallFailure(e, locals, 'addConsignee', values, rename);
      // A refusal about the whole recall (closed, records altered) is no field to fix: say it.
      const about = failure.data.problems.recall;
      if (about) failure.data.message = translateProblem(locals.locale, about);
      return failure;
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
    const values = { reason: String(form.get('reason') ?? ''), overrideReason: String(form.get('overrideReason') ?? '') };
    try {
      await closeRecall(event.locals.ctx, requireActor(event.locals), relyingParty(event), {
        recallId: event.params.id,
        reason: values.reason,
        overrideReason: values.overrideReason,
        credential: { password: String(form.get('password') ?? '') },
      });
    } catch (e) {
      const failure = recallFailure(e, event.locals, 'close', values);
      // Refused for what is open: say so (the form lists it), not "correct the highlighted fields".
      if (isAppError(e) && e.code === 'conflict' && e.problems) failure.data.message = translate(event.locals.locale, 'recallClosing.open.intro');
      return failure;
    }
    return { action: 'close' as const, done: true };
  },

  /** QA sets the estimated completion date of the open recall (21 CFR 7.53(b)(6)). */
  estimate: async ({ request, locals, params }) => {
    const form = await request.formData();
    const values = { estimatedCompletionOn: String(form.get('estimatedCompletionOn') ?? '') };
    try {
      await setEstimatedCompletion(locals.ctx, requireActor(locals), { recallId: params.id, date: values.estimatedCompletionOn });
    } catch (e) {
      return recallFailure(e, locals, 'estimate', values);
    }
    return { action: 'estimate' as const, done: true };
  },

  /** QA issues an update or follow-up field safety notice (MDCG 2023-3), signed, to every consignee. */
  revise: async (event) => {
    const form = await event.request.formData();
    const text = (name: string) => String(form.get(name) ?? '');
    const changeTranslations = Object.fromEntries([...form.keys()].filter((k) => k.startsWith('change.')).map((k) => [k.slice('change.'.length), text(k)]));
    const values = { type: text('type'), change: text('change'), reason: text('reason'), hazard: text('hazard'), instructionText: text('instructionText'), ...Object.fromEntries(Object.entries(changeTranslations).map(([l, v]) => [`change.${l}`, v])) };
    const portalUrl = trustedPortalOrigin(event);
    if (!portalUrl) return fail(503, { action: 'revise', message: translate(event.locals.locale, 'recalls.send.noPublicUrl'), problems: {}, values });
    try {
      const issued = await issueNoticeRevision(event.locals.ctx, requireActor(event.locals), relyingParty(event), {
        recallId: event.params.id,
        type: values.type,
        change: values.change,
        changeTranslations,
        reason: values.reason,
        hazard: values.hazard,
        instructionText: values.instructionText,
        portalUrl,
        credential: { password: text('password') },
      });
      return { action: 'revise' as const, done: true, revision: issued.revision, type: issued.type, notices: issued.notices, mails: issued.mails };
    } catch (e) {
      const failure = recallFailure(e, event.locals, 'revise', values, (field) => field.replace(/^changeTranslations\//, 'change.'));
      if (isAppError(e) && e.code === 'invalid_credentials') failure.data.message = translate(event.locals.locale, 'fsnRevision.wrongPassword');
      return failure;
    }
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
