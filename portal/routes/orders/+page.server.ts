import { listPurchaseOrders } from '$shared/orders/list-purchase-orders.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { PageServerLoad } from './$types';

/** The filters are the page's query (a GET form), so a filtered list is a link to share. */
export const load = (async ({ locals, url }) => {
  const actor = requireActor(locals);
  const q = (name: string) => url.searchParams.get(name)?.trim() ?? '';
  const filters = { state: q('state'), supplier: q('supplier') };
  const page = Number(q('page'));
  try {
    const list = await listPurchaseOrders(locals.ctx, actor, { state: filters.state || undefined, supplierId: filters.supplier || undefined, page: Number.isInteger(page) && page > 0 ? page : 1 });
    return { filters, list };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;
