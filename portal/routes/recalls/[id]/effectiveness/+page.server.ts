import { getEffectivenessChecks } from '$shared/recalls/get-effectiveness-checks.ts';
import { drawEffectivenessChecks } from '$shared/recalls/draw-effectiveness-checks.ts';
import { recordEffectivenessCheck } from '$shared/recalls/record-effectiveness-check.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { problemFailure } from '$lib/server/problems.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { relyingParty } from '$lib/server/relying-party.ts';
import type { Actions, PageServerLoad } from './$types';
import { field } from '$lib/server/form-fields.ts';

export const load = (async ({ locals, params }) => {
  const actor = requireActor(locals);
  try {
    return { ...(await getEffectivenessChecks(locals.ctx, actor, params.id)), signer: actor.displayName };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

export const actions = {
  draw: async ({ locals, params }) => {
    try {
      const drawn = await drawEffectivenessChecks(locals.ctx, requireActor(locals), params.id);
      return { action: 'draw' as const, added: drawn.added };
    } catch (e) {
      return problemFailure(e, locals, 'draw');
    }
  },

  record: async (event) => {
    const { locals, params, request } = event;
    const form = await request.formData();
    const values = { distributorOrganisationId: field(form, 'distributorOrganisationId'), outcome: field(form, 'outcome'), method: field(form, 'method'), note: field(form, 'note') };
    try {
      await recordEffectivenessCheck(locals.ctx, requireActor(locals), relyingParty(event), {
        recallId: params.id,
        distributorOrganisationId: values.distributorOrganisationId,
        outcome: values.outcome,
        method: values.method,
        note: values.note,
        credential: { password: field(form, 'password') },
      });
    } catch (e) {
      return problemFailure(e, locals, 'record', values);
    }
    return { action: 'record' as const, distributorOrganisationId: values.distributorOrganisationId };
  },
} satisfies Actions;
