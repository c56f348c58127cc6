import { redirect } from '@sveltejs/kit';
import { listCertificates } from '$shared/certificates/list-certificates.ts';
import { submitCertificate } from '$shared/certificates/submit-certificate.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { certificateFailure, readSubmission } from './form.ts';
import type { Actions, PageServerLoad } from './$types';

/** The filters are the page's query (a GET form), so a filtered list is a link to share. */
export const load = (async ({ locals, url }) => {
  const actor = requireActor(locals);
  const q = (name: string) => url.searchParams.get(name)?.trim() ?? '';
  const filters = { state: q('state'), type: q('type'), supplier: q('supplier'), latest: q('latest') === '1' ? '1' : '', sort: q('sort'), order: q('order') };
  const page = Number(q('page'));
  try {
    const list = await listCertificates(locals.ctx, actor, {
      state: filters.state || undefined,
      type: filters.type || undefined,
      supplierId: filters.supplier || undefined,
      latest: filters.latest === '1',
      sort: filters.sort === 'valid_to' ? 'valid_to' : 'submitted',
      order: filters.order === 'asc' ? 'asc' : 'desc',
      page: Number.isInteger(page) && page > 0 ? page : 1,
    });
    return {
      filters,
      list,
      staff: list.staff,
      maxMb: Math.round(locals.app.config.uploads.maxBytes / (1024 * 1024)),
    };
  } catch (e) {
    loadFailure(e, locals);
  }
}) satisfies PageServerLoad;

export const actions = {
  submit: async ({ request, locals }) => {
    const { submission, values } = await readSubmission(await request.formData());
    let id: string;
    try {
      id = (await submitCertificate(locals.ctx, requireActor(locals), locals.app.config.uploads, submission)).id;
    } catch (e) {
      return certificateFailure(e, locals, values);
    }
    redirect(303, `/certificates/${id}?submitted=1`);
  },
} satisfies Actions;
