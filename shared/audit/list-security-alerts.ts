import type { UseCaseContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { requireRole } from '../auth/actor.ts';

export interface SecurityAlert {
  seq: number;
  at: string;
  action: string;
  userId: string | null;
  organisationId: string | null;
  reason: string | null;
  userEmail: string | null;
}

const alertActions = ['auth.account_locked'];

/**
 * Attempts at unauthorised use, for the manufacturer's security staff (21 CFR 11.300(d)):
 * accounts locked by repeated failed sign-ins within the last `days` days, newest first.
 */
export async function listSecurityAlerts(ctx: UseCaseContext, actor: Actor, days = 7): Promise<SecurityAlert[]> {
  requireRole(actor, 'manufacturer_admin', 'manufacturer_qa');
  const since = new Date(ctx.clock.now().getTime() - days * 86_400_000).toISOString();
  const rows = await ctx.db.all<{ seq: number; at: string; action: string; entity_id: string | null; organisation_id: string | null; reason: string | null; email: string | null }>(
    `SELECT a.seq, a.at, a.action, a.entity_id, a.organisation_id, a.reason, u.email
       FROM audit_log a LEFT JOIN users u ON u.id = a.entity_id
      WHERE a.action IN (${alertActions.map(() => '?').join(',')}) AND a.at >= ?
      ORDER BY a.seq DESC LIMIT 50`,
    [...alertActions, since],
  );
  return rows.map((r) => ({ seq: r.seq, at: r.at, action: r.action, userId: r.entity_id, organisationId: r.organisation_id, reason: r.reason, userEmail: r.email }));
}
