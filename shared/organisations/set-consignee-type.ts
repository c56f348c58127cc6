import type { UseCaseContext } from '../context.ts';
import { asAuditActor, requireRole, type Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError, problem, refusal } from '../errors.ts';
import { isConsigneeType, type ConsigneeType } from '../recalls/onward-terms.ts';

/**
 * The manufacturer's administrator says what kind of consignee an organisation is for recalls
 * (organisations.consignee_type): a distributor (wholesale level), a healthcare facility (user
 * level, NMPA 使用单位) or a pharmacy (retail level). Its kind, shipments and recall resolution
 * stay as they are; the notice greets it and the dashboard counts its depth accordingly. Audited
 * with the old and new type; any other caller is forbidden.
 */
export async function setConsigneeType(ctx: UseCaseContext, actor: Actor, input: { organisationId: string; consigneeType: string }): Promise<{ consigneeType: ConsigneeType }> {
  requireRole(actor, 'manufacturer_admin');
  const consigneeType = input.consigneeType;
  if (!isConsigneeType(consigneeType)) throw refusal('invalid_input', `${consigneeType} is not a consignee type`, { consigneeType: problem('onward.badConsigneeType') });
  return ctx.db.transaction(async (tx) => {
    const before = await tx.get<{ consignee_type: string; kind: string }>('SELECT consignee_type, kind FROM organisations WHERE id = ?', [input.organisationId]);
    if (!before) throw new AppError('not_found', 'no such organisation');
    if (before.kind !== 'distributor') throw refusal('invalid_input', 'only a distributor organisation receives recall notices', { consigneeType: problem('onward.notAConsignee') });
    if (before.consignee_type === consigneeType) return { consigneeType };
    await tx.run('UPDATE organisations SET consignee_type = ? WHERE id = ?', [consigneeType, input.organisationId]);
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: input.organisationId,
      action: 'organisation.consignee_type_set',
      entityType: 'organisation',
      entityId: input.organisationId,
      oldValues: { consigneeType: before.consignee_type },
      newValues: { consigneeType },
      requestId: ctx.requestId,
    });
    return { consigneeType };
  });
}
