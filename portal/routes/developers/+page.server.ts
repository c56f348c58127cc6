import { openApiDocument } from '$gateway/api/openapi.ts';
import { apiReference } from '$lib/server/api-reference.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { PageServerLoad } from './$types';

/** The REST API reference, drawn on the server from the OpenAPI document /api/v1/openapi.json serves. */
export const load = (({ locals, url }) => {
  const actor = requireActor(locals);
  const origin = (locals.app.config.publicUrl ?? url).origin;
  return {
    reference: apiReference(openApiDocument()),
    apiBase: `${origin}/api/v1`,
    managesKeys: locals.administersUsers && actor.organisationKind !== 'manufacturer',
  };
}) satisfies PageServerLoad;
