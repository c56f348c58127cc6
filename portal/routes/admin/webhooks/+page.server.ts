import { createWebhookEndpoint } from '$shared/webhooks/create-webhook-endpoint.ts';
import { listWebhookEndpoints } from '$shared/webhooks/list-webhook-endpoints.ts';
import { rotateWebhookSecret } from '$shared/webhooks/rotate-webhook-secret.ts';
import { sendTestEvent } from '$shared/webhooks/send-test-event.ts';
import { setWebhookEndpointState } from '$shared/webhooks/set-webhook-endpoint-state.ts';
import { setWebhookEndpointInternal } from '$shared/webhooks/set-webhook-endpoint-internal.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { problemFailure } from '$lib/server/problems.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { field } from '$lib/server/form-fields.ts';
import type { Actions, PageServerLoad } from './$types';

// Authorisation is the use cases' (manufacturer_admin only): a refusal arrives here as the
// AppError 'forbidden' and leaves as HTTP 403, from the load and from every action alike.
// Malformed input is handed to them as it is, so they refuse it after that check.

export const load = (async ({ locals }) => {
  try {
    return await listWebhookEndpoints(locals.ctx, requireActor(locals));
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

export const actions = {
  create: async ({ request, locals }) => {
    const form = await request.formData();
    const url = field(form, 'url');
    const description = field(form, 'description');
    const internal = form.get('internal') === 'yes';
    try {
      const created = await createWebhookEndpoint(locals.ctx, requireActor(locals), { url, description, internal });
      return { action: 'create' as const, created };
    } catch (e) {
      return problemFailure(e, locals, 'create', { url, description, internal });
    }
  },

  setState: async ({ request, locals }) => {
    const form = await request.formData();
    const endpointId = field(form, 'endpointId');
    const state = field(form, 'state');
    const reason = field(form, 'reason').trim();
    try {
      await setWebhookEndpointState(locals.ctx, requireActor(locals), {
        endpointId,
        state: state as 'active' | 'paused',
        reason: state === 'paused' && reason ? reason : undefined,
      });
      return { action: 'setState' as const, endpointId, state };
    } catch (e) {
      return problemFailure(e, locals, 'setState', { endpointId, reason });
    }
  },

  setInternal: async ({ request, locals }) => {
    const form = await request.formData();
    const endpointId = field(form, 'endpointId');
    const internal = field(form, 'internal') === 'yes';
    try {
      await setWebhookEndpointInternal(locals.ctx, requireActor(locals), { endpointId, internal });
      return { action: 'setInternal' as const, endpointId, internal };
    } catch (e) {
      return problemFailure(e, locals, 'setInternal', { endpointId });
    }
  },

  rotate: async ({ request, locals }) => {
    const form = await request.formData();
    const endpointId = field(form, 'endpointId');
    const hours = field(form, 'overlapHours').trim();
    try {
      const rotated = await rotateWebhookSecret(locals.ctx, requireActor(locals), {
        endpointId,
        // An empty field keeps the use case's default; anything else is checked by it.
        overlapHours: hours === '' ? undefined : Number(hours),
      });
      return { action: 'rotate' as const, endpointId, rotated };
    } catch (e) {
      return problemFailure(e, locals, 'rotate', { endpointId, overlapHours: hours });
    }
  },

  test: async ({ locals }) => {
    try {
      const tested = await sendTestEvent(locals.ctx, requireActor(locals));
      return { action: 'test' as const, tested };
    } catch (e) {
      return problemFailure(e, locals, 'test');
    }
  },
} satisfies Actions;
