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
  erpId: string | null;
  createdAt: string;
}

export async function createOrganisation(
  ctx: UseCaseContext,
  by: AuditActor,
  input: { name: string; kind: string; erpId?: string },
): Promise<Organisation> {
  const name = input.name.trim();
  const fields: Record<string, string> = {};
  if (!name) fields.name = 'required';
  if (!organisationKinds.includes(input.kind as OrganisationKind)) fields.kind = `must be one of ${organisationKinds.join(', ')}`;
  const erpId = input.erpId?.trim() || null;
  if (erpId && !/^[^\s]{1,64}$/.test(erpId)) fields.erpId = 'must be 1 to 64 characters without spaces';
  if (Object.keys(fields).length) throw new AppError('invalid_input', 'the organisation is not valid', fields);

  const org: Organisation = { id: newId('org'), name, kind: input.kind as OrganisationKind, erpId, createdAt: ctx.clock.now().toISOString() };
  await ctx.db.transaction(async (tx) => {
    if (erpId && (await tx.get('SELECT id FROM organisations WHERE erp_id = ?', [erpId]))) {
      throw new AppError('conflict', `another organisation already has ERP id ${erpId}`, { erpId: 'already in use' });
    }
    await tx.run('INSERT INTO organisations (id, name, kind, erp_id, created_at) VALUES (?, ?, ?, ?, ?)', [org.id, org.name, org.kind, erpId, org.createdAt]);
    await recordAudit(tx, ctx.clock, {
      actor: by,
      organisationId: org.id,
      action: 'organisation.created',
      entityType: 'organisation',
      entityId: org.id,
      newValues: { name: org.name, kind: org.kind, erpId },
      requestId: ctx.requestId,
    });
  });
  return org;
}
