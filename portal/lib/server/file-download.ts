// A stored file as the portal hands it out: an attachment the browser never renders (sandboxed,
// not sniffed), never cached, tagged with the SHA-256 it was checked against.
import { attachment } from '$lib/server/content-disposition.ts';

export function fileDownload(file: { name: string; contentType: string; sha256: string; bytes: Uint8Array }): Response {
  return new Response(file.bytes as Uint8Array<ArrayBuffer>, {
    headers: {
      'content-type': file.contentType,
      'content-length': String(file.bytes.byteLength),
      'content-disposition': attachment(file.name),
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'private, no-store',
      etag: `"sha256-${file.sha256}"`,
    },
  });
}
