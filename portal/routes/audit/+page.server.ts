import { listAuditTrail } from '$shared/audit/list-audit-trail.ts';
import { verifyAuditChain } from '$shared/audit/verify-audit-chain.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { PageServerLoad } from './$types';

export const load = (async ({ locals, url }) => {
  const actor = requireActor(locals);
  const before = Number(url.searchParams.get('before'));
  const page = await listAuditTrail(locals.ctx, actor, { beforeSeq: Number.isInteger(before) && before > 0 ? before : undefined, limit: 50 });
  // Only the manufacturer sees the whole trail, so only it can be shown the whole chain's verdict.
  const chain = actor.organisationKind === 'manufacturer' ? await verifyAuditChain(locals.ctx.db) : null;
  return { page, chain, paged: url.searchParams.has('before') };
}) satisfies PageServerLoad;
