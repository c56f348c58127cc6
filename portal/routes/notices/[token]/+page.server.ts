import { redirect } from '@sveltejs/kit';
import { signInWithPassword } from '$shared/auth/sign-in-with-password.ts';
import { clientSource } from '$lib/server/client-source.ts';
import { viewNoticeLink } from '$shared/recalls/view-notice-link.ts';
import { noticeInLanguage } from '$shared/recalls/get-notice-data.ts';
import { claimNoticeAccount } from '$shared/recalls/claim-notice-account.ts';
import { requestNoticeClaimCode } from '$shared/recalls/request-notice-claim-code.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { problemFailure } from '$lib/server/problems.ts';
import { setSessionCookie } from '$lib/server/session-cookie.ts';
import type { Actions, PageServerLoad } from './$types';

export const load = (async ({ locals, params }) => {
  try {
    const view = await viewNoticeLink(locals.ctx, locals.actor, params.token);
    return { token: params.token, ...view, content: noticeInLanguage(view.content, locals.locale), replyPath: `/recalls/${view.notice.recallId}/reply` };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

export const actions = {
  /**
   * A recipient without an account asks for a one-time code, mailed to the notice's address:
   * the link alone creates nothing.
   */
  claim: async ({ request, locals, params }) => {
    const form = await request.formData();
    const values = { email: String(form.get('email') ?? ''), displayName: String(form.get('displayName') ?? '') };
    try {
      const sent = await requestNoticeClaimCode(locals.ctx, { token: params.token, ...values, locale: locals.locale });
      return { action: 'claim', codeSent: { claimId: sent.claimId, email: sent.email, displayName: values.displayName.trim() } };
    } catch (e) {
      return problemFailure(e, locals, 'claim', values);
    }
  },

  /** The right code, in time, creates the account for the address it went to and signs it in to reply. */
  verify: async (event) => {
    const { request, locals, params, cookies, url } = event;
    const form = await request.formData();
    const text = (name: string) => String(form.get(name) ?? '');
    const values = { claimId: text('claimId'), email: text('email'), displayName: text('displayName') };
    let recallId: string;
    try {
      const claimed = await claimNoticeAccount(locals.ctx, { token: params.token, claimId: values.claimId, code: text('code'), password: text('password'), confirm: text('confirm') });
      recallId = claimed.recallId;
      const signedIn = await signInWithPassword(locals.ctx, { email: claimed.email, password: text('password'), source: clientSource(event) });
      setSessionCookie(cookies, url, signedIn.token, signedIn.session, locals.app.policy);
    } catch (e) {
      return problemFailure(e, locals, 'verify', values);
    }
    redirect(303, `/recalls/${recallId}/reply`);
  },
} satisfies Actions;
