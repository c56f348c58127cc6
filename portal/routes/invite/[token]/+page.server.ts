import { redirect } from '@sveltejs/kit';
import { acceptInvitation, readInvitation } from '$shared/users/accept-invitation.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { problemFailure } from '$lib/server/problems.ts';
import type { Actions, PageServerLoad } from './$types';

// Public: the invitee has no password yet. The token is the only key, single use; only its
// hash is stored, and the access log shows this path as /invite/[redacted].

export const load = (async ({ locals, params }) => {
  try {
    return { invitation: await readInvitation(locals.ctx, params.token) };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

export const actions = {
  default: async ({ request, locals, params }) => {
    const form = await request.formData();
    const password = String(form.get('password') ?? '');
    const confirm = String(form.get('confirm') ?? '');
    try {
      await acceptInvitation(locals.ctx, { token: params.token, password, confirm });
    } catch (e) {
      return problemFailure(e, locals, 'setPassword');
    }
    redirect(303, '/login');
  },
} satisfies Actions;
