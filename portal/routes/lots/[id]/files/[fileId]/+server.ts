import { readInspectionFile } from '$shared/lots/read-inspection-file.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { fileResponse } from '$lib/server/file-response.ts';
import type { RequestHandler } from './$types';

/** A file attached to QA's decision on the lot, to the lot's supplier and the manufacturer's staff only (others: 404). */
export const GET: RequestHandler = async ({ locals, params }) => {
  try {
    return fileResponse(await readInspectionFile(locals.ctx, requireActor(locals), params.id, params.fileId));
  } catch (e) {
    loadFailure(e, locals);
  }
};
