import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

export const load = (({ locals }) => {
  redirect(303, locals.actor ? '/home' : '/login');
}) satisfies PageServerLoad;
