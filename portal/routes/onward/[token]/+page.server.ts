import { fail, redirect } from '@sveltejs/kit';
import { translate } from '$shared/i18n/index.ts';
import { noticeInLanguage } from '$shared/recalls/get-notice-data.ts';
import { submitOnwardReply } from '$shared/recalls/submit-onward-reply.ts';
import { passOnFromLink } from '$shared/recalls/pass-on-notice.ts';
import { checkOnwardToken } from '$shared/recalls/onward-link.ts';
import { onwardLinkRefusal, onwardNoticeById, viewOnwardLink } from '$shared/recalls/view-onward-link.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { trustedPortalOrigin } from '$lib/server/portal-origin.ts';
import { problemFailure } from '$lib/server/problems.ts';
import { readOnwardCustomer, readOnwardReply } from '$lib/server/onward-form.ts';
import type { Actions, PageServerLoad } from './$types';

/** The lots the link's customer was supplied (to read the forms against), or the link's refusal. */
async function lotsOf(locals: App.Locals, token: string) {
  const check = await checkOnwardToken(locals.ctx.db, token, locals.ctx.clock.now());
  if (!check.ok) throw onwardLinkRefusal(check.reason);
  return (await onwardNoticeById(locals.ctx.db, check.onwardNoticeId)).lots;
}

/** A customer's onward notice behind its mail link, for whoever holds the link (no account). */
export const load = (async ({ locals, params, url, setHeaders }) => {
  // The page carries a live link in its address: never cached (the referrer stays same-origin, hooks.server.ts).
  setHeaders({ 'cache-control': 'private, no-store' });
  try {
    const view = await viewOnwardLink(locals.ctx, params.token);
    return { ...view, content: noticeInLanguage(view.content, locals.locale), justReplied: Number(url.searchParams.get('replied')) || null, justPassedOn: url.searchParams.get('passed') };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

export const actions = {
  reply: async ({ request, locals, params }) => {
    const form = await request.formData();
    let values: Record<string, string> = {};
    let version: number;
    try {
      const read = readOnwardReply(form, await lotsOf(locals, params.token));
      values = read.values;
      version = (await submitOnwardReply(locals.ctx, params.token, read.reply)).version;
    } catch (e) {
      return problemFailure(e, locals, 'reply', values, (f) => f.replaceAll('/', '.'));
    }
    redirect(303, `/onward/${params.token}?replied=${version}`);
  },

  /** The customer passes the notice on to its own customers, one level deeper. */
  passOn: async (event) => {
    const { request, locals, params } = event;
    const form = await request.formData();
    let values: Record<string, string> = {};
    try {
      const read = readOnwardCustomer(form, await lotsOf(locals, params.token));
      values = read.values;
      const portalUrl = trustedPortalOrigin(event);
      if (!portalUrl) return fail(503, { action: 'passOn', message: translate(locals.locale, 'recalls.send.noPublicUrl'), problems: {}, values });
      await passOnFromLink(locals.ctx, params.token, { portalUrl, customer: read.customer });
    } catch (e) {
      return problemFailure(e, locals, 'passOn', values, (f) => f.replace(/^lots\/(\d+)\/quantity$/, 'lots.$1'));
    }
    redirect(303, `/onward/${params.token}?passed=1`);
  },
} satisfies Actions;
