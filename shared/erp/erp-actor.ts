import type { AuditActor } from '../audit/entry.ts';
import type { Tx } from '../db/index.ts';
import type { OrganisationKind } from '../auth/actor.ts';
import { problem, refusal } from '../errors.ts';

/** Changes the ERP makes are audited as this partner system. */
export const erpActor: AuditActor = { type: 'partner', id: 'erp', name: 'ERP (signed webhook)' };

/** The organisation the ERP means by its own number, of the kind the event needs. */
export async function organisationByErpId(tx: Tx, erpId: string, kind: OrganisationKind, field: string): Promise<string> {
  const org = await tx.get<{ id: string; kind: OrganisationKind }>('SELECT id, kind FROM organisations WHERE erp_id = ?', [erpId]);
  if (!org) throw refusal('unprocessable', `no organisation has ERP id ${erpId}`, { [field]: problem('erp.unknownErpId', { erpId }) });
  if (org.kind !== kind) throw refusal('unprocessable', `ERP id ${erpId} is a ${org.kind}, not a ${kind}`, { [field]: problem('erp.wrongKind', { erpId, kind: org.kind, expected: kind }) });
  return org.id;
}
