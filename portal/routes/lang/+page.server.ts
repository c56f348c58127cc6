import { redirect } from '@sveltejs/kit';
import { isLocale } from '$shared/i18n/index.ts';
import { sameSitePath } from '$lib/server/same-site-path.ts';
import type { Actions } from './$types';

export const actions = {
  default: async ({ request, cookies, url }) => {
    const form = await request.formData();
    const lang = form.get('lang');
    if (isLocale(lang)) {
      cookies.set('lang', lang, { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:', maxAge: 365 * 24 * 3600 });
    }
    redirect(303, sameSitePath(form.get('redirectTo')));
  },
} satisfies Actions;
