import type { Actor } from './actor.ts';

/**
 * The one pattern for tenant isolation: every query over organisation-owned rows adds
 * `scope.sql` to its WHERE clause and `scope.args` to its arguments. A record of another
 * organisation is then simply not found (404), which also hides that it exists.
 */
export function ownedBy(actor: Actor, column = 'organisation_id'): { sql: string; args: [string] } {
  if (!/^[a-z_][a-z0-9_.]*$/i.test(column)) throw new Error(`bad column name ${column}`);
  return { sql: `${column} = ?`, args: [actor.organisationId] };
}
