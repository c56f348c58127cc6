import type { UseCaseContext } from '../context.ts';
import type { Tx } from '../db/index.ts';
import { asAuditActor, requireRole, type Actor } from '../auth/actor.ts';
import type { AuditActor } from '../audit/entry.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { queueMail } from '../mail/queue-mail.ts';
import { AppError, problem, refusal, type Problems } from '../errors.ts';
import { isLocale, translate, type Locale } from '../i18n/index.ts';
import { newId } from '../ids.ts';
import { emailShape, maxNameLength } from '../users/limits.ts';
import { checkOnwardToken, onwardTokenSigner, onwardUrl } from './onward-link.ts';
import { onwardLinkRefusal } from './view-onward-link.ts';
import { isCustomerType, maxOnwardLevel, type CustomerType } from './onward-terms.ts';
import { formatInstantIn } from '../time-zone.ts';

export interface OnwardLot {
  gtin: string;
  lot: string | null;
  quantity: number;
}

/** One customer the notice is passed on to, as the form gives it. */
export interface OnwardCustomer {
  name: string;
  customerType: string;
  email: string;
  contactPerson?: string;
  language: string;
  /** The quantities supplied to this customer per affected lot; lots with 0 are left out. */
  lots: OnwardLot[];
}

/** How many customers one notice may be passed on to per day: a guard against a mail flood from a stolen session or link. */
export const passOnsPerDay = 100;

/** How many onward mails one recall sends per day over all its consignees and customers. */
export const onwardMailsPerRecallPerDay = 1000;

/**
 * A name as the pass-on mail greets with it: no control characters, web or mail addresses, so the
 * manufacturer's mail cannot carry someone else's link or address to a stranger.
 */
const notAName = /[\p{Cc}\p{Cf}@]|:\/\/|www\./iu;

interface Source {
  recallId: string;
  recallNumber: string;
  recallState: string;
  responseDeadline: string;
  /** The IANA zone of the consignee the notice descends from: the deadline is shown in it. */
  timeZone: string;
  /** The consignee's notice everything descends from. */
  noticeId: string;
  consigneeOrganisationId: string;
  parentId: string | null;
  level: number;
  passedOnBy: string;
  linkExpiresAt: string;
  /** What the passer holds of each affected lot (shipped to it, or supplied to it). */
  lots: OnwardLot[];
}

const key = (l: { gtin: string; lot: string | null }) => `${l.gtin}\u0000${l.lot ?? ''}`;

/** The customer as it will be recorded, or every problem with the form at once. */
export function checkOnwardCustomer(input: OnwardCustomer, available: OnwardLot[], passedOn: Map<string, number>): { name: string; customerType: CustomerType; email: string; contactPerson: string | null; language: Locale; lots: OnwardLot[] } {
  const fields: Problems = {};
  const name = input.name.trim();
  const email = input.email.trim().toLowerCase();
  const contactPerson = input.contactPerson?.trim() || null;
  if (!name) fields.name = problem('onward.nameRequired');
  else if (name.length > maxNameLength) fields.name = problem('onward.tooLong', { max: maxNameLength });
  else if (notAName.test(name)) fields.name = problem('onward.notAName');
  if (!isCustomerType(input.customerType)) fields.customerType = problem('onward.badCustomerType');
  if (!emailShape.test(email) || email.length > 254) fields.email = problem('onward.badEmail');
  if (contactPerson && contactPerson.length > maxNameLength) fields.contactPerson = problem('onward.tooLong', { max: maxNameLength });
  else if (contactPerson && notAName.test(contactPerson)) fields.contactPerson = problem('onward.notAName');
  if (!isLocale(input.language)) fields.language = problem('onward.badLanguage');
  const lots: OnwardLot[] = [];
  input.lots.forEach((l, i) => {
    if (!l.quantity) return;
    const held = available.find((a) => key(a) === key(l));
    if (!held) fields[`lots/${i}/quantity`] = problem('onward.unknownLot');
    else if (!Number.isInteger(l.quantity) || l.quantity < 0) fields[`lots/${i}/quantity`] = problem('onward.badQuantity');
    else {
      const left = held.quantity - (passedOn.get(key(l)) ?? 0);
      if (l.quantity > left) fields[`lots/${i}/quantity`] = problem('onward.moreThanHeld', { max: Math.max(0, left) });
      else lots.push({ gtin: held.gtin, lot: held.lot, quantity: l.quantity });
    }
  });
  if (lots.length === 0 && !Object.keys(fields).some((f) => f.startsWith('lots/'))) fields.lots = problem('onward.lotsNone');
  if (Object.keys(fields).length) throw refusal('invalid_input', 'the customer is not complete', fields);
  return { name, customerType: input.customerType as CustomerType, email, contactPerson, language: input.language as Locale, lots };
}

