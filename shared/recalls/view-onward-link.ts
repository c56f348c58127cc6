import type { UseCaseContext } from '../context.ts';
import type { Tx } from '../db/index.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { problem, refusal, type AppError } from '../errors.ts';
import { checkOnwardToken } from './onward-link.ts';
import { getNoticeData, type NoticeData } from './get-notice-data.ts';
import type { OnwardLot } from './pass-on-notice.ts';
import { maxOnwardLevel } from './onward-terms.ts';

export interface OnwardNotice {
  id: string;
  recallId: string;
  recallNumber: string;
  recallState: string;
  responseDeadline: string;
  level: number;
  /** Who passed the notice on to this customer (the consignee, or the customer one level up). */
  passedOnBy: string;
  name: string;
  customerType: string;
  contactPerson: string | null;
  language: string;
  lots: OnwardLot[];
}

export interface OnwardReplyView {
  version: number;
  submittedAt: string;
  understood: boolean;
  passedOn: boolean;
  passedOnCount: number;
  declarant: { name: string; function: string; phone: string; email: string };
  recordHash: string;
  lots: { gtin: string; lot: string | null; onHand: number; quarantined: number; returned: number; destroyed: number }[];
}

export interface OnwardLinkView {
  onward: OnwardNotice;
  /** The manufacturer's field safety notice, with only the lots and quantities supplied to this customer. */
  content: NoticeData;
  /** The newest reply in full, or null before the first. */
  latest: OnwardReplyView | null;
  /** Whether this customer may pass the notice on again (not at the deepest level, maxOnwardLevel). */
  canPassOn: boolean;
  /** The customers this one passed the notice on to. */
  passedOnTo: { name: string; customerType: string; sentAt: string; replied: boolean }[];
}

const refusals = {
  malformed: 'this link is not a notice link: open the link from the e-mail again, or ask whoever sent it for a new one',
  forged: 'this link is not valid: open the link from the e-mail again, or ask whoever sent it for a new one',
  expired: 'this link has expired: ask whoever sent it for a new one',
} as const;

/** A link that does not open its onward notice: expired is forbidden, any other not found; worded for someone without an account. */
export function onwardLinkRefusal(reason: 'malformed' | 'forged' | 'expired'): AppError {
  return reason === 'expired'
    ? refusal('forbidden', refusals.expired, { link: problem('onward.linkExpired') })
    : refusal('not_found', refusals[reason], { link: problem('onward.linkInvalid') });
}

/** The onward notice the link opens (checked), read in `tx`. */
export async function onwardNoticeById(tx: Pick<Tx, 'get'>, id: string): Promise<OnwardNotice & { consigneeOrganisationId: string; noticeId: string; firstOpenedAt: string | null; latestVersion: number }> {
  const r = (await tx.get<{ id: string; recall_id: string; recall_number: string; state: string; response_deadline: string; level: number; passed_on_by: string; name: string; customer_type: string; contact_person: string | null; language: string; lots: string; org: string; notice_id: string; first_opened_at: string | null; latest_version: number }>(
    `SELECT w.id, w.recall_id, r.recall_number, r.state, ifnull(n.response_deadline, r.response_deadline) AS response_deadline, w.level, w.passed_on_by, w.name, w.customer_type, w.contact_person, w.language, w.lots,
            n.distributor_organisation_id AS org, w.notice_id, w.first_opened_at, w.latest_version
     FROM recall_onward_notices AS w JOIN recalls AS r ON r.id = w.recall_id JOIN recall_notices AS n ON n.id = w.notice_id WHERE w.id = ?`,
    [id],
  ))!;
  return {
    id: r.id,
    recallId: r.recall_id,
    recallNumber: r.recall_number,
    recallState: r.state,
    responseDeadline: r.response_deadline,
    level: r.level,
    passedOnBy: r.passed_on_by,
    name: r.name,
    customerType: r.customer_type,
    contactPerson: r.contact_person,
    language: r.language,
    lots: JSON.parse(r.lots) as OnwardLot[],
    consigneeOrganisationId: r.org,
    noticeId: r.notice_id,
    firstOpenedAt: r.first_opened_at,
    latestVersion: r.latest_version,
  };
}

