import { fail } from '@sveltejs/kit';
import { listPasskeys } from '$shared/auth/list-passkeys.ts';
import { removePasskey } from '$shared/auth/remove-passkey.ts';
import { problemFailure } from '$lib/server/problems.ts';
import { freshCredentialFrom } from '$lib/server/fresh-credential.ts';
import { relyingParty } from '$lib/server/relying-party.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { Actions, PageServerLoad } from './$types';

export const load = (async ({ locals }) => ({
  passkeys: await listPasskeys(locals.ctx, requireActor(locals)),
})) satisfies PageServerLoad;

export const actions = {
  /** Removes a passkey: the current password (or a passkey assertion) comes with the same request. */
  remove: async (event) => {
    const { request, locals } = event;
    const actor = requireActor(locals);
    const form = await request.formData();
    const id = form.get('id');
    if (typeof id !== 'string' || !id) return fail(400, { message: 'id is required' });
    try {
      await removePasskey(locals.ctx, actor, relyingParty(event), {
        sessionId: locals.session!.id,
        credentialId: id,
        credential: freshCredentialFrom({ password: form.get('password') ?? '', passkey: form.get('passkey') }),
        locale: locals.locale,
      });
    } catch (e) {
      return problemFailure(e, locals, 'remove');
    }
    return { removed: true };
  },
} satisfies Actions;
