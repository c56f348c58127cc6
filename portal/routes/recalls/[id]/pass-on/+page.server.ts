import { fail } from '@sveltejs/kit';
import { translate } from '$shared/i18n/index.ts';
import { getPassedOn } from '$shared/recalls/get-passed-on.ts';
import { passOnNotice } from '$shared/recalls/pass-on-notice.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { trustedPortalOrigin } from '$lib/server/portal-origin.ts';
import { problemFailure } from '$lib/server/problems.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { readOnwardCustomer } from '$lib/server/onward-form.ts';
import type { Actions, PageServerLoad } from './$types';

/** A consignee's distributor user passes its notice on to its customers, one at a time, and sees whom it reached. */
export const load = (async ({ locals, params }) => {
  try {
    return await getPassedOn(locals.ctx, requireActor(locals), params.id);
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

export const actions = {
  default: async (event) => {
    const { request, locals, params } = event;
    const actor = requireActor(locals);
    const form = await request.formData();
    let values: Record<string, string> = {};
    try {
      const { lots } = await getPassedOn(locals.ctx, actor, params.id);
      const read = readOnwardCustomer(form, lots);
      values = read.values;
      const portalUrl = trustedPortalOrigin(event);
      if (!portalUrl) return fail(503, { action: 'passOn', message: translate(locals.locale, 'recalls.send.noPublicUrl'), problems: {}, values });
      await passOnNotice(locals.ctx, actor, { recallId: params.id, portalUrl, customer: read.customer });
      return { action: 'passOn' as const, done: { name: read.customer.name.trim(), email: read.customer.email.trim().toLowerCase() } };
    } catch (e) {
      return problemFailure(e, locals, 'passOn', values, (f) => f.replace(/^lots\/(\d+)\/quantity$/, 'lots.$1'));
    }
  },
} satisfies Actions;
