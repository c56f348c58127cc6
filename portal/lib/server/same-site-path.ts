/**
 * Only a path of this site is followed back after a form, never another host (no open
 * redirect): one leading slash, then no backslash and no control characters, which browsers
 * strip or turn into slashes ("/\t/evil.example" would become "//evil.example").
 */
export function sameSitePath(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//')) return fallback;
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return fallback;
  return value;
}
