import { auditOrganisations, listAuditTrail } from '$shared/audit/list-audit-trail.ts';
import { latestAuditVerification } from '$shared/audit/check-audit-trail.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { auditFilters } from './filters.ts';
import type { PageServerLoad } from './$types';

export const load = (async ({ locals, url }) => {
  const actor = requireActor(locals);
  const before = Number(url.searchParams.get('before'));
  const filters = auditFilters(url.searchParams);
  const page = await listAuditTrail(locals.ctx, actor, { ...filters.query, beforeSeq: Number.isInteger(before) && before > 0 ? before : undefined, limit: 50 });
  // Only the manufacturer sees the whole trail, so only it is shown the verdict on the whole
  // chain: the newest result of the background check, never a recomputation per view.
  const manufacturer = actor.organisationKind === 'manufacturer';
  const check = manufacturer ? { latest: await latestAuditVerification(locals.ctx.db) } : null;
  return {
    page,
    check,
    filters: filters.values,
    badDate: filters.badDate,
    organisations: await auditOrganisations(locals.ctx, actor),
    paged: url.searchParams.has('before'),
  };
}) satisfies PageServerLoad;
