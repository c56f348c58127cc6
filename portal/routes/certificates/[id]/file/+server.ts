import { readCertificateFile } from '$shared/certificates/read-certificate-file.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { RequestHandler } from './$types';

/** RFC 6266: an ASCII fallback and the UTF-8 name (Chinese file names survive). */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** The certificate's PDF, to its supplier and the manufacturer's staff only (others: 404). */
export const GET: RequestHandler = async ({ locals, params }) => {
  try {
    const file = await readCertificateFile(locals.ctx, requireActor(locals), locals.app.config.uploads, params.id);
    return new Response(file.bytes as Uint8Array<ArrayBuffer>, {
      headers: {
        'content-type': file.contentType,
        'content-length': String(file.bytes.length),
        'content-disposition': contentDisposition(file.name),
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
