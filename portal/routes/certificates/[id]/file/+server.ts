import { readCertificateFile } from '$shared/certificates/read-certificate-file.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { RequestHandler } from './$types';
import { attachment } from '$lib/server/content-disposition.ts';

/** RFC 6266: an ASCII fallback and the UTF-8 name (Chinese file names survive). */
/** The certificate's PDF, to its supplier and the manufacturer's staff only (others: 404). */
export const GET: RequestHandler = async ({ locals, params }) => {
  try {
    const file = await readCertificateFile(locals.ctx, requireActor(locals), params.id);
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
