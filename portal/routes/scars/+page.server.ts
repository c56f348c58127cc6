import { listScars } from '$shared/scars/list-scars.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { PageServerLoad } from './$types';

/** QA and the administrator: every supplier's SCARs; a supplier: its own. The filters are the page's query. */
export const load = (async ({ locals, url }) => {
  const actor = requireActor(locals);
  const q = (name: string) => url.searchParams.get(name)?.trim() ?? '';
  const filters = { state: q('state'), supplier: q('supplier'), overdue: q('overdue') === '1' ? '1' : '' };
  try {
    const list = await listScars(locals.ctx, actor, { state: filters.state || undefined, supplierId: filters.supplier || undefined, overdue: filters.overdue === '1' });
    return { filters, list };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;
