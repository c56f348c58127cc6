import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { actOnRecalls } from './recall-permissions.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { AppError, problem, refusal, type Problems } from '../errors.ts';
import { isValidGtin, toGtin14 } from '../gs1/gtin.ts';
import { recallRecordFindings } from '../signatures/verify-record-hashes.ts';
import { issueNotices, noticeRecallSql, type IssuedNotice, type NoticeRecall } from './issue-notices.ts';

export interface ManualConsigneeLine {
  gtin: string;
  lot?: string;
  quantity: number;
  serials?: string[];
}

export interface AddedConsignee {
  recallId: string;
  distributorOrganisationId: string;
  lines: number;
  units: number;
  /** On an open recall: the consignee's notice, issued now or (it had one) sent again naming the added lots. */
  notice?: IssuedNotice;
}

/**
 * Manufacturer QA adds a distributor to a recall's consignees by hand (one the shipment
 * records do not show, e.g. stock moved outside the ERP), with the affected GTIN, lot and
 * quantity it holds. Stored as source 'manual' and audited with the reason, in one transaction.
 * A (GTIN, lot) the distributor already has on this recall is refused, not overwritten.
 * Once the notices are out (recall open) the consignee is reached in the same transaction
 * (issue-notices.ts): a distributor without a notice gets its own, with its own reply time; one
 * that has its notice gets it again naming the added lots (never a second notice). A closed
 * recall, and an open one whose records were altered, are refused: nothing is added.
 */
export async function addConsignee(
  ctx: UseCaseContext,
  actor: Actor,
  input: { recallId: string; distributorOrganisationId: string; lines: ManualConsigneeLine[]; reason: string; portalUrl?: string },
): Promise<AddedConsignee> {
  actOnRecalls.require(actor);

  const fields: Problems = {};
  const reason = input.reason.trim();
  if (!reason) fields.reason = problem('recalls.addReasonRequired');
  if (input.lines.length === 0) fields.lines = problem('recalls.linesNone');
  const seen = new Set<string>();
  const lines = input.lines.map((l, i) => {
    const gtin = l.gtin.trim();
    const lot = l.lot?.trim() || null;
    const serials = (l.serials ?? []).map((s) => s.trim()).filter(Boolean);
    if (!isValidGtin(gtin)) fields[`lines/${i}/gtin`] = problem('recalls.badGtin', { gtin });
    if (!Number.isInteger(l.quantity) || l.quantity < 1) fields[`lines/${i}/quantity`] = problem('recalls.badQuantity');
    if (!lot && serials.length === 0) fields[`lines/${i}`] = problem('recalls.lotOrSerials');
    if (serials.length > 0 && serials.length !== l.quantity) fields[`lines/${i}/serials`] = problem('recalls.serialCount', { serials: serials.length, quantity: l.quantity });
    const key = `${toGtin14(gtin)}\u0000${lot ?? ''}`;
    if (seen.has(key)) fields[`lines/${i}`] = problem('recalls.lineRepeated');
    seen.add(key);
    return { gtin: toGtin14(gtin), lot, quantity: l.quantity, serials };
  });
  if (Object.keys(fields).length) throw refusal('invalid_input', 'the consignee is not valid', fields);

  return ctx.db.transaction(async (tx) => {
    const recall = await tx.get<{ id: string; payload: string; state: string }>('SELECT id, payload, state FROM recalls WHERE id = ?', [input.recallId]);
    if (!recall) throw new AppError('not_found', `no recall ${input.recallId}`);
    if (recall.state === 'closed') throw refusal('conflict', `recall ${recall.id} is closed: no consignee is added`, { recall: problem('recallChannels.recallClosed') });
    const released = recall.state === 'open';
    if (released && !input.portalUrl) throw new AppError('unavailable', 'the notice link of a consignee added after the release needs the portal\'s public address');
    // The notice repeats the recall's texts: never from records altered since they were signed.
    if (released && (await recallRecordFindings(tx, recall.id)).length) {
      throw refusal('conflict', `recall ${recall.id} has records altered since they were recorded: no notice goes out`, { recall: problem('recallChannels.recordsAltered') });
    }
    const org = await tx.get<{ id: string; kind: string }>('SELECT id, kind FROM organisations WHERE id = ?', [input.distributorOrganisationId]);
    if (!org) throw refusal('unprocessable', `no organisation ${input.distributorOrganisationId}`, { distributorOrganisationId: problem('recalls.noDistributor') });
    if (org.kind !== 'distributor') throw refusal('unprocessable', `${org.id} is a ${org.kind}, not a distributor`, { distributorOrganisationId: problem('recalls.noDistributor', { kind: org.kind }) });

    const recalled = new Set(((JSON.parse(recall.payload) as { products?: { gtin: string }[] }).products ?? []).map((p) => toGtin14(p.gtin)));
    const problems: Problems = {};
    const taken: Problems = {};
    for (const [i, l] of lines.entries()) {
      if (!recalled.has(l.gtin)) problems[`lines/${i}/gtin`] = problem('recalls.notRecalledProduct', { gtin: l.gtin });
      const existing = await tx.get<{ source: string }>(
        "SELECT source FROM recall_consignees WHERE recall_id = ? AND distributor_organisation_id = ? AND gtin = ? AND ifnull(lot, '') = ?",
        [recall.id, org.id, l.gtin, l.lot ?? ''],
      );
      if (existing) taken[`lines/${i}`] = problem('recalls.alreadyConsignee', { source: existing.source });
    }
    if (Object.keys(problems).length) throw refusal('unprocessable', 'the consignee cannot be added', problems);
    if (Object.keys(taken).length) throw refusal('conflict', 'the distributor is already a consignee for these lots', taken);

    const now = ctx.clock.now().toISOString();
    for (const l of lines) {
      await tx.run(
        `INSERT INTO recall_consignees (recall_id, distributor_organisation_id, gtin, lot, quantity_shipped, serials, source, added_at, added_by)
         VALUES (?, ?, ?, ?, ?, ?, 'manual', ?, ?)`,
        [recall.id, org.id, l.gtin, l.lot, l.quantity, JSON.stringify(l.serials), now, actor.userId],
      );
    }
    const units = lines.reduce((n, l) => n + l.quantity, 0);
    let notice: IssuedNotice | undefined;
    if (released) {
      const hadNotice = await tx.get('SELECT id FROM recall_notices WHERE recall_id = ? AND distributor_organisation_id = ?', [recall.id, org.id]);
      const noticeRecall = (await tx.get<NoticeRecall>(noticeRecallSql, [recall.id]))!;
      [notice] = await issueNotices(tx, ctx.clock, {
        recall: noticeRecall,
        consignees: [org.id],
        kind: hadNotice ? 'lots_added' : 'notice',
        portalUrl: input.portalUrl!,
        addedLots: lines,
      });
    }
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: actor.organisationId,
      action: 'recall.consignee_added',
      entityType: 'recall',
      entityId: recall.id,
      newValues: {
        distributorOrganisationId: org.id,
        source: 'manual',
        lines,
        ...(notice
          ? { notice: { id: notice.noticeId, created: notice.created, channels: notice.channels, to: notice.recipients, mails: notice.mailIds, as2Messages: notice.as2Messages, responseDeadline: notice.responseDeadline } }
          : {}),
      },
      reason,
      requestId: ctx.requestId,
    });
    return { recallId: recall.id, distributorOrganisationId: org.id, lines: lines.length, units, ...(notice ? { notice } : {}) };
  });
}
