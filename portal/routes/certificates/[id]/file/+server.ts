import { readCertificateFile } from '$shared/certificates/read-certificate-file.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { fileDownload } from '$lib/server/file-download.ts';
import type { RequestHandler } from './$types';

/** The certificate's PDF, to its supplier and the manufacturer's staff only (others: 404). */
export const GET: RequestHandler = async ({ locals, params }) => {
  try {
    return fileDownload(await readCertificateFile(locals.ctx, requireActor(locals), params.id));
  } catch (e) {
    loadFailure(e, locals);
  }
};
