import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { AppError, problem } from '../errors.ts';
import { followUpKinds, followUpLevel } from './follow-up-schedule.ts';
import { queueFollowUpMail, type FollowUpOptions } from './send-recall-follow-ups.ts';
import { alreadyReplied, selectConsignees, withoutAddress, type ConsigneeSelection } from './select-consignees.ts';

/**
 * Manufacturer QA escalates consignees of an open recall now, without waiting for the
 * schedule: each chosen consignee (or every one without a reply) gets the final notice
 * (send-recall-follow-ups.ts), copied to its escalation contact and the manufacturer's QA, and
 * its follow-up level becomes 3, so the schedule sends nothing more. Refused, with nothing sent,
 * for a recall that is not open, a consignee that has replied, one nobody can be mailed at and
 * one without an escalation contact. In one transaction: per consignee the guarded level, the
 * mail, an audit entry naming QA and the recall.escalated event (the follow-ups not sent are
 * `passed`).
 */
export async function escalateConsignees(ctx: UseCaseContext, actor: Actor, input: ConsigneeSelection & FollowUpOptions): Promise<{ consignees: number; mails: number }> {
  return ctx.db.transaction(async (tx) => {
    const { recall, notices } = await selectConsignees(
      tx,
      actor,
      input,
      (n) =>
        alreadyReplied(n) ??
        (n.follow_up_level >= 3 ? problem('recalls.bulkAlreadyEscalated', { name: n.name }) : undefined) ??
        withoutAddress(n) ??
        (n.escalation_contact_email ? undefined : problem('recalls.bulkNoEscalationContact', { name: n.name })),
    );
    const sentAt = ctx.clock.now().toISOString();
    let mails = 0;
    for (const n of notices) {
      const raised = await tx.run('UPDATE recall_notices SET follow_up_level = 3 WHERE id = ? AND latest_version = 0 AND follow_up_level < 3', [n.id]);
      if (raised.changes === 0) throw new AppError('conflict', `${n.name} replied or was escalated meanwhile`);
      const sent = await queueFollowUpMail(tx, ctx.clock, n, 'final_notice', input);
      mails += sent.mailIds.length;
      const passed = followUpKinds.filter((k) => k !== 'final_notice' && followUpLevel(k) > n.follow_up_level);
      await recordAudit(tx, ctx.clock, {
        actor: asAuditActor(actor),
        organisationId: n.distributor_organisation_id,
        action: 'recall.escalated',
        entityType: 'recall_notice',
        entityId: n.id,
        oldValues: { followUpLevel: n.follow_up_level },
        newValues: { kind: 'final_notice', byHand: true, followUpLevel: 3, passed, sentTo: 'distributor', to: sent.to, cc: sent.cc, mails: sent.mailIds },
        reason: `escalated by manufacturer QA: no acknowledgement of recall ${recall.recallNumber}; reply deadline ${n.response_deadline}`,
        requestId: ctx.requestId,
      });
      await enqueueEvent(tx, ctx.clock, {
        type: 'recall.escalated',
        aggregateType: 'recall',
        aggregateId: recall.id,
        organisationId: n.distributor_organisation_id,
        data: {
          recallNumber: recall.recallNumber,
          noticeId: n.id,
          distributor: { organisationId: n.distributor_organisation_id, ...(n.erp_id ? { erpId: n.erp_id } : {}), name: n.name },
          kind: 'final_notice',
          reason: 'no_reply',
          level: 3,
          severity: n.severity,
          responseDeadline: n.response_deadline,
          noticeSentAt: n.sent_at,
          // Not the schedule's: QA asked for it now.
          dueAt: sentAt,
          sentAt,
          sentTo: 'distributor',
          recipients: sent.to ? 1 + sent.cc.length : 0,
          escalationContactCopied: sent.escalationContactCopied,
          passed,
        },
      });
    }
    return { consignees: notices.length, mails };
  });
}
