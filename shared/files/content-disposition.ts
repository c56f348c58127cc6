/**
 * `Content-Disposition: attachment` for a download named `name`: an ASCII fallback (quotes and
 * backslashes replaced, so a name cannot end the header's quoted string) and the exact name in
 * UTF-8 (RFC 6266).
 */
export function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
