import { readInspectionFile } from '$shared/lots/read-inspection-file.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { attachment } from '$lib/server/content-disposition.ts';
import type { RequestHandler } from './$types';

/** A file attached to QA's decision on the lot, to the lot's supplier and the manufacturer's staff only (others: 404). */
export const GET: RequestHandler = async ({ locals, params }) => {
  try {
    const file = await readInspectionFile(locals.ctx, requireActor(locals), params.id, params.fileId);
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
