import type { UseCaseContext } from '../../context.ts';
import { authoriseOperator, type Operator } from '../../auth/operator.ts';
import type { PartnerKind } from './partner-profile.ts';

/** The suppliers and distributors a new EDI partner can be attached to (the add form's choices). */
export async function listPartnerOrganisations(ctx: UseCaseContext, by: Operator): Promise<{ id: string; name: string; kind: PartnerKind }[]> {
  authoriseOperator(by);
  return ctx.db.all("SELECT id, name, kind FROM organisations WHERE kind IN ('supplier', 'distributor') ORDER BY name, id");
}
