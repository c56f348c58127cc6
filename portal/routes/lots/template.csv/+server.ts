import { lotsCsvTemplate } from '$shared/lots/parse-lots-csv.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import type { RequestHandler } from './$types';

/** The CSV template: the header row and one example row. */
export const GET: RequestHandler = ({ locals }) => {
  requireActor(locals);
  return new Response(lotsCsvTemplate(), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="lotbridge-lots-template.csv"',
      'cache-control': 'no-store',
    },
  });
};
