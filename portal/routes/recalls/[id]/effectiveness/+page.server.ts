import { fail } from '@sveltejs/kit';
import { getRecallDashboard } from '$shared/recalls/get-recall-dashboard.ts';
import { drawEffectivenessChecks, listEffectivenessChecks, sampleSize } from '$shared/recalls/draw-effectiveness-checks.ts';
import { effectivenessProblems, recordEffectivenessCheck } from '$shared/recalls/record-effectiveness-check.ts';
import { translate, type MessageKey } from '$shared/i18n/index.ts';
import { loadFailure, userMessage } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { Actions, PageServerLoad } from './$types';

export const load = (async ({ locals, params }) => {
  const actor = requireActor(locals);
  try {
    const { recall, counts } = await getRecallDashboard(locals.ctx, actor, params.id);
    return {
      recall,
      consignees: counts.consignees,
      sampleSize: sampleSize(recall.effectivenessLevel, counts.consignees),
      checks: await listEffectivenessChecks(locals.ctx.db, recall.id),
      canRecord: actor.role === 'manufacturer_qa',
    };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

const field = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' ? v : '';
};

/** The use case's stable field texts, in the user's language. */
const problemKeys = Object.fromEntries(Object.entries(effectivenessProblems).map(([code, text]) => [text, `effectiveness.problem.${code}` as MessageKey]));

function failure(e: unknown, locals: App.Locals, values: Record<string, string>) {
  const m = userMessage(e, locals.locale, locals.requestId, locals.log);
  const fields: Record<string, string> = {};
  for (const [name, text] of Object.entries(m.fields ?? {})) fields[name] = problemKeys[text] ? translate(locals.locale, problemKeys[text]) : text;
  const message = Object.keys(fields).length === 1 ? Object.values(fields)[0]! : m.message;
  return fail(m.status, { message, fields, values });
}

export const actions = {
  draw: async ({ locals, params }) => {
    try {
      const drawn = await drawEffectivenessChecks(locals.ctx, requireActor(locals), params.id);
      return { action: 'draw' as const, added: drawn.added };
    } catch (e) {
      return failure(e, locals, { action: 'draw' });
    }
  },

  record: async ({ locals, params, request }) => {
    const form = await request.formData();
    const values = { action: 'record', distributorOrganisationId: field(form, 'distributorOrganisationId'), outcome: field(form, 'outcome'), note: field(form, 'note') };
    try {
      await recordEffectivenessCheck(locals.ctx, requireActor(locals), {
        recallId: params.id,
        distributorOrganisationId: values.distributorOrganisationId,
        outcome: values.outcome,
        note: values.note,
      });
    } catch (e) {
      return failure(e, locals, values);
    }
    return { action: 'record' as const, distributorOrganisationId: values.distributorOrganisationId };
  },
} satisfies Actions;