/**
 * Someone opened an onward notice through the link in its e-mail (no account): the link is
 * checked, the opening counted (the first one audited), and the notice returned with the
 * manufacturer's content for the lots supplied to this customer, its newest reply and whom it
 * passed the notice on to.
 */
export async function viewOnwardLink(ctx: UseCaseContext, token: string): Promise<OnwardLinkView> {
  const check = await checkOnwardToken(ctx.db, token, ctx.clock.now());
  if (!check.ok) throw onwardLinkRefusal(check.reason);
  return ctx.db.transaction(async (tx) => {
    const w = await onwardNoticeById(tx, check.onwardNoticeId);
    const now = ctx.clock.now().toISOString();
    await tx.run('UPDATE recall_onward_notices SET first_opened_at = coalesce(first_opened_at, ?), open_count = open_count + 1 WHERE id = ?', [now, w.id]);
    if (!w.firstOpenedAt) {
      await recordAudit(tx, ctx.clock, {
        actor: { type: 'system', name: 'onward notice link' },
        organisationId: w.consigneeOrganisationId,
        action: 'recall.onward_notice_opened',
        entityType: 'recall_onward_notice',
        entityId: w.id,
        newValues: { openedAt: now },
        requestId: ctx.requestId,
      });
    }
    const full = await getNoticeData(tx, { recallId: w.recallId, distributorOrganisationId: w.consigneeOrganisationId });
    const products = full.products
      // Trade name and model stay; only the lots and quantities supplied to this customer.
      .map((p) => ({ ...p, lots: w.lots.filter((l) => l.gtin === p.gtin).map((l) => ({ lot: l.lot, quantity: l.quantity, serials: [] })) }))
      .filter((p) => p.lots.length);
    const content: NoticeData = { ...full, distributor: { id: '', name: w.name, timeZone: full.distributor.timeZone }, products, units: w.lots.reduce((n, l) => n + l.quantity, 0) };
    const passedOnTo = (
      await tx.all<{ name: string; customer_type: string; sent_at: string; latest_version: number }>(
        'SELECT name, customer_type, sent_at, latest_version FROM recall_onward_notices WHERE parent_id = ? ORDER BY sent_at, id',
        [w.id],
      )
    ).map((c) => ({ name: c.name, customerType: c.customer_type, sentAt: c.sent_at, replied: c.latest_version > 0 }));
    const { consigneeOrganisationId: _o, noticeId: _n, firstOpenedAt: _f, latestVersion, ...onward } = w;
    return { onward, content, latest: latestVersion ? await onwardReply(tx, w.id, latestVersion) : null, canPassOn: w.level < maxOnwardLevel, passedOnTo };
  });
}

/** One stored version of a customer's reply. */
export async function onwardReply(tx: Pick<Tx, 'get' | 'all'>, onwardNoticeId: string, version: number): Promise<OnwardReplyView> {
  const r = (await tx.get<{ id: string; version: number; submitted_at: string; understood: number; passed_on: number; passed_on_count: number; declarant_name: string; declarant_function: string; declarant_phone: string; declarant_email: string; record_hash: string }>(
    'SELECT * FROM recall_onward_replies WHERE onward_notice_id = ? AND version = ?',
    [onwardNoticeId, version],
  ))!;
  const lots = await tx.all<{ gtin: string; lot: string | null; onHand: number; quarantined: number; returned: number; destroyed: number }>(
    "SELECT gtin, lot, on_hand AS onHand, quarantined, returned, destroyed FROM recall_onward_reply_lots WHERE reply_id = ? ORDER BY gtin, ifnull(lot, '')",
    [r.id],
  );
  return {
    version: r.version,
    submittedAt: r.submitted_at,
    understood: r.understood === 1,
    passedOn: r.passed_on === 1,
    passedOnCount: r.passed_on_count,
    declarant: { name: r.declarant_name, function: r.declarant_function, phone: r.declarant_phone, email: r.declarant_email },
    recordHash: r.record_hash,
    lots,
  };
}
