/**
 * Paths whose last part is a secret (a recall notice link's token, an invitation token) are
 * logged without it: an access log is read by more people than the mailbox the link went to.
 */
const secretPaths = /^\/(notices|invite|onward)\/[^/]+/;

export function redactPath(pathname: string): string {
  return pathname.replace(secretPaths, '/$1/[redacted]');
}
