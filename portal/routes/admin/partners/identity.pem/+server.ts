import { error } from '@sveltejs/kit';
import { getAs2Identity } from '$shared/edi/identity/get-as2-identity.ts';
import { appContext } from '$lib/server/app-context.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { RequestHandler } from './$types';
import { attachment } from '$lib/server/content-disposition.ts';

/** Our signing certificate (public, PEM) for partners to import; manufacturer administrators only. */
export const GET: RequestHandler = async ({ locals }) => {
  let pem: string | undefined;
  let as2Id: string;
  try {
    const identity = await getAs2Identity(locals.ctx, requireActor(locals), { as2Id: appContext().config.as2.id });
    pem = identity.certificatePem;
    as2Id = identity.as2Id;
  } catch (e) {
    loadFailure(e, locals);
  }
  if (!pem) error(404, { message: 'We have no AS2 certificate yet: it is generated on the first start (or on the EDI partners page).', requestId: locals.requestId });
  const body = new TextEncoder().encode(pem);
  const fileName = `${as2Id.replace(/[^A-Za-z0-9._-]+/g, '_') || 'as2'}.pem`;
  return new Response(body, {
    headers: {
      'content-type': 'application/x-pem-file',
      'content-length': String(body.length),
      'content-disposition': attachment(fileName),
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
    },
  });
};
