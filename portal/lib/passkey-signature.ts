import { startAuthentication } from '@simplewebauthn/browser';
import type { Problems } from '$shared/errors.ts';

/** The first half was refused: the server's message and its field problems (under the form's names). */
export class SignatureRefused extends Error {
  constructor(
    message: string,
    readonly problems: Problems,
  ) {
    super(message);
  }
}

/**
 * In the browser: a passkey signature over a form's decision. The form as entered goes to its
 * `sign` endpoint for a challenge bound to exactly that decision; the passkey's assertion comes
 * back as the value of the form's `passkey` field, with the rest of the server's answer (a new
 * record's minted id). Throws SignatureRefused when the server refuses the decision.
 */
export async function passkeySignature(url: string, body: FormData): Promise<{ passkey: string; answer: Record<string, unknown> }> {
  const started = await fetch(url, { method: 'POST', body });
  const answer = await started.json();
  if (!started.ok) throw new SignatureRefused(answer.message, answer.problems ?? {});
  const response = await startAuthentication({ optionsJSON: answer.options });
  return { passkey: JSON.stringify({ challengeId: answer.challengeId, response }), answer };
}
