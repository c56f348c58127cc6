import { listCertificateExpiry } from '$shared/certificates/list-certificate-expiry.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { PageServerLoad } from './$types';

/** Manufacturer QA and admins: every supplier with expiring or expired certificates; a supplier: its own. */
export const load = (async ({ locals, url }) => {
  const actor = requireActor(locals);
  const expiredOnly = url.searchParams.get('expired') === '1';
  try {
    return {
      expiredOnly,
      expiry: await listCertificateExpiry(locals.ctx, actor, { graceDays: locals.app.config.certificates.graceDays, expiredOnly }),
      staff: actor.organisationKind === 'manufacturer',
    };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;
