import type { AuditActor } from '../audit/entry.ts';
import { asAuditActor, requireRole, type Actor } from '../auth/actor.ts';

/** Who manages the bridge: a manufacturer administrator in the portal, or the system (CLI, start-up settings). */
export type WebhookOperator = Actor | (AuditActor & { type: 'system' });

/** Refuses anyone but a manufacturer administrator or the system; returns the audit actor. */
export function authoriseWebhookOperator(by: WebhookOperator): { actor: AuditActor; organisationId: string | null } {
  if ('role' in by) {
    requireRole(by, 'manufacturer_admin');
    return { actor: asAuditActor(by), organisationId: by.organisationId };
  }
  return { actor: by, organisationId: null };
}
