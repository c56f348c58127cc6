// The three byte downloads of a logged AS2 message share this handler.
import { readEdiBytes, type EdiByteKind } from '$shared/edi/message-log/read-edi-bytes.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { attachment } from '$lib/server/content-disposition.ts';

/** RFC 6266: an ASCII fallback and the UTF-8 name. */
/** The stored bytes as an attachment: never rendered by the browser (sandboxed, not sniffed). */
export async function download(locals: App.Locals, id: string, kind: EdiByteKind): Promise<Response> {
  try {
    const file = await readEdiBytes(locals.ctx, requireActor(locals), { id, kind });
    return new Response(file.bytes as Uint8Array<ArrayBuffer>, {
      headers: {
        'content-type': file.contentType,
        'content-length': String(file.bytes.byteLength),
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
}
