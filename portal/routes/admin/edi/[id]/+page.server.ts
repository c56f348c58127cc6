import { fail } from '@sveltejs/kit';
import { getEdiMessage } from '$shared/edi/message-log/get-edi-message.ts';
import { reprocessEdiMessage } from '$shared/edi/message-log/reprocess-edi-message.ts';
import { isAppError } from '$shared/errors.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { problemFailure } from '$lib/server/problems.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { field } from '$lib/server/form-fields.ts';
import type { Actions, PageServerLoad } from './$types';

// Authorisation is the use cases': the message is for administrators and QA (others: 403),
// reprocessing and the byte downloads for administrators only.

export const load = (async ({ locals, params }) => {
  try {
    return { message: await getEdiMessage(locals.ctx, requireActor(locals), { id: params.id }) };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

export const actions = {
  reprocess: async ({ request, locals, params }) => {
    const reason = field(await request.formData(), 'reason');
    try {
      const result = await reprocessEdiMessage(locals.ctx, requireActor(locals), { id: params.id, reason });
      return { action: 'reprocess' as const, result: { interchanges: result.interchanges, accepted: result.accepted, rejected: result.rejected } };
    } catch (e) {
      // A refusal of the reprocess itself says exactly what stands in the way (English, as the audit trail).
      if (isAppError(e) && e.code === 'conflict') return fail(409, { action: 'reprocess', message: e.message, problems: {}, values: { reason } });
      return problemFailure(e, locals, 'reprocess', { reason });
    }
  },
} satisfies Actions;
