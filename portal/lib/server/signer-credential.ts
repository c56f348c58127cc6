import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { AppError } from '$shared/errors.ts';
import type { SignerCredential } from '$shared/signatures/verify-signer.ts';
import { field } from './form-fields.ts';

/**
 * The re-authentication a signing form carries: a passkey assertion (put in its `passkey` field
 * by the page's script) or the password. A blank password goes to the use case, which refuses
 * it after its own checks (role, reason, state) without counting it as a failed attempt.
 */
export function signerCredential(form: FormData): SignerCredential {
  const passkey = field(form, 'passkey');
  if (!passkey) return { password: field(form, 'password') };
  let parsed: { challengeId?: unknown; response?: { id?: unknown } } | null = null;
  try {
    parsed = JSON.parse(passkey);
  } catch {
    // refused below
  }
  if (typeof parsed?.challengeId !== 'string' || typeof parsed.response?.id !== 'string') {
    throw new AppError('invalid_input', 'the passkey answer is incomplete: expected {challengeId, response}');
  }
  return { passkey: parsed as { challengeId: string; response: AuthenticationResponseJSON } };
}
