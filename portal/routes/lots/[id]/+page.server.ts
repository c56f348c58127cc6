import { getLot } from '$shared/lots/get-lot.ts';
import { inspectLot, maxAttachments } from '$shared/lots/inspect-lot.ts';
import { decideScars } from '$shared/scars/scar-record.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { problemFailure } from '$lib/server/problems.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { relyingParty } from '$lib/server/relying-party.ts';
import { trustedPortalOrigin } from '$lib/server/portal-origin.ts';
import { signerCredential } from '$lib/server/signer-credential.ts';
import { measurementRows, readInspection } from './inspection-form.ts';
import type { Actions, PageServerLoad } from './$types';

export const load = (async ({ locals, params, url }) => {
  const actor = requireActor(locals);
  try {
    const detail = await getLot(locals.ctx, actor, params.id);
    // A rejected lot leads QA on to a corrective action request (SCAR) with its supplier.
    const openScar = detail.lot.state === 'rejected' && decideScars.allows(actor);
    return {
      ...detail,
      justSubmitted: url.searchParams.has('submitted'),
      signer: actor.displayName,
      measurementRows,
      maxAttachments,
      maxMb: Math.round(locals.app.config.uploads.maxBytes / (1024 * 1024)),
      openScar,
    };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

export const actions = {
  /** QA's signed decision after incoming inspection: accept, accept with deviation or reject, with attached files. */
  inspect: async (event) => {
    const form = await event.request.formData();
    const { values, input, fieldName } = await readInspection(form, event.params.id, event.locals.app.config.uploads);
    try {
      await inspectLot(event.locals.ctx, requireActor(event.locals), relyingParty(event), {
        ...input,
        credential: signerCredential(form),
        portalUrl: trustedPortalOrigin(event) ?? undefined,
      });
    } catch (e) {
      return problemFailure(e, event.locals, 'inspect', values, fieldName);
    }
    return { action: 'inspect' as const, done: true };
  },
} satisfies Actions;
