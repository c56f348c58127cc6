import type { AuditActor } from '../audit/entry.ts';
import { asAuditActor, requireRole, type Actor } from './actor.ts';

/** Lotbridge acting by itself: the CLI, the start-up settings, a background task. */
export type SystemActor = AuditActor & { type: 'system' };

/**
 * Who runs the installation's connections (EDI partners, our AS2 identity, the ERP webhook
 * bridge): a manufacturer administrator in the portal, or the system.
 */
export type Operator = Actor | SystemActor;

/**
 * Refuses anyone but a manufacturer administrator or the system; returns the audit actor and
 * the organisation its entries belong to (the administrator's; none for the system).
 */
export function authoriseOperator(by: Operator): { actor: AuditActor; organisationId: string | null } {
  if ('role' in by) {
    requireRole(by, 'manufacturer_admin');
    return { actor: asAuditActor(by), organisationId: by.organisationId };
  }
  return { actor: by, organisationId: null };
}
