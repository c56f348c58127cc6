import { listMail } from '$shared/mail/list-mail.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { PageServerLoad } from './$types';

// Authorisation is the use case's (manufacturer_admin only): anyone else gets its
// 'forbidden' AppError as HTTP 403.

/** The filter and page are the query (a GET form), so a view of the log is a link to share. */
export const load = (async ({ locals, url }) => {
  const state = url.searchParams.get('state')?.trim() ?? '';
  const page = Number(url.searchParams.get('page'));
  try {
    const log = await listMail(locals.ctx, requireActor(locals), { state: state || undefined, page: Number.isInteger(page) && page > 0 ? page : 1 });
    return { state, log };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;
