import type { UseCaseContext } from '../context.ts';
import { asAuditActor, organisationKinds, requireRole, type Actor } from '../auth/actor.ts';
import { isAppError, refusal, problem, type Problems } from '../errors.ts';
import { maxNameLength } from '../users/limits.ts';
import { createOrganisation, type Organisation } from './create-organisation.ts';

/**
 * A manufacturer administrator adds a supplier or distributor organisation (its first user is
 * then invited on the users page). Audited by createOrganisation.
 */
export async function addOrganisation(ctx: UseCaseContext, actor: Actor, input: { name: string; kind: string; erpId?: string }): Promise<Organisation> {
  requireRole(actor, 'manufacturer_admin');
  const problems: Problems = {};
  const name = input.name.trim();
  const erpId = input.erpId?.trim() ?? '';
  if (!name) problems.name = problem('common.required');
  else if (name.length > maxNameLength) problems.name = problem('common.tooLong', { max: maxNameLength });
  if (!organisationKinds.includes(input.kind as never) || input.kind === 'manufacturer') problems.kind = problem('organisations.badKind');
  if (erpId && !/^[^\s]{1,64}$/.test(erpId)) problems.erpId = problem('organisations.badErpId');
  if (Object.keys(problems).length) throw refusal('invalid_input', 'the organisation is not valid', problems);
  try {
    return await createOrganisation(ctx, asAuditActor(actor), { name, kind: input.kind, erpId });
  } catch (e) {
    if (isAppError(e) && e.code === 'conflict') throw refusal('conflict', e.message, { erpId: problem('organisations.erpIdTaken') });
    throw e;
  }
}
