import type { UseCaseContext } from '../context.ts';
import type { Actor } from './actor.ts';

export interface PasskeySummary {
  id: string;
  name: string;
  deviceType: string;
  backedUp: boolean;
  createdAt: string;
  lastUsedAt: string | null;
}

/** A user's own passkeys; nobody sees or removes another user's. */
export async function listPasskeys(ctx: UseCaseContext, actor: Actor): Promise<PasskeySummary[]> {
  const rows = await ctx.db.all<{ id: string; name: string; device_type: string; backed_up: number; created_at: string; last_used_at: string | null }>(
    'SELECT id, name, device_type, backed_up, created_at, last_used_at FROM passkey_credentials WHERE user_id = ? ORDER BY created_at',
    [actor.userId],
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    deviceType: r.device_type,
    backedUp: r.backed_up === 1,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
  }));
}
