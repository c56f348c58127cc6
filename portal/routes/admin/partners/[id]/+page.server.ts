import { addPartnerCertificate } from '$shared/edi/partners/add-partner-certificate.ts';
import { getPartner } from '$shared/edi/partners/get-partner.ts';
import { removePartnerCertificate } from '$shared/edi/partners/remove-partner-certificate.ts';
import { updatePartner } from '$shared/edi/partners/update-partner.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { problemFailure } from '$lib/server/problems.ts';
import { partnerFailure } from '../failure.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { certificateView } from '../format.ts';
import { field } from '$lib/server/form-fields.ts';
import type { Actions, PageServerLoad } from './$types';

// Authorisation is the use cases' (manufacturer_admin only); see ../+page.server.ts.

export const load = (async ({ locals, params }) => {
  try {
    const partner = await getPartner(locals.ctx, requireActor(locals), { partnerId: params.id });
    return { partner: { ...partner, certificates: partner.certificates.map(certificateView) } };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

const checkboxes = ['requireSigned', 'requireEncrypted', 'compress', 'mdnSigned', 'asyncMdnPrivate'] as const;
const selects = ['encryptionAlgorithm', 'signingAlgorithm', 'signaturePadding', 'keyTransport', 'mdn'] as const;
// Added with the gateway limits (issue 10): left as they are when a form without them is sent.
const optional = ['maxCompressionLayers', 'asyncMdnHosts'] as const;

export const actions = {
  update: async ({ request, locals, params }) => {
    const form = await request.formData();
    const options: Record<string, unknown> = {};
    // An unticked checkbox sends nothing: the whole profile form is sent, so absent means false.
    for (const name of checkboxes) options[name] = form.get(name) === 'on';
    for (const name of selects) options[name] = field(form, name);
    for (const name of optional) if (form.has(name)) options[name] = field(form, name);
    const values = { as2Url: field(form, 'as2Url'), ediId: field(form, 'ediId'), state: field(form, 'state'), reason: field(form, 'reason') };
    try {
      const as2UrlInternal = form.get('as2UrlInternal') === 'on';
      const { changed } = await updatePartner(locals.ctx, requireActor(locals), { partnerId: params.id, ...values, as2UrlInternal, options });
      return { action: 'update' as const, changed };
    } catch (e) {
      return partnerFailure(e, locals, 'update', values);
    }
  },

  addCertificate: async ({ request, locals, params }) => {
    const form = await request.formData();
    const file = form.get('certificate');
    const usage = field(form, 'usage');
    try {
      const certificate = file instanceof File && (file.size > 0 || file.name) ? { fileName: file.name || 'certificate', data: new Uint8Array(await file.arrayBuffer()), usage } : { fileName: '(no file)', data: new Uint8Array(), usage };
      const added = await addPartnerCertificate(locals.ctx, requireActor(locals), { partnerId: params.id, certificate });
      return { action: 'addCertificate' as const, fingerprint: added.certificate.fingerprintSha256, warnings: added.warnings };
    } catch (e) {
      return partnerFailure(e, locals, 'addCertificate', { usage });
    }
  },

  removeCertificate: async ({ request, locals, params }) => {
    const form = await request.formData();
    const certificateId = field(form, 'certificateId');
    try {
      await removePartnerCertificate(locals.ctx, requireActor(locals), { partnerId: params.id, certificateId, reason: field(form, 'reason') });
      return { action: 'removeCertificate' as const, certificateId };
    } catch (e) {
      return problemFailure(e, locals, 'removeCertificate', { certificateId });
    }
  },
} satisfies Actions;
