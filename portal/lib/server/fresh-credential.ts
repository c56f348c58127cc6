import type { FreshCredential } from '$shared/auth/confirm-identity.ts';

/**
 * The re-authentication sent with a credential change: a passkey assertion (JSON, from the
 * page's script) when there is one, else the password field (possibly blank, which the use
 * case refuses without counting it).
 */
export function freshCredentialFrom(fields: { password?: unknown; passkey?: unknown }): FreshCredential | undefined {
  let passkey = fields.passkey;
  if (typeof passkey === 'string' && passkey) {
    try {
      passkey = JSON.parse(passkey);
    } catch {
      passkey = undefined;
    }
  }
  if (passkey && typeof passkey === 'object') {
    const p = passkey as { challengeId?: unknown; response?: unknown };
    if (typeof p.challengeId === 'string' && p.response && typeof p.response === 'object') {
      return { passkey: { challengeId: p.challengeId, response: p.response as never } };
    }
  }
  if (typeof fields.password === 'string') return { password: fields.password };
  return undefined;
}
