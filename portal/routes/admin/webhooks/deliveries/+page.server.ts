import { problem, refusal } from '$shared/errors.ts';
import { eventCatalogue } from '$shared/events/catalogue.ts';
import { listWebhookDeliveries, type DeliveryFilter } from '$shared/webhooks/list-webhook-deliveries.ts';
import { listWebhookEndpoints } from '$shared/webhooks/list-webhook-endpoints.ts';
import { replayWebhookDeliveries } from '$shared/webhooks/replay-webhook-deliveries.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { problemFailure } from '$lib/server/problems.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { positiveInt } from '../format.ts';
import { utcInstant } from '$lib/utc.ts';
import { field } from '$lib/server/form-fields.ts';
import type { Actions, PageServerLoad } from './$types';

const states = ['pending', 'succeeded', 'exhausted'] as const;
type DeliveryState = (typeof states)[number];
const isState = (s: string): s is DeliveryState => (states as readonly string[]).includes(s);

/** The filters are the page's query (a GET form), so a filtered log is a link to share. */
export const load = (async ({ locals, url }) => {
  const actor = requireActor(locals);
  const q = (name: string) => url.searchParams.get(name)?.trim() ?? '';
  const filters = { endpoint: q('endpoint'), state: q('state'), type: q('type'), from: q('from'), to: q('to') };
  const from = filters.from ? utcInstant(filters.from) : null;
  const to = filters.to ? utcInstant(filters.to, true) : null;
  const filter: DeliveryFilter = {
    endpointId: filters.endpoint || undefined,
    state: isState(filters.state) ? filters.state : undefined,
    eventType: filters.type || undefined,
    from: from ?? undefined,
    to: to ?? undefined,
    beforeId: positiveInt(url.searchParams.get('before')) ?? undefined,
    limit: 50,
  };
  try {
    const [{ endpoints }, log] = await Promise.all([listWebhookEndpoints(locals.ctx, actor), listWebhookDeliveries(locals.ctx, actor, filter)]);
    return {
      filters,
      // Only what the filters and the replay form need: no secrets on this page.
      endpoints: endpoints.map((e) => ({ id: e.id, url: e.url, description: e.description, state: e.state })),
      deliveries: log.deliveries,
      nextBeforeId: log.nextBeforeId,
      paged: filter.beforeId !== undefined,
      badDate: Boolean((filters.from && !from) || (filters.to && !to)),
      eventTypes: eventCatalogue.filter((e) => e.direction === 'outbound').map((e) => e.type),
    };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

export const actions = {
  replay: async ({ request, locals }) => {
    const raw = field(await request.formData(), 'deliveryId');
    try {
      // A malformed id is no delivery: the use case answers not_found (after its role check).
      const { replayed } = await replayWebhookDeliveries(locals.ctx, requireActor(locals), { deliveryId: positiveInt(raw) ?? 0 });
      return { action: 'replay' as const, deliveryId: raw, replayed };
    } catch (e) {
      return problemFailure(e, locals, 'replay', { deliveryId: raw });
    }
  },

  replayRange: async ({ request, locals }) => {
    const form = await request.formData();
    const endpointId = field(form, 'endpointId');
    const from = field(form, 'from');
    const to = field(form, 'to');
    const values = { endpointId, from, to };
    try {
      const actor = requireActor(locals);
      // Lists the endpoints first: that checks the role, then that the endpoint exists.
      const { endpoints } = await listWebhookEndpoints(locals.ctx, actor);
      if (!endpoints.some((e) => e.id === endpointId)) throw refusal('invalid_input', 'choose an endpoint', { endpointId: problem('webhooks.chooseEndpoint') });
      // Unreadable date-times go to the use case as typed, which refuses them by field.
      const { replayed } = await replayWebhookDeliveries(locals.ctx, actor, {
        endpointId,
        from: utcInstant(from) ?? from,
        to: utcInstant(to, true) ?? to,
      });
      return { action: 'replayRange' as const, endpointId, replayed };
    } catch (e) {
      return problemFailure(e, locals, 'replayRange', values);
    }
  },
} satisfies Actions;
