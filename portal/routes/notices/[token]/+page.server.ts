import { error, fail, redirect } from '@sveltejs/kit';
import { isAppError } from '$shared/errors.ts';
import { translate } from '$shared/i18n/index.ts';
import { signInWithPassword } from '$shared/auth/sign-in-with-password.ts';
import { checkNoticeToken } from '$shared/recalls/notice-link.ts';
import { openNoticeLink } from '$shared/recalls/open-notice-link.ts';
import { getNoticeData } from '$shared/recalls/get-notice-data.ts';
import { claimNoticeAccount } from '$shared/recalls/claim-notice-account.ts';
import { formFailure, loadFailure } from '$lib/server/errors.ts';
import { setSessionCookie } from '$lib/server/session-cookie.ts';
import type { Actions, PageServerLoad } from './$types';

export const load = (async ({ locals, params }) => {
  const check = await checkNoticeToken(locals.ctx.db, params.token, locals.ctx.clock.now());
  if (!check.ok) {
    const expired = check.reason === 'expired';
    error(expired ? 403 : 404, { message: translate(locals.locale, expired ? 'noticeLink.expired' : 'noticeLink.invalid'), requestId: locals.requestId });
  }
  try {
    const actor = locals.actor;
    const notice = await openNoticeLink(locals.ctx, params.token, { countOpening: actor?.organisationKind !== 'manufacturer' });
    const content = await getNoticeData(locals.ctx.db, { recallId: notice.recallId, distributorOrganisationId: notice.distributorOrganisationId });
    return {
      token: params.token,
      notice,
      content,
      signedInHere: actor?.organisationId === notice.distributorOrganisationId && actor.role === 'distributor_user',
      signedInElsewhere: !!actor && actor.organisationId !== notice.distributorOrganisationId,
      replyPath: `/recalls/${notice.recallId}/reply`,
    };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

export const actions = {
  /** A recipient without an account makes one here and is signed in to reply. */
  claim: async ({ request, locals, params, cookies, url }) => {
    const form = await request.formData();
    const email = String(form.get('email') ?? '');
    const displayName = String(form.get('displayName') ?? '');
    const password = String(form.get('password') ?? '');
    let recallId: string;
    try {
      if (password !== String(form.get('confirm') ?? '')) {
        return fail(400, { message: translate(locals.locale, 'noticeLink.passwordsDiffer'), fields: { confirm: translate(locals.locale, 'noticeLink.passwordsDiffer') }, values: { email, displayName } });
      }
      recallId = (await claimNoticeAccount(locals.ctx, { token: params.token, email, displayName, password })).recallId;
      const signedIn = await signInWithPassword(locals.ctx, { email, password });
      setSessionCookie(cookies, url, signedIn.token, signedIn.session, locals.app.policy);
    } catch (e) {
      const failure = formFailure(e, locals, { email, displayName });
      if (isAppError(e) && e.code === 'conflict') return fail(409, { ...failure.data, message: translate(locals.locale, 'noticeLink.accountExists') });
      return failure;
    }
    redirect(303, `/recalls/${recallId}/reply`);
  },
} satisfies Actions;
