/** Only a path of this site is followed back after a form, never another host (no open redirect). */
export function sameSitePath(value: unknown, fallback = '/'): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : fallback;
}
