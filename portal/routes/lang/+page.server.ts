import { redirect } from '@sveltejs/kit';
import { isLocale } from '$shared/i18n/index.ts';
import { sameSitePath } from '$lib/server/same-site-path.ts';
import { rememberUserLocale } from '$shared/users/submission-mail-setting.ts';
import type { Actions } from './$types';

export const actions = {
  default: async ({ request, cookies, url, locals }) => {
    const form = await request.formData();
    const lang = form.get('lang');
    if (isLocale(lang)) {
      cookies.set('lang', lang, { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:', maxAge: 365 * 24 * 3600 });
      // A signed-in user's choice is also the language of the mails written to them alone.
      if (locals.actor) await rememberUserLocale(locals.ctx, locals.actor.userId, lang);
    }
    redirect(303, sameSitePath(form.get('redirectTo')));
  },
} satisfies Actions;
