import { readScarEvidence } from '$shared/scars/read-scar-evidence.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { fileResponse } from '$lib/server/file-response.ts';
import type { RequestHandler } from './$types';

/** One evidence file of a SCAR, to QA and the SCAR's supplier only (others: 404). */
export const GET: RequestHandler = async ({ locals, params }) => {
  try {
    return fileResponse(await readScarEvidence(locals.ctx, requireActor(locals), { scarId: params.id, evidenceId: params.evidenceId }));
  } catch (e) {
    loadFailure(e, locals);
  }
};
