import { openApiDocument } from '$gateway/api/openapi.ts';
import { apiOperations } from '$gateway/api/operations/index.ts';
import { apiReference } from '$lib/server/api-reference.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { PageServerLoad } from './$types';

/** The REST API reference, drawn on the server from the very OpenAPI document /api/v1/openapi.json serves. */
export const load = (({ locals, url }) => {
  const actor = requireActor(locals);
  const apiBase = `${(locals.app.config.publicUrl ?? url).origin}/api/v1`;
  const scopes = Object.fromEntries(apiOperations.map((op) => [op.operationId, op.scope ?? null]));
  return {
    reference: apiReference(openApiDocument(apiOperations, { server: apiBase }), scopes),
    apiBase,
    managesKeys: locals.administersUsers && actor.organisationKind !== 'manufacturer',
  };
}) satisfies PageServerLoad;