/**
 * A consignee's distributor user passes its recall notice on to one of its customers (level 2):
 * a record of what was sent to whom, an e-mail in the customer's language with its own signed
 * link (onward-link.ts) to the notice and a reply form, audited. Only the recall's consignee
 * may (another organisation gets `not_found`); only while the recall is open; at most the
 * quantities shipped to it, over all its customers.
 */
export async function passOnNotice(ctx: UseCaseContext, actor: Actor, input: { recallId: string; portalUrl: string; customer: OnwardCustomer }): Promise<{ onwardNoticeId: string }> {
  requireRole(actor, 'distributor_user');
  return ctx.db.transaction(async (tx) => {
    const n = await tx.get<{ id: string; recall_id: string; recall_number: string; state: string; response_deadline: string; link_expires_at: string; name: string; time_zone: string }>(
      `SELECT n.id, n.recall_id, r.recall_number, r.state, ifnull(n.response_deadline, r.response_deadline) AS response_deadline, n.link_expires_at, o.name, o.time_zone
       FROM recall_notices AS n JOIN recalls AS r ON r.id = n.recall_id JOIN organisations AS o ON o.id = n.distributor_organisation_id
       WHERE n.recall_id = ? AND n.distributor_organisation_id = ?`,
      [input.recallId, actor.organisationId],
    );
    if (!n) throw new AppError('not_found', 'no such recall notice');
    const lots = await tx.all<OnwardLot>(
      `SELECT gtin, lot, SUM(quantity_shipped) AS quantity FROM recall_consignees WHERE recall_id = ? AND distributor_organisation_id = ? GROUP BY gtin, lot ORDER BY gtin, ifnull(lot, '')`,
      [n.recall_id, actor.organisationId],
    );
    const source: Source = {
      recallId: n.recall_id,
      recallNumber: n.recall_number,
      recallState: n.state,
      responseDeadline: n.response_deadline,
      timeZone: n.time_zone,
      noticeId: n.id,
      consigneeOrganisationId: actor.organisationId,
      parentId: null,
      level: 2,
      passedOnBy: n.name,
      linkExpiresAt: n.link_expires_at,
      lots,
    };
    return recordOnwardNotice(ctx, tx, source, input.customer, input.portalUrl, asAuditActor(actor), actor.userId);
  });
}

/**
 * A customer reached by an onward link passes the notice on again, one level deeper (its own
 * customers: a distributor's hospital sites, a wholesaler's pharmacies), with the quantities
 * supplied to it at most. The link is checked as for opening it.
 */
export async function passOnFromLink(ctx: UseCaseContext, token: string, input: { portalUrl: string; customer: OnwardCustomer }): Promise<{ onwardNoticeId: string }> {
  const check = await checkOnwardToken(ctx.db, token, ctx.clock.now());
  if (!check.ok) throw onwardLinkRefusal(check.reason);
  return ctx.db.transaction(async (tx) => {
    const p = (await tx.get<{ id: string; recall_id: string; recall_number: string; state: string; response_deadline: string; time_zone: string; notice_id: string; org: string; level: number; name: string; lots: string; link_expires_at: string }>(
      `SELECT w.id, w.recall_id, r.recall_number, r.state, ifnull(n.response_deadline, r.response_deadline) AS response_deadline, o.time_zone, w.notice_id, n.distributor_organisation_id AS org, w.level, w.name, w.lots, w.link_expires_at
       FROM recall_onward_notices AS w JOIN recalls AS r ON r.id = w.recall_id JOIN recall_notices AS n ON n.id = w.notice_id
       JOIN organisations AS o ON o.id = n.distributor_organisation_id WHERE w.id = ?`,
      [check.onwardNoticeId],
    ))!;
    const source: Source = {
      recallId: p.recall_id,
      recallNumber: p.recall_number,
      recallState: p.state,
      responseDeadline: p.response_deadline,
      timeZone: p.time_zone,
      noticeId: p.notice_id,
      consigneeOrganisationId: p.org,
      parentId: p.id,
      level: p.level + 1,
      passedOnBy: p.name,
      linkExpiresAt: p.link_expires_at,
      lots: JSON.parse(p.lots) as OnwardLot[],
    };
    return recordOnwardNotice(ctx, tx, source, input.customer, input.portalUrl, { type: 'system', name: `onward notice link (${p.name})` }, null);
  });
}

