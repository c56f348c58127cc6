import type { AuditActor } from '../../audit/entry.ts';
import { asAuditActor, requireRole, type Actor } from '../../auth/actor.ts';

/** Who manages EDI partners and our AS2 identity: a manufacturer administrator, or the system (CLI, start-up). */
export type PartnerOperator = Actor | (AuditActor & { type: 'system' });

/** Refuses anyone but a manufacturer administrator or the system; returns the audit actor. */
export function authorisePartnerOperator(by: PartnerOperator): { actor: AuditActor; organisationId: string | null } {
  if ('role' in by) {
    requireRole(by, 'manufacturer_admin');
    return { actor: asAuditActor(by), organisationId: by.organisationId };
  }
  return { actor: by, organisationId: null };
}
