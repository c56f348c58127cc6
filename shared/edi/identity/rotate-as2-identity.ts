import type { UseCaseContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { generateIdentityKey } from './generate-identity-key.ts';
import { authoriseOperator, type Operator } from '../../auth/operator.ts';
import { manufacturerName, readIdentityKeys, type IdentityKey } from './as2-identity-keys.ts';
import { storeIdentityKey } from './store-identity-key.ts';

/**
 * Makes a new key pair that signs from now on. The previous keys stay active, so messages
 * partners still encrypt to the old certificate decrypt, until an administrator retires them
 * (and even then until they expire).
 */
export async function rotateAs2Identity(
  ctx: UseCaseContext,
  by: Operator,
  input: { as2Id: string; reason?: string },
): Promise<{ key: IdentityKey; previous: IdentityKey[] }> {
  const { actor, organisationId } = authoriseOperator(by);
  const generated = await generateIdentityKey({ as2Id: input.as2Id, organisation: await manufacturerName(ctx.db), now: ctx.clock.now() });
  return ctx.db.transaction(async (tx) => {
    const id = await storeIdentityKey(
      tx,
      ctx.clock,
      { actor, organisationId, action: 'as2_identity_key.rotated', reason: input.reason?.trim() || undefined, requestId: ctx.requestId },
      generated,
    );
    const keys = await readIdentityKeys(tx, ctx.clock.now());
    const key = keys.find((k) => k.id === id);
    if (!key?.signs) throw new AppError('conflict', 'the new AS2 key pair is not the signing one; another rotation ran at the same time');
    return { key, previous: keys.filter((k) => k.id !== id && k.state === 'active') };
  });
}
