import type { Tx } from '../db/index.ts';
import { newId } from '../ids.ts';
import { openSecretText, secretContext } from '../keys/secrets.ts';

/** Stores a signing secret sealed with the keys kept outside the database. */
export async function insertWebhookSecret(tx: Tx, endpointId: string, secret: string, createdAt: string): Promise<void> {
  const id = newId('whs');
  await tx.run('INSERT INTO webhook_secrets (id, endpoint_id, secret, created_at) VALUES (?, ?, ?, ?)', [id, endpointId, tx.keys.seal(secretContext.webhookSecret(id), secret), createdAt]);
}

/** The live signing secrets of endpoints, opened. */
export async function liveWebhookSecrets(db: Pick<Tx, 'all' | 'keys'>, endpointIds: string[], now: string): Promise<Map<string, string[]>> {
  const rows = await db.all<{ id: string; endpoint_id: string; secret: string }>(
    `SELECT id, endpoint_id, secret FROM webhook_secrets
      WHERE endpoint_id IN (SELECT value FROM json_each(?)) AND (expires_at IS NULL OR expires_at > ?)
      ORDER BY created_at`,
    [JSON.stringify(endpointIds), now],
  );
  const map = new Map<string, string[]>();
  for (const r of rows) map.set(r.endpoint_id, [...(map.get(r.endpoint_id) ?? []), openSecretText(db.keys, secretContext.webhookSecret(r.id), r.secret)]);
  return map;
}
