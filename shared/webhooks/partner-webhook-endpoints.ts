// What a supplier's or distributor's own webhook endpoints have in common: who may manage them,
// how one is found (own organisation only) and what a partner sees of it.
import type { Db, Tx } from '../db/index.ts';
import type { Actor } from '../auth/actor.ts';
import { permission } from '../auth/permission.ts';
import { ownedBy } from '../auth/scope.ts';
import { AppError } from '../errors.ts';
import { openSecretText, secretContext } from '../keys/secrets.ts';
import { secretFingerprint } from './create-webhook-endpoint.ts';

/**
 * A partner organisation manages its own endpoints. Through the API the key's scope
 * (webhooks:read / webhooks:write) narrows it further.
 */
export const managePartnerWebhooks = permission('supplier_user', 'distributor_user');

/** At most this many endpoints per organisation (deleted ones not counted). */
export const maxPartnerEndpoints = 10;

export interface PartnerEndpointView {
  id: string;
  url: string;
  description: string;
  eventTypes: string[];
  /** active; disabled after the receiver answered 410 Gone. */
  state: 'active' | 'paused' | 'disabled';
  createdAt: string;
  /** The live signing secrets by fingerprint (a secret is shown once, when it is made). */
  secrets: { fingerprint: string; createdAt: string; expiresAt: string | null }[];
  counts: { pending: number; succeeded: number; exhausted: number };
}

interface EndpointRow {
  id: string;
  url: string;
  description: string;
  event_types: string;
  state: PartnerEndpointView['state'];
  created_at: string;
}

/** The actor's organisation's endpoints (one when `id` is given), deleted ones left out. */
export async function ownEndpoints(db: Pick<Tx, 'all' | 'keys'>, actor: Actor, now: string, id?: string): Promise<PartnerEndpointView[]> {
  const scope = ownedBy(actor, 'organisation_id');
  const rows = await db.all<EndpointRow>(
    `SELECT id, url, description, event_types, state, created_at FROM webhook_endpoints
      WHERE ${scope.sql} AND deleted_at IS NULL ${id === undefined ? '' : 'AND id = ?'}
      ORDER BY created_at, id`,
    id === undefined ? scope.args : [...scope.args, id],
  );
  const ids = JSON.stringify(rows.map((r) => r.id));
  const secrets = await db.all<{ id: string; endpoint_id: string; secret: string; created_at: string; expires_at: string | null }>(
    `SELECT id, endpoint_id, secret, created_at, expires_at FROM webhook_secrets
      WHERE endpoint_id IN (SELECT value FROM json_each(?)) AND (expires_at IS NULL OR expires_at > ?) ORDER BY created_at DESC`,
    [ids, now],
  );
  const counts = await db.all<{ endpoint_id: string; state: string; n: number }>(
    'SELECT endpoint_id, state, COUNT(*) AS n FROM webhook_deliveries WHERE endpoint_id IN (SELECT value FROM json_each(?)) GROUP BY endpoint_id, state',
    [ids],
  );
  const count = (e: string, state: string) => counts.find((c) => c.endpoint_id === e && c.state === state)?.n ?? 0;
  return rows.map((r) => ({
    id: r.id,
    url: r.url,
    description: r.description,
    eventTypes: JSON.parse(r.event_types) as string[],
    state: r.state,
    createdAt: r.created_at,
    secrets: secrets
      .filter((s) => s.endpoint_id === r.id)
      .map((s) => ({ fingerprint: secretFingerprint(openSecretText(db.keys, secretContext.webhookSecret(s.id), s.secret)), createdAt: s.created_at, expiresAt: s.expires_at })),
    counts: { pending: count(r.id, 'pending'), succeeded: count(r.id, 'succeeded'), exhausted: count(r.id, 'exhausted') },
  }));
}

/** The actor's own endpoint, or not_found (another organisation's is not found either: 404 hides it exists). */
export async function ownEndpoint(db: Pick<Db, 'all' | 'keys'>, actor: Actor, now: string, id: string): Promise<PartnerEndpointView> {
  const [endpoint] = await ownEndpoints(db, actor, now, id);
  if (!endpoint) throw new AppError('not_found', 'no such webhook endpoint');
  return endpoint;
}
