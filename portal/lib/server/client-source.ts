import type { RequestEvent } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';
import { sourceOf } from '$shared/auth/client-source.ts';

/** TRUST_PROXY=true (or 1, yes, on): one reverse proxy in front of us appends the client's address to X-Forwarded-For. */
export function trustProxy(): boolean {
  return /^(1|true|yes|on)$/i.test((env.TRUST_PROXY ?? '').trim());
}

/**
 * Where a sign-in attempt comes from: the address the server sees, or, only when TRUST_PROXY
 * is set, the last X-Forwarded-For entry (the one our own proxy appended; the entries before
 * it are whatever the client chose to send).
 */
export function clientSource(event: RequestEvent): string {
  if (trustProxy()) {
    const forwarded = (event.request.headers.get('x-forwarded-for') ?? '').split(',').map((s) => s.trim()).filter(Boolean).at(-1);
    if (forwarded) return sourceOf(forwarded);
  }
  try {
    return sourceOf(event.getClientAddress());
  } catch {
    return sourceOf(undefined);
  }
}
