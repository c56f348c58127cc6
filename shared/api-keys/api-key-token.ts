import { createHash } from 'node:crypto';
import { randomBase32 } from '../ids.ts';

/**
 * An API key's token is "lbk_<id>_<secret>": the id finds the row, only SHA-256(secret) is
 * stored (like a session's), and the prefix lets secret scanners and people recognise it.
 */
const tokenShape = /^lbk_([a-z2-7]{24})_([a-z2-7]{32})$/;

export function newApiKeyToken(): { id: string; secret: string; token: string } {
  const id = randomBase32(15);
  const secret = randomBase32(20);
  return { id, secret, token: `lbk_${id}_${secret}` };
}

/** The id and secret of a well-formed token, else null. */
export function parseApiKeyToken(token: string): { id: string; secret: string } | null {
  const m = tokenShape.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : null;
}

/** Synchronous (node:crypto, also on Workers with nodejs_compat), as sessions hash theirs. */
export function hashApiKeySecret(secret: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(secret).digest());
}

export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  let diff = 0;
  for (let i = 0; i < a.byteLength; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
