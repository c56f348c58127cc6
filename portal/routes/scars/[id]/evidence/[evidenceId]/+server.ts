import { readScarEvidence } from '$shared/scars/read-scar-evidence.ts';
import { attachment } from '$lib/server/content-disposition.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { RequestHandler } from './$types';

/** One evidence file of a SCAR, to QA and the SCAR's supplier only (others: 404). */
export const GET: RequestHandler = async ({ locals, params }) => {
  try {
    const file = await readScarEvidence(locals.ctx, requireActor(locals), { scarId: params.id, evidenceId: params.evidenceId });
    return new Response(file.bytes as Uint8Array<ArrayBuffer>, {
      headers: {
        'content-type': file.contentType,
        'content-length': String(file.bytes.length),
        'content-disposition': attachment(file.fileName),
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
        'cache-control': 'private, no-store',
        etag: `"sha256-${file.sha256}"`,
      },
    });
  } catch (e) {
    loadFailure(e, locals);
  }
};
