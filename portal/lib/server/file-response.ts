import { attachment } from './content-disposition.ts';

/**
 * A stored file as a download: its own content type (never sniffed; a CSV table as UTF-8 text,
 * which checkAttachment made sure it is), always saved rather than shown (its name per RFC 6266),
 * no script can run in it, nothing keeps a copy, its SHA-256 as the ETag.
 */
export function fileResponse(file: { name: string; contentType: string; sha256: string; bytes: Uint8Array }): Response {
  return new Response(file.bytes as Uint8Array<ArrayBuffer>, {
    headers: {
      'content-type': file.contentType === 'text/csv' ? 'text/csv; charset=utf-8' : file.contentType,
      'content-length': String(file.bytes.byteLength),
      'content-disposition': attachment(file.name),
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'private, no-store',
      etag: `"sha256-${file.sha256}"`,
    },
  });
}
