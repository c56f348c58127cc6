import { fail } from '@sveltejs/kit';
import { listPasskeys } from '$shared/auth/list-passkeys.ts';
import { removePasskey } from '$shared/auth/remove-passkey.ts';
import { formFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { Actions, PageServerLoad } from './$types';

export const load = (async ({ locals }) => ({
  passkeys: await listPasskeys(locals.ctx, requireActor(locals)),
})) satisfies PageServerLoad;

export const actions = {
  remove: async ({ request, locals }) => {
    const id = (await request.formData()).get('id');
    if (typeof id !== 'string' || !id) return fail(400, { message: 'id is required' });
    try {
      await removePasskey(locals.ctx, requireActor(locals), id);
    } catch (e) {
      return formFailure(e, locals);
    }
    return { removed: true };
  },
} satisfies Actions;
