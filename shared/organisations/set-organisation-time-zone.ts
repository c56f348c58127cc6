import type { UseCaseContext } from '../context.ts';
import { asAuditActor, requireRole, type Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError, problem, refusal } from '../errors.ts';
import { canonicalTimeZone } from '../time-zone.ts';

/**
 * The manufacturer's administrator sets an organisation's time zone (organisations.time_zone, an
 * IANA name such as Asia/Shanghai): its people's "today" when they enter a date, the end of the
 * day a deadline QA enters means, and the zone deadlines are shown to them in. Audited with the
 * old and new zone; a name Intl does not know (or an offset, an abbreviation) is refused, any
 * other caller is forbidden.
 */
export async function setOrganisationTimeZone(ctx: UseCaseContext, actor: Actor, input: { organisationId: string; timeZone: string }): Promise<{ timeZone: string }> {
  requireRole(actor, 'manufacturer_admin');
  const timeZone = canonicalTimeZone(input.timeZone);
  if (!timeZone) throw refusal('invalid_input', `${input.timeZone} is not an IANA time zone`, { timeZone: problem('timeZones.badZone', { zone: input.timeZone }) });
  return ctx.db.transaction(async (tx) => {
    const before = await tx.get<{ time_zone: string }>('SELECT time_zone FROM organisations WHERE id = ?', [input.organisationId]);
    if (!before) throw new AppError('not_found', 'no such organisation');
    if (before.time_zone === timeZone) return { timeZone };
    await tx.run('UPDATE organisations SET time_zone = ? WHERE id = ?', [timeZone, input.organisationId]);
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: input.organisationId,
      action: 'organisation.time_zone_set',
      entityType: 'organisation',
      entityId: input.organisationId,
      oldValues: { timeZone: before.time_zone },
      newValues: { timeZone },
      requestId: ctx.requestId,
    });
    return { timeZone };
  });
}
