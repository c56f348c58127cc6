import { changePassword } from '$shared/users/change-password.ts';
import { problemFailure } from '$lib/server/problems.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { Actions, PageServerLoad } from './$types';

export const load = (async ({ locals }) => {
  requireActor(locals);
  return {};
}) satisfies PageServerLoad;

export const actions = {
  default: async ({ request, locals }) => {
    const form = await request.formData();
    const text = (name: string) => String(form.get(name) ?? '');
    try {
      const changed = await changePassword(locals.ctx, requireActor(locals), {
        sessionId: locals.session!.id,
        current: text('current'),
        password: text('password'),
        confirm: text('confirm'),
        locale: locals.locale,
      });
      return { changed: true, otherSessionsEnded: changed.otherSessionsEnded };
    } catch (e) {
      return problemFailure(e, locals, 'changePassword');
    }
  },
} satisfies Actions;