async function recordOnwardNotice(ctx: UseCaseContext, tx: Tx, s: Source, customer: OnwardCustomer, portalUrl: string, by: AuditActor, userId: string | null): Promise<{ onwardNoticeId: string }> {
  if (s.recallState !== 'open') throw refusal('conflict', `recall ${s.recallNumber} is not open`, { recall: problem('onward.recallNotOpen') });
  if (s.level > maxOnwardLevel) throw refusal('conflict', `the notice is passed on to level ${maxOnwardLevel} at most`, { customer: problem('onward.tooDeep', { max: maxOnwardLevel }) });
  const now = ctx.clock.now();
  const siblings = await tx.all<{ lots: string; sent_at: string }>(
    s.parentId === null ? 'SELECT lots, sent_at FROM recall_onward_notices WHERE notice_id = ? AND parent_id IS NULL' : 'SELECT lots, sent_at FROM recall_onward_notices WHERE parent_id = ?',
    [s.parentId ?? s.noticeId],
  );
  const dayAgo = new Date(now.getTime() - 86_400_000).toISOString();
  if (siblings.filter((x) => x.sent_at > dayAgo).length >= passOnsPerDay) {
    throw refusal('too_many_attempts', `at most ${passOnsPerDay} customers a day`, { customer: problem('onward.tooManyPassOns', { max: passOnsPerDay }) });
  }
  const recallToday = (await tx.get<{ n: number }>('SELECT count(*) AS n FROM recall_onward_notices WHERE recall_id = ? AND sent_at > ?', [s.recallId, dayAgo]))!.n;
  if (recallToday >= onwardMailsPerRecallPerDay) {
    throw refusal('too_many_attempts', `recall ${s.recallNumber} sent ${onwardMailsPerRecallPerDay} onward notices in the last day`, { customer: problem('onward.recallMailsPerDay', { max: onwardMailsPerRecallPerDay }) });
  }
  const passedOn = new Map<string, number>();
  for (const x of siblings) for (const l of JSON.parse(x.lots) as OnwardLot[]) passedOn.set(key(l), (passedOn.get(key(l)) ?? 0) + l.quantity);
  const c = checkOnwardCustomer(customer, s.lots, passedOn);

  const id = newId('ron');
  const sentAt = now.toISOString();
  await tx.run(
    `INSERT INTO recall_onward_notices (id, recall_id, notice_id, parent_id, level, passed_on_by, passed_on_by_user, name, customer_type, email, contact_person, language, lots, sent_at, link_expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [id, s.recallId, s.noticeId, s.parentId, s.level, s.passedOnBy, userId, c.name, c.customerType, c.email, c.contactPerson, c.language, JSON.stringify(c.lots), sentAt, s.linkExpiresAt],
  );
  const url = onwardUrl(portalUrl, (await onwardTokenSigner(tx))(id, s.linkExpiresAt));
  // The consignee's reply deadline (its own, when it was added late), in the zone of the consignee that passed the notice on.
  const deadline = formatInstantIn(s.responseDeadline, s.timeZone);
  const l = c.language;
  await queueMail(tx, ctx.clock, {
    to: c.email,
    subject: translate(l, 'onward.mail.subject', { recallNumber: s.recallNumber, by: s.passedOnBy }),
    text: [
      translate(l, 'onward.mail.greeting', { name: c.contactPerson ?? c.name }),
      translate(l, 'onward.mail.body', { recallNumber: s.recallNumber, by: s.passedOnBy }),
      translate(l, 'onward.mail.deadline', { deadline }),
      translate(l, 'onward.mail.link', { url }),
    ].join('\n\n'),
    locale: l,
    purpose: 'recall.onward_notice',
    organisationId: s.consigneeOrganisationId,
    entity: { type: 'recall_onward_notice', id },
  });
  await recordAudit(tx, ctx.clock, {
    actor: by,
    organisationId: s.consigneeOrganisationId,
    action: 'recall.notice_passed_on',
    entityType: 'recall_onward_notice',
    entityId: id,
    newValues: { recallNumber: s.recallNumber, level: s.level, passedOnBy: s.passedOnBy, name: c.name, customerType: c.customerType, email: c.email, contactPerson: c.contactPerson, language: c.language, lots: c.lots },
    requestId: ctx.requestId,
  });
  return { onwardNoticeId: id };
}
