import type { UseCaseContext } from '../context.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { problem, refusal, type Problems } from '../errors.ts';
import { newId } from '../ids.ts';
import { onwardReplyRecordHash, type OnwardReplyContent } from './onward-reply-record.ts';
import { emailShape, maxNameLength } from '../users/limits.ts';
import { checkOnwardToken } from './onward-link.ts';
import { isUserLevelCustomer } from './onward-terms.ts';
import { onwardLinkRefusal, onwardNoticeById } from './view-onward-link.ts';

export interface OnwardReplyLot {
  gtin: string;
  lot: string | null;
  onHand: number;
  quarantined: number;
  returned: number;
  destroyed: number;
}

export interface OnwardReplyInput {
  understood: boolean;
  lots: OnwardReplyLot[];
  /** Whether the customer passed the notice on further; null when not answered (a hospital or clinic that says nothing did not). */
  passedOn: boolean | null;
  passedOnCount: number;
  name: string;
  function: string;
  phone: string;
  email: string;
}

/** A link takes at most this many replies an hour (a correction is welcome, a flood is not). */
export const onwardRepliesPerHour = 5;

/**
 * A customer reached by an onward link replies: read and understood, per lot what it has on
 * hand, quarantined, returned and destroyed, whether it passed the notice on further (and to how
 * many), and who declares it. No account and no Part 11 e-signature: a declaration by name,
 * recorded permanently with the time and the hash of exactly what was declared (no IP address);
 * a correction is a new version. Audited and posted to the ERP as recall.subrecipient_replied.
 */
