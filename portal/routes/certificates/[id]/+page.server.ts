import { redirect } from '@sveltejs/kit';
import { getCertificate } from '$shared/certificates/get-certificate.ts';
import { approveCertificate } from '$shared/certificates/approve-certificate.ts';
import { rejectCertificate } from '$shared/certificates/reject-certificate.ts';
import { submitCertificate } from '$shared/certificates/submit-certificate.ts';
import { signerCredential as credential } from '$lib/server/signer-credential.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { relyingParty } from '$lib/server/relying-party.ts';
import { trustedPortalOrigin } from '$lib/server/portal-origin.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { certificateFailure, readSubmission } from '../form.ts';
import type { Actions, PageServerLoad } from './$types';
import { field } from '$lib/server/form-fields.ts';

export const load = (async ({ locals, params, url }) => {
  const actor = requireActor(locals);
  try {
    const detail = await getCertificate(locals.ctx, actor, params.id);
    return {
      ...detail,
      justSubmitted: url.searchParams.has('submitted'),
      maxMb: Math.round(locals.app.config.uploads.maxBytes / (1024 * 1024)),
    };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

export const actions = {
  approve: async (event) => {
    const form = await event.request.formData();
    try {
      await approveCertificate(event.locals.ctx, requireActor(event.locals), relyingParty(event), {
        certificateId: event.params.id,
        recordHash: field(form, 'recordHash'),
        credential: credential(form),
        portalUrl: trustedPortalOrigin(event) ?? undefined,
      });
    } catch (e) {
      return certificateFailure(e, event.locals, { action: 'approve' });
    }
    return { action: 'approve' as const, done: true };
  },

  reject: async (event) => {
    const form = await event.request.formData();
    const reason = field(form, 'reason');
    try {
      await rejectCertificate(event.locals.ctx, requireActor(event.locals), relyingParty(event), {
        certificateId: event.params.id,
        recordHash: field(form, 'recordHash'),
        reason,
        credential: credential(form),
        portalUrl: trustedPortalOrigin(event) ?? undefined,
      });
    } catch (e) {
      return certificateFailure(e, event.locals, { action: 'reject', reason });
    }
    return { action: 'reject' as const, done: true };
  },

  newVersion: async ({ request, locals, params }) => {
    const { submission, values } = await readSubmission(await request.formData());
    let id: string;
    try {
      const actor = requireActor(locals);
      // The series is this page's certificate's, whatever the form says.
      const { certificate } = await getCertificate(locals.ctx, actor, params.id);
      id = (await submitCertificate(locals.ctx, actor, locals.app.config.uploads, { ...submission, replacesSeriesId: certificate.seriesId })).id;
    } catch (e) {
      return certificateFailure(e, locals, { ...values, action: 'newVersion' });
    }
    redirect(303, `/certificates/${id}?submitted=1`);
  },
} satisfies Actions;
