import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import { startPasskeySignature } from '../signatures/start-passkey-signature.ts';
import { prepareScarStepDecision, type DecideScarStepInput } from './decide-scar-step.ts';
import { prepareVerification, type VerifyScarInput } from './verify-scar.ts';
import { prepareClose, type CloseScarInput } from './close-scar.ts';
import { prepareCancel, type CancelScarInput } from './cancel-scar.ts';

type Unsigned<T> = Omit<T, 'credential' | 'portalUrl'>;

/** Which of QA's signed SCAR decisions is being signed, as entered. */
export type ScarSignatureInput =
  | ({ action: 'decide' } & Unsigned<DecideScarStepInput>)
  | ({ action: 'verify' } & Unsigned<VerifyScarInput>)
  | ({ action: 'close' } & Unsigned<CloseScarInput>)
  | ({ action: 'cancel' } & Unsigned<CancelScarInput>);

const prepare = {
  decide: prepareScarStepDecision,
  verify: prepareVerification,
  close: prepareClose,
  cancel: prepareCancel,
} as const;

/**
 * The first half of signing a SCAR decision with a passkey (a step accepted or returned, the
 * effectiveness verification, closing, cancelling): after the same checks as the decision
 * itself, a WebAuthn challenge derived from the hash of exactly that decision (the SCAR, the
 * step, the answer read, the comment, a new due date …) and its meaning. Anything changed before
 * the signature is finished makes the decision refuse the assertion.
 */
export async function startScarSignature(
  ctx: UseCaseContext,
  actor: Actor,
  rp: RelyingParty,
  input: ScarSignatureInput,
): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
  const { hash, meaning } = await (prepare[input.action] as (ctx: UseCaseContext, actor: Actor, input: ScarSignatureInput) => Promise<{ hash: string; meaning: 'approval' | 'rejection' | 'responsibility' }>)(ctx, actor, input);
  return startPasskeySignature(ctx, actor, rp, { recordHash: hash, meaning });
}
