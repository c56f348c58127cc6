import { readValidationFile } from '$shared/validation/read-validation-file.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { attachment } from '$lib/server/content-disposition.ts';
import type { RequestHandler } from './$types';

/** One file of an approved validation report (`json` or `pdf`), to the manufacturer's QA and administrators only (others: 404 or 403). */
export const GET: RequestHandler = async ({ locals, params }) => {
  try {
    const file = await readValidationFile(locals.ctx, requireActor(locals), params.id, params.kind);
    return new Response(file.bytes as Uint8Array<ArrayBuffer>, {
      headers: {
        'content-type': file.contentType,
        'content-length': String(file.bytes.length),
        'content-disposition': attachment(file.name),
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
