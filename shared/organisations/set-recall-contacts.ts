import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError, problem, refusal, type Problems } from '../errors.ts';

export interface RecallContacts {
  /** Receives the organisation's recall notices instead of its portal users; null: the users. */
  recallContactEmail: string | null;
  /** Copied on final notices of overdue replies; null: nobody beyond the recipients. */
  escalationContactEmail: string | null;
}

const emailShape = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Sets a distributor's recall contacts: by its own users, or by manufacturer QA and admins
 * (who must be able to reach a consignee that has no portal user yet). Audited with the old
 * and new addresses. Any other caller, or a non-distributor organisation, gets `not_found`.
 */
export async function setRecallContacts(ctx: UseCaseContext, actor: Actor, input: { organisationId: string } & RecallContacts): Promise<RecallContacts> {
  const staff = actor.role === 'manufacturer_qa' || actor.role === 'manufacturer_admin';
  const own = actor.role === 'distributor_user' && actor.organisationId === input.organisationId;
  if (!staff && !own) throw new AppError('not_found', 'no such organisation');
  const clean = (v: string | null) => v?.trim().toLowerCase() || null;
  const next: RecallContacts = { recallContactEmail: clean(input.recallContactEmail), escalationContactEmail: clean(input.escalationContactEmail) };
  const fields: Problems = {};
  if (next.recallContactEmail && !emailShape.test(next.recallContactEmail)) fields.recallContactEmail = problem('organisations.badContactEmail');
  if (next.escalationContactEmail && !emailShape.test(next.escalationContactEmail)) fields.escalationContactEmail = problem('organisations.badContactEmail');
  if (Object.keys(fields).length) throw refusal('invalid_input', 'the contacts are not valid', fields);

  return ctx.db.transaction(async (tx) => {
    const before = await tx.get<{ recall_contact_email: string | null; escalation_contact_email: string | null }>(
      "SELECT recall_contact_email, escalation_contact_email FROM organisations WHERE id = ? AND kind = 'distributor'",
      [input.organisationId],
    );
    if (!before) throw new AppError('not_found', 'no such distributor');
    await tx.run('UPDATE organisations SET recall_contact_email = ?, escalation_contact_email = ? WHERE id = ?', [next.recallContactEmail, next.escalationContactEmail, input.organisationId]);
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: input.organisationId,
      action: 'organisation.recall_contacts_set',
      entityType: 'organisation',
      entityId: input.organisationId,
      oldValues: { recallContactEmail: before.recall_contact_email, escalationContactEmail: before.escalation_contact_email },
      newValues: { ...next },
      requestId: ctx.requestId,
    });
    return next;
  });
}
