import type { RequestEvent } from '@sveltejs/kit';
import { sourceOf } from '$shared/auth/client-source.ts';

/**
 * Where a sign-in attempt comes from: the client's address as SvelteKit gives it, which the
 * Node entry sets to the peer or, only with TRUST_PROXY=true, to the last X-Forwarded-For
 * entry (the one our own proxy appended; the entries before it are the client's to choose).
 */
export function clientSource(event: RequestEvent): string {
  try {
    return sourceOf(event.getClientAddress());
  } catch {
    return sourceOf(undefined);
  }
}
