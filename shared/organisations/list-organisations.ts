import type { UseCaseContext } from '../context.ts';
import { requireRole, type Actor, type OrganisationKind } from '../auth/actor.ts';
import type { AuditActor } from '../audit/entry.ts';

export interface OrganisationSummary {
  id: string;
  name: string;
  kind: OrganisationKind;
  erpId: string | null;
  /** The language its recall notices and mails come in first. */
  language: string;
  /** Its IANA time zone: its people's "today" and the zone deadlines are shown to them in. */
  timeZone: string;
  /** For recalls: distributor, healthcare_facility or pharmacy (set-consignee-type.ts). */
  consigneeType: string;
  users: number;
  administrators: number;
  createdAt: string;
}

/** Every organisation with its head count, for the manufacturer's administrators and the system (the CLI). */
export async function listOrganisations(ctx: UseCaseContext, by: Actor | (AuditActor & { type: 'system' })): Promise<OrganisationSummary[]> {
  if ('role' in by) requireRole(by, 'manufacturer_admin');
  const rows = await ctx.db.all<{ id: string; name: string; kind: OrganisationKind; erp_id: string | null; language: string; time_zone: string; consignee_type: string; users: number; administrators: number; created_at: string }>(
    `SELECT o.id, o.name, o.kind, o.erp_id, o.language, o.time_zone, o.consignee_type, o.created_at,
            (SELECT COUNT(*) FROM memberships m WHERE m.organisation_id = o.id) AS users,
            (SELECT COUNT(*) FROM memberships m WHERE m.organisation_id = o.id AND (m.administers = 1 OR m.role = 'manufacturer_admin')) AS administrators
       FROM organisations o ORDER BY o.kind, o.name`,
  );
  return rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind, erpId: r.erp_id, language: r.language, timeZone: r.time_zone, consigneeType: r.consignee_type, users: r.users, administrators: r.administrators, createdAt: r.created_at }));
}
