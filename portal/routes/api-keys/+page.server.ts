import { listApiKeys } from '$shared/api-keys/list-api-keys.ts';
import { revokeApiKey } from '$shared/api-keys/revoke-api-key.ts';
import { createApiKey, defaultApiKeyDays, maxApiKeyDays } from '$shared/api-keys/create-api-key.ts';
import { confirmIdentity } from '$shared/auth/confirm-identity.ts';
import { listPasskeys } from '$shared/auth/list-passkeys.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { problemFailure } from '$lib/server/problems.ts';
import { freshCredentialFrom } from '$lib/server/fresh-credential.ts';
import { relyingParty } from '$lib/server/relying-party.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { field as text, fields } from '$lib/server/form-fields.ts';
import type { Actions, PageServerLoad } from './$types';

// The organisation's administrators manage its API keys (the use cases refuse anyone else with
// 'forbidden' and another organisation's key with 'not_found'). Creating a key grants a system
// lasting power, so it needs a fresh credential in the same request (21 CFR 11.300), exactly as
// a change of the administrator's own credentials does.

const day = 86_400_000;
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export const load = (async ({ locals }) => {
  try {
    const actor = requireActor(locals);
    const list = await listApiKeys(locals.ctx, actor);
    const today = locals.ctx.clock.now().getTime();
    return {
      list,
      hasPasskey: (await listPasskeys(locals.ctx, actor)).length > 0,
      expiry: { default: dateOf(today + defaultApiKeyDays * day), min: dateOf(today + day), max: dateOf(today + maxApiKeyDays * day) },
    };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

export const actions = {
  create: async (event) => {
    const { request, locals } = event;
    const actor = requireActor(locals);
    const form = await request.formData();
    const scopes = fields(form, 'scope');
    const values = { name: text(form, 'name'), expiresOn: text(form, 'expiresOn'), scopes: scopes.join(' ') };
    // The chosen day as whole days from today (UTC); a blank date keeps the default.
    const today = Date.parse(dateOf(locals.ctx.clock.now().getTime()));
    const expiresInDays = values.expiresOn ? (Date.parse(values.expiresOn) - today) / day : undefined;
    try {
      await confirmIdentity(locals.ctx, actor, relyingParty(event), {
        sessionId: locals.session!.id,
        credential: freshCredentialFrom({ password: form.get('password') ?? '', passkey: form.get('passkey') }),
      });
      const created = await createApiKey(locals.ctx, actor, { name: values.name, scopes, expiresInDays });
      // The token leaves once, in this answer; the page never loads it again.
      return { action: 'create', created: { name: created.name, token: created.token, scopes: created.scopes, expiresAt: created.expiresAt } };
    } catch (e) {
      return problemFailure(e, locals, 'create', values, (f) => (f === 'expiresInDays' ? 'expiresOn' : f));
    }
  },

  revoke: async ({ request, locals }) => {
    const apiKeyId = text(await request.formData(), 'apiKeyId');
    try {
      await revokeApiKey(locals.ctx, requireActor(locals), { apiKeyId, locale: locals.locale });
      return { action: 'revoke', done: apiKeyId };
    } catch (e) {
      return problemFailure(e, locals, 'revoke', { apiKeyId });
    }
  },
} satisfies Actions;
