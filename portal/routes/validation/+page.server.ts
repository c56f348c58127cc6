import { redirect } from '@sveltejs/kit';
import { listValidationReports } from '$shared/validation/list-validation-reports.ts';
import { approveValidationReport } from '$shared/validation/approve-validation-report.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { problemFailure } from '$lib/server/problems.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { relyingParty } from '$lib/server/relying-party.ts';
import { signerCredential } from '$lib/server/signer-credential.ts';
import { readPackage } from './package-form.ts';
import type { Actions, PageServerLoad } from './$types';

// Authorisation is the use case's: the manufacturer's QA and administrators read, QA approves;
// suppliers and distributors get 404, the manufacturer's other roles 403.

export const load = (async ({ locals, url }) => {
  const actor = requireActor(locals);
  try {
    return { ...(await listValidationReports(locals.ctx, actor)), signer: actor.displayName, approved: url.searchParams.has('approved') };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;


export const actions = {
  /** QA uploads a validation package and approves it, signed with meaning approval. */
  approve: async (event) => {
    const form = await event.request.formData();
    const values = { deviation: String(form.get('deviation') ?? '') };
    try {
      await approveValidationReport(event.locals.ctx, requireActor(event.locals), relyingParty(event), event.locals.app.config.uploads, {
        ...(await readPackage(form)),
        credential: signerCredential(form),
      });
    } catch (e) {
      return problemFailure(e, event.locals, 'approve', values);
    }
    redirect(303, '/validation?approved=1#reports');
  },
} satisfies Actions;
