import type { UseCaseContext } from '../context.ts';
import type { AuditActor } from '../audit/entry.ts';
import { organisationKinds, type OrganisationKind } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';

export interface Organisation {
  id: string;
  name: string;
  kind: OrganisationKind;
  createdAt: string;
}

export async function createOrganisation(
  ctx: UseCaseContext,
  by: AuditActor,
  input: { name: string; kind: string },
): Promise<Organisation> {
  const name = input.name.trim();
  const fields: Record<string, string> = {};
  if (!name) fields.name = 'required';
  if (!organisationKinds.includes(input.kind as OrganisationKind)) fields.kind = `must be one of ${organisationKinds.join(', ')}`;
  if (Object.keys(fields).length) throw new AppError('invalid_input', 'the organisation is not valid', fields);

  const org: Organisation = { id: newId('org'), name, kind: input.kind as OrganisationKind, createdAt: ctx.clock.now().toISOString() };
  await ctx.db.transaction(async (tx) => {
    await tx.run('INSERT INTO organisations (id, name, kind, created_at) VALUES (?, ?, ?, ?)', [org.id, org.name, org.kind, org.createdAt]);
    await recordAudit(tx, ctx.clock, {
      actor: by,
      organisationId: org.id,
      action: 'organisation.created',
      entityType: 'organisation',
      entityId: org.id,
      newValues: { name: org.name, kind: org.kind },
      requestId: ctx.requestId,
    });
  });
  return org;
}