export async function submitOnwardReply(ctx: UseCaseContext, token: string, input: OnwardReplyInput): Promise<{ version: number; recordHash: string }> {
  const check = await checkOnwardToken(ctx.db, token, ctx.clock.now());
  if (!check.ok) throw onwardLinkRefusal(check.reason);
  return ctx.db.transaction(async (tx) => {
    const w = await onwardNoticeById(tx, check.onwardNoticeId);
    if (w.recallState !== 'open') throw refusal('conflict', `recall ${w.recallNumber} is not open`, { recall: problem('onward.recallNotOpen') });
    const now = ctx.clock.now();
    const hourAgo = new Date(now.getTime() - 3_600_000).toISOString();
    const recent = (await tx.get<{ n: number }>('SELECT count(*) AS n FROM recall_onward_replies WHERE onward_notice_id = ? AND submitted_at > ?', [w.id, hourAgo]))!.n;
    if (recent >= onwardRepliesPerHour) throw refusal('too_many_attempts', `at most ${onwardRepliesPerHour} replies an hour`, { reply: problem('onward.tooManyReplies', { max: onwardRepliesPerHour }) });

    const fields: Problems = {};
    if (!input.understood) fields.understood = problem('onward.understoodRequired');
    const lots = w.lots.map((supplied, i) => {
      const given = input.lots.find((l) => l.gtin === supplied.gtin && (l.lot ?? null) === supplied.lot) ?? { onHand: 0, quarantined: 0, returned: 0, destroyed: 0 };
      const counts = { onHand: given.onHand, quarantined: given.quarantined, returned: given.returned, destroyed: given.destroyed };
      for (const [k, v] of Object.entries(counts)) if (!Number.isInteger(v) || v < 0) fields[`lots/${i}/${k}`] = problem('onward.badQuantity');
      if (counts.quarantined > counts.onHand) fields[`lots/${i}/quarantined`] = problem('onward.quarantinedOverOnHand');
      if (counts.onHand + counts.returned + counts.destroyed > supplied.quantity) fields[`lots/${i}/onHand`] = problem('onward.moreThanSupplied', { quantity: supplied.quantity });
      return { gtin: supplied.gtin, lot: supplied.lot, ...counts };
    });
    // A hospital or clinic uses the devices: it is asked only whether it passed them on after all.
    const passedOn = input.passedOn ?? (isUserLevelCustomer(w.customerType) ? false : null);
    if (passedOn === null) fields.passedOn = problem('onward.passedOnRequired');
    const passedOnCount = passedOn ? input.passedOnCount : 0;
    if (passedOn && (!Number.isInteger(passedOnCount) || passedOnCount < 1)) fields.passedOnCount = problem('onward.badPassedOnCount');
    const declarant = { name: input.name.trim(), function: input.function.trim(), phone: input.phone.trim(), email: input.email.trim().toLowerCase() };
    for (const k of ['name', 'function', 'phone'] as const) {
      if (!declarant[k]) fields[k] = problem('onward.declarantRequired');
      else if (declarant[k].length > maxNameLength) fields[k] = problem('onward.tooLong', { max: maxNameLength });
    }
    if (!emailShape.test(declarant.email) || declarant.email.length > 254) fields.email = problem('onward.badEmail');
    if (Object.keys(fields).length) throw refusal('invalid_input', 'the reply is not complete', fields);

    const version = w.latestVersion + 1;
    const submittedAt = now.toISOString();
    const content: OnwardReplyContent = { onwardNoticeId: w.id, recallNumber: w.recallNumber, customer: w.name, version, understood: true, passedOn: !!passedOn, passedOnCount, declarant, lots, submittedAt };
    const hash = onwardReplyRecordHash(content);
    const replyId = newId('ror');
    await tx.run(
      `INSERT INTO recall_onward_replies (id, onward_notice_id, version, understood, passed_on, passed_on_count, declarant_name, declarant_function, declarant_phone, declarant_email, record_hash, submitted_at)
       VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [replyId, w.id, version, passedOn ? 1 : 0, passedOnCount, declarant.name, declarant.function, declarant.phone, declarant.email, hash, submittedAt],
    );
    for (const l of lots) {
      await tx.run('INSERT INTO recall_onward_reply_lots (reply_id, gtin, lot, on_hand, quarantined, returned, destroyed) VALUES (?, ?, ?, ?, ?, ?, ?)', [replyId, l.gtin, l.lot, l.onHand, l.quarantined, l.returned, l.destroyed]);
    }
    await tx.run('UPDATE recall_onward_notices SET latest_version = ? WHERE id = ?', [version, w.id]);
    await recordAudit(tx, ctx.clock, {
      actor: { type: 'system', name: 'onward notice link' },
      organisationId: w.consigneeOrganisationId,
      action: 'recall.onward_replied',
      entityType: 'recall_onward_notice',
      entityId: w.id,
      newValues: { ...content, reply: replyId, recordHash: hash, declaration: 'by name, without account (not an electronic signature)' },
      requestId: ctx.requestId,
    });
    const consignee = (await tx.get<{ id: string; erp_id: string | null; name: string }>('SELECT id, erp_id, name FROM organisations WHERE id = ?', [w.consigneeOrganisationId]))!;
    await enqueueEvent(tx, ctx.clock, {
      type: 'recall.subrecipient_replied',
      aggregateType: 'recall',
      aggregateId: w.recallId,
      organisationId: w.consigneeOrganisationId,
      data: {
        recallNumber: w.recallNumber,
        onwardNoticeId: w.id,
        level: w.level,
        consignee: { organisationId: consignee.id, ...(consignee.erp_id ? { erpId: consignee.erp_id } : {}), name: consignee.name },
        passedOnBy: w.passedOnBy,
        subRecipient: { name: w.name, type: w.customerType },
        version,
        understood: true,
        passedOn: !!passedOn,
        passedOnCount,
        lots: lots.map((l) => (l.lot === null ? { gtin: l.gtin, onHand: l.onHand, quarantined: l.quarantined, returned: l.returned, destroyed: l.destroyed } : l)),
        declarant: { name: declarant.name, function: declarant.function },
        recordHash: hash,
        submittedAt,
      },
    });
    return { version, recordHash: hash };
  });
}
