import { redirect } from '@sveltejs/kit';
import { signOut } from '$shared/auth/sign-out.ts';
import { deleteSessionCookie } from '$lib/server/session-cookie.ts';
import type { Actions, PageServerLoad } from './$types';

export const load = (() => redirect(303, '/')) satisfies PageServerLoad;

export const actions = {
  default: async ({ locals, cookies, url }) => {
    if (locals.actor && locals.session) await signOut(locals.ctx, locals.actor, locals.session.id);
    deleteSessionCookie(cookies, url);
    redirect(303, '/login?signedOut');
  },
} satisfies Actions;
