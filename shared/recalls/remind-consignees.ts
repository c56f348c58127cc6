import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { queueFollowUpMail, type FollowUpOptions } from './send-recall-follow-ups.ts';
import { alreadyReplied, selectConsignees, withoutAddress, type ConsigneeSelection } from './select-consignees.ts';

/**
 * Manufacturer QA reminds consignees of an open recall now, outside the follow-up schedule:
 * each chosen consignee (or every one without a reply) gets the follow-up mail the schedule
 * would send (send-recall-follow-ups.ts): before the reply deadline the reminder, after it the
 * second notice's words ("your reply was due"). Refused, with nothing sent, for a recall that
 * is not open, a consignee that has replied, and one nobody can be mailed at. The schedule is
 * left as it is (its level does not move): a reminder by hand is an extra nudge. In one
 * transaction: per consignee the mail and an audit entry naming QA.
 */
export async function remindConsignees(ctx: UseCaseContext, actor: Actor, input: ConsigneeSelection & FollowUpOptions): Promise<{ consignees: number; mails: number }> {
  return ctx.db.transaction(async (tx) => {
    const { recall, notices } = await selectConsignees(tx, actor, input, (n) => alreadyReplied(n) ?? withoutAddress(n));
    const now = ctx.clock.now().toISOString();
    let mails = 0;
    for (const n of notices) {
      // Against the notice's own deadline: a consignee added after the release has its own.
      const kind = n.response_deadline !== null && n.response_deadline < now ? 'second_notice' : 'reminder';
      const sent = await queueFollowUpMail(tx, ctx.clock, n, kind, input);
      mails += sent.mailIds.length;
      await recordAudit(tx, ctx.clock, {
        actor: asAuditActor(actor),
        organisationId: n.distributor_organisation_id,
        action: 'recall.reminder_sent',
        entityType: 'recall_notice',
        entityId: n.id,
        newValues: { kind, byHand: true, followUpLevel: n.follow_up_level, to: sent.to, cc: sent.cc, mails: sent.mailIds },
        reason: `reminded by manufacturer QA: no acknowledgement of recall ${recall.recallNumber}; reply deadline ${n.response_deadline}`,
        requestId: ctx.requestId,
      });
    }
    return { consignees: notices.length, mails };
  });
}
