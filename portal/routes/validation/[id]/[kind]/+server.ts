import { readValidationFile } from '$shared/validation/read-validation-file.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { fileResponse } from '$lib/server/file-response.ts';
import type { RequestHandler } from './$types';

/** One file of an approved validation report (`json` or `pdf`), to the manufacturer's QA and administrators only (others: 404 or 403). */
export const GET: RequestHandler = async ({ locals, params }) => {
  try {
    return fileResponse(await readValidationFile(locals.ctx, requireActor(locals), params.id, params.kind));
  } catch (e) {
    loadFailure(e, locals);
  }
};
