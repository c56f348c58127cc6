import { getAccountSettings, setSubmissionMail } from '$shared/users/submission-mail-setting.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { problemFailure } from '$lib/server/problems.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { Actions, PageServerLoad } from './$types';

export const load = (async ({ locals }) => {
  try {
    return { settings: await getAccountSettings(locals.ctx, requireActor(locals)) };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

export const actions = {
  /** The checkbox is sent only when ticked: absent means off. */
  submissionMail: async ({ request, locals }) => {
    const on = (await request.formData()).get('submissionMail') === 'on';
    try {
      await setSubmissionMail(locals.ctx, requireActor(locals), { on });
    } catch (e) {
      return problemFailure(e, locals, 'submissionMail');
    }
    return { action: 'submissionMail' as const, on };
  },
} satisfies Actions;
