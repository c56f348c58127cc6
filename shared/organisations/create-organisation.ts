import type { UseCaseContext } from '../context.ts';
import type { AuditActor } from '../audit/entry.ts';
import { organisationKinds, type OrganisationKind } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { problem, refusal, type Problems } from '../errors.ts';
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
  const fields: Problems = {};
  if (!name) fields.name = problem('common.required');
  if (!organisationKinds.includes(input.kind as OrganisationKind)) fields.kind = problem('organisations.badKind');
  const erpId = input.erpId?.trim() || null;
  if (erpId && !/^[^\s]{1,64}$/.test(erpId)) fields.erpId = problem('organisations.badErpId');
  if (Object.keys(fields).length) throw refusal('invalid_input', 'the organisation is not valid', fields);

  const org: Organisation = { id: newId('org'), name, kind: input.kind as OrganisationKind, erpId, createdAt: ctx.clock.now().toISOString() };
  await ctx.db.transaction(async (tx) => {
    if (erpId && (await tx.get('SELECT id FROM organisations WHERE erp_id = ?', [erpId]))) {
      throw refusal('conflict', `another organisation already has ERP id ${erpId}`, { erpId: problem('organisations.erpIdTaken') });
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
