import type { UseCaseContext } from '../../context.ts';
import type { Tx } from '../../db/index.ts';
import { generateIdentityKey } from './generate-identity-key.ts';
import { storeIdentityKey } from './store-identity-key.ts';
import { authoriseOperator, type Operator } from '../../auth/operator.ts';
import { manufacturerName, readIdentityKeys, type IdentityKey } from './as2-identity-keys.ts';

/**
 * On first start: when we have no active AS2 key pair, makes one (RSA-2048, self-signed,
 * CN = our AS2 id, O = the manufacturer, 3 years). Does nothing when one exists, also when
 * two processes start at once (the second finds the first's key under the write lock).
 */
export async function ensureAs2Identity(ctx: UseCaseContext, by: Operator, input: { as2Id: string }): Promise<{ created: boolean; key: IdentityKey }> {
  const { actor, organisationId } = authoriseOperator(by);
  const active = async (tx: Pick<Tx, 'all'>) => (await readIdentityKeys(tx, ctx.clock.now())).find((k) => k.state === 'active' && k.signs);
  const existing = await active(ctx.db);
  if (existing) return { created: false, key: existing };

  const generated = await generateIdentityKey({ as2Id: input.as2Id, organisation: await manufacturerName(ctx.db), now: ctx.clock.now() });
  return ctx.db.transaction(async (tx) => {
    const meanwhile = await active(tx);
    if (meanwhile) return { created: false, key: meanwhile };
    await storeIdentityKey(tx, ctx.clock, { actor, organisationId, action: 'as2_identity_key.created', reason: 'no active AS2 key pair: generated on start', requestId: ctx.requestId }, generated);
    return { created: true, key: (await active(tx))! };
  });
}
