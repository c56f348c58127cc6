import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/entry.ts';

/** SHA-256 over the canonical JSON of a record version: what an electronic signature binds to (11.70). */
export function recordHash(version: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(version)).digest('hex');
}

export const signatureMeanings = ['authorship', 'review', 'approval', 'rejection', 'responsibility'] as const;
export type SignatureMeaning = (typeof signatureMeanings)[number];
