import { listEdiMessages } from '$shared/edi/message-log/list-edi-messages.ts';
import { isEdiDirection, isEdiLogState } from '$shared/edi/message-log/edi-log-states.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { utcInstant } from '$lib/utc.ts';
import type { PageServerLoad } from './$types';

// Authorisation is the use case's (manufacturer administrators and QA): anyone else gets its
// 'forbidden' AppError as HTTP 403.

/** The filters and page are the query (a GET form), so a view of the log is a link to share. */
export const load = (async ({ locals, url }) => {
  const q = (name: string) => url.searchParams.get(name)?.trim() ?? '';
  const filters = { partner: q('partner'), direction: q('direction'), state: q('state'), type: q('type'), from: q('from'), to: q('to') };
  const from = filters.from ? utcInstant(filters.from) : null;
  const to = filters.to ? utcInstant(filters.to, true) : null;
  const page = Number(q('page'));
  try {
    const actor = requireActor(locals);
    const log = await listEdiMessages(locals.ctx, actor, {
      partnerId: filters.partner || undefined,
      direction: isEdiDirection(filters.direction) ? filters.direction : undefined,
      state: isEdiLogState(filters.state) ? filters.state : undefined,
      messageType: filters.type || undefined,
      from: from ?? undefined,
      to: to ?? undefined,
      page: Number.isInteger(page) && page > 0 ? page : 1,
    });
    return { filters, log, badDate: Boolean((filters.from && !from) || (filters.to && !to)) };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;
