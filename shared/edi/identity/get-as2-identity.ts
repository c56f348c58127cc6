import type { UseCaseContext } from '../../context.ts';
import { authoriseOperator, type Operator } from '../../auth/operator.ts';
import { readIdentityKeys, type IdentityKey } from './as2-identity-keys.ts';

export interface As2Identity {
  as2Id: string;
  /** Active key pairs, newest (the signing one) first: their certificates are what partners need. */
  active: IdentityKey[];
  /** Retired key pairs whose certificates have not expired: they still decrypt. */
  retired: IdentityKey[];
  /** The PEM of the signing certificate, what `as2 identity --cert-out` writes; undefined before the first start. */
  certificatePem: string | undefined;
}

/** Our AS2 id and certificates (public parts only). */
export async function getAs2Identity(ctx: UseCaseContext, by: Operator, input: { as2Id: string }): Promise<As2Identity> {
  authoriseOperator(by);
  const keys = await readIdentityKeys(ctx.db, ctx.clock.now());
  const active = keys.filter((k) => k.state === 'active');
  return {
    as2Id: input.as2Id,
    active,
    retired: keys.filter((k) => k.state === 'retired' && k.validity.warning !== 'expired'),
    certificatePem: active.find((k) => k.signs)?.certificatePem,
  };
}
