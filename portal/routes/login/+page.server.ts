import { redirect } from '@sveltejs/kit';
import { rememberUserLocale } from '$shared/users/submission-mail-setting.ts';
import { isAppError } from '$shared/errors.ts';
import { signInWithPassword } from '$shared/auth/sign-in-with-password.ts';
import { translate } from '$shared/i18n/index.ts';
import { problemFailure } from '$lib/server/problems.ts';
import { setSessionCookie } from '$lib/server/session-cookie.ts';
import { sameSitePath } from '$lib/server/same-site-path.ts';
import { clientSource } from '$lib/server/client-source.ts';
import type { Actions, PageServerLoad } from './$types';

/** `?email=` as the value of the address field when it is one plausible address, else nothing. */
function addressToFillIn(value: string | null): string {
  return value && value.length <= 254 && /^[^\s@<>"'`]+@[^\s@<>"'`]+\.[^\s@<>"'`]+$/.test(value) ? value : '';
}

export const load = (({ locals, url }) => {
  if (locals.actor) redirect(303, sameSitePath(url.searchParams.get('redirectTo'), '/home'));
  return {
    ended: url.searchParams.has('ended'),
    signedOut: url.searchParams.has('signedOut'),
    // A notice link leads here with its addressee filled in: an address, nothing else.
    email: addressToFillIn(url.searchParams.get('email')),
  };
}) satisfies PageServerLoad;

export const actions = {
  default: async (event) => {
    const { request, locals, cookies, url } = event;
    const form = await request.formData();
    const email = String(form.get('email') ?? '');
    const password = String(form.get('password') ?? '');
    let signedIn;
    try {
      signedIn = await signInWithPassword(locals.ctx, { email, password, source: clientSource(event) });
    } catch (e) {
      // An alert for the operators as well as the audit entry (21 CFR 11.300(d)).
      if (isAppError(e) && e.code === 'account_locked') locals.log.warn('sign-in refused: address locked', { email });
      if (isAppError(e) && e.code === 'too_many_attempts') locals.log.warn('sign-in refused: too many failures from this source', { email });
      const failure = problemFailure(e, locals, 'signIn', { email });
      // A form left empty says so above the form; each empty field says "Required." beside it.
      if (isAppError(e) && e.code === 'invalid_input') failure.data.message = translate(locals.locale, 'error.invalid_input');
      return failure;
    }
    setSessionCookie(cookies, url, signedIn.token, signedIn.session, locals.app.policy);
    await rememberUserLocale(locals.ctx, signedIn.session.userId, locals.locale);
    redirect(303, sameSitePath(url.searchParams.get('redirectTo'), '/home'));
  },
} satisfies Actions;
