/**
 * Only a path of this site is followed back after a form, never another host (no open
 * redirect): one leading slash, then printable ASCII only (no backslash, no control
 * characters, no spaces or other Unicode, which browsers strip, fold or turn into slashes:
 * "/\t/evil.example" would become "//evil.example"). Paths this portal builds are already
 * percent-encoded; anything else could not even be sent as a Location header (a 500).
 */
export function sameSitePath(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//')) return fallback;
  if (!/^[\x21-\x7e]*$/.test(value) || value.includes('\\')) return fallback;
  return value;
}
