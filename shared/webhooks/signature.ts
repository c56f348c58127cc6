import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors.ts';

/**
 * Standard Webhooks v1 signatures: HMAC-SHA256 over "<webhook-id>.<webhook-timestamp>.<body>"
 * with the base64 bytes of a `whsec_` secret, sent as "v1,<base64>"; several signatures are
 * separated by spaces (secret rotation).
 */
export const secretPrefix = 'whsec_';
export const toleranceSeconds = 5 * 60;

export function generateSecret(): string {
  return secretPrefix + randomBytes(32).toString('base64');
}

function secretBytes(secret: string): Buffer {
  const raw = secret.startsWith(secretPrefix) ? secret.slice(secretPrefix.length) : secret;
  const bytes = Buffer.from(raw, 'base64');
  if (bytes.length < 16) throw new AppError('invalid_input', 'a webhook secret must be "whsec_" and at least 16 bytes of base64');
  return bytes;
}

export function isValidSecret(secret: string): boolean {
  try {
    return secret.startsWith(secretPrefix) && secretBytes(secret).length >= 16;
  } catch {
    return false;
  }
}

export function sign(secret: string, id: string, timestamp: number, body: string): string {
  return 'v1,' + createHmac('sha256', secretBytes(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
}

/** The three headers for one delivery, signed with every secret given (old and new during rotation). */
export function signatureHeaders(secrets: string[], id: string, timestamp: number, body: string): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => sign(s, id, timestamp, body)).join(' '),
  };
}

/**
 * Verifies an incoming webhook against any of `secrets`: timestamp within the tolerance either
 * way, and a constant-time match of one v1 signature. Throws `unauthenticated` saying which
 * check failed (never which secret or what was expected).
 */
export function verifySignature(
  secrets: string[],
  headers: { id: string | null | undefined; timestamp: string | null | undefined; signature: string | null | undefined },
  body: string,
  now: Date,
): { id: string; timestamp: number } {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) throw new AppError('unauthenticated', 'missing webhook-id, webhook-timestamp or webhook-signature header');
  if (!/^\d{1,12}$/.test(timestamp)) throw new AppError('unauthenticated', 'webhook-timestamp must be whole seconds since 1970');
  const ts = Number(timestamp);
  const skew = Math.abs(now.getTime() / 1000 - ts);
  if (skew > toleranceSeconds) {
    throw new AppError('unauthenticated', `webhook-timestamp is ${Math.round(skew)} s away from our clock (tolerance ${toleranceSeconds} s)`);
  }
  const offered = signature
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'));
  for (const secret of secrets) {
    const expected = Buffer.from(sign(secret, id, ts, body).slice(3), 'base64');
    if (offered.some((o) => o.length === expected.length && timingSafeEqual(o, expected))) return { id, timestamp: ts };
  }
  throw new AppError('unauthenticated', 'no webhook-signature matches the body with our secret');
}
