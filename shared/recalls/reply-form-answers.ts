import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import { problem, type Problems } from '../errors.ts';
import { toGtin14 } from '../gs1/gtin.ts';
import { translate, type Locale } from '../i18n/index.ts';
import { queueMail } from '../mail/queue-mail.ts';
import type { AcknowledgementContent, ReplyFormContent } from './recall-record-hash.ts';
import { serialDispositions, type SerialAnswer } from './serial-answer.ts';
import type { NoticeAction } from './get-notice-data.ts';

/**
 * The MDCG 2023-3 customer reply form's answers beyond the quantities: all actions completed,
 * customers informed (their list is the sub-recipients), "I have a question, contact me", and
 * the signer's function and phone. Unanswered is null, which is refused by name.
 */
export interface ReplyFormInput {
  actionsCompleted: boolean | null;
  customersInformed: ReplyFormContent['customersInformed'] | null;
  contactRequested: boolean;
  question?: string | null;
  signerFunction: string;
  signerPhone: string;
}

/** A lot of the reply as checked (counts valid or not), with its serials as given. */
export type AnsweredLot = Omit<AcknowledgementContent['lots'][number], 'corrected' | 'serials'> & { corrected: number; serials: Partial<SerialAnswer> | null | undefined };

export const customersInformedAnswers = ['yes', 'no', 'not_applicable'] as const;
const phonePattern = /^\+?[0-9][0-9 ()./-]*$/;

/** The affected serials shipped to a distributor per (GTIN, lot) line, keyed `gtin\0lot`. */
export async function shippedSerials(db: Pick<Tx, 'all'>, recallId: string, distributorOrganisationId: string): Promise<Map<string, string[]>> {
  const rows = await db.all<{ gtin: string; lot: string | null; serials: string }>(
    'SELECT gtin, lot, serials FROM recall_consignees WHERE recall_id = ? AND distributor_organisation_id = ?',
    [recallId, distributorOrganisationId],
  );
  const byLine = new Map<string, string[]>();
  for (const r of rows) {
    const key = `${r.gtin}\u0000${r.lot ?? ''}`;
    byLine.set(key, [...(byLine.get(key) ?? []), ...(JSON.parse(r.serials) as string[])]);
  }
  return byLine;
}

/** A serial answer as stored: every disposition present, each list trimmed, without blanks or repeats, sorted. */
export function normalisedSerials(raw: Partial<SerialAnswer> | null | undefined): SerialAnswer | null {
  if (!raw) return null;
  const answer = Object.fromEntries(
    serialDispositions.map((d) => [d, [...new Set((raw[d] ?? []).map((s) => String(s).trim()).filter(Boolean))].sort()]),
  ) as SerialAnswer;
  return serialDispositions.some((d) => answer[d].length > 0) ? answer : null;
}

/**
 * A line answered per serial can list at most the serials shipped on it under each outcome: a
 * longer list is refused before anything else looks at it (so no list, however long, costs more
 * than its reading), with the problem under its field.
 */
export function serialListsTooLong(lots: readonly { gtin: string; lot: string | null; serials?: Partial<SerialAnswer> | null }[], shipped: Map<string, string[]>): Problems {
  const fields: Problems = {};
  lots.forEach((l, i) => {
    const max = shipped.get(`${toGtin14(String(l.gtin ?? '').trim())}\u0000${l.lot?.trim() ?? ''}`)?.length ?? 0;
    // A line shipped without serials gets "not shipped" for a short list (replyFormProblems), this for a long one.
    const allowed = max === 0 ? 100 : max;
    for (const d of serialDispositions) if ((l.serials?.[d]?.length ?? 0) > allowed) fields[`lots/${i}/serials/${d}`] = problem('replyForm.serialsTooMany', { max });
  });
  return fields;
}

/** A list of serials for a problem's text: the first ten, then how many more. */
function someSerials(serials: string[]): string {
  return serials.length <= 10 ? serials.join(', ') : `${serials.slice(0, 10).join(', ')} (+${serials.length - 10})`;
}

/**
 * Every problem with the form's answers, keyed by field path like the quantities' (lots/0/serials/returned …).
 * The rules:
 * - signer function (≤ 200) and phone (digits, spaces, + ( ) . / -; 5 to 30 digits) are required;
 * - actions completed and customers informed must be answered; a question needs "contact me";
 * - customers informed "yes" needs the list of customers (sub-recipients); "no" or "not applicable"
 *   with customers listed (each with the date they were told) contradicts itself;
 * - all actions completed means, per lot: nothing on hand unquarantined, every unit received
 *   accounted for (on hand + returned + destroyed + corrected + passed on = received), nothing on
 *   hand when the notice asks for return or destruction and no correction on site, and the
 *   customers informed (forwarding the notice is always asked);
 * - a lot answered per serial names only serials shipped on that line, each in at most one of on
 *   hand / returned / destroyed / corrected, quarantined ones among those on hand, and its counts
 *   equal the lists' lengths.
 */
export function replyFormProblems(form: ReplyFormInput, holdsStock: boolean, lots: AnsweredLot[], shipped: Map<string, string[]>, actions: NoticeAction[]): Problems {
  const fields: Problems = {};
  const fn = form.signerFunction.trim();
  const phone = form.signerPhone.trim();
  if (!fn) fields.signerFunction = problem('replyForm.functionRequired');
  else if (fn.length > 200) fields.signerFunction = problem('common.tooLong', { max: 200 });
  const digits = phone.replace(/\D/g, '').length;
  if (!phone) fields.signerPhone = problem('replyForm.phoneRequired');
  else if (!phonePattern.test(phone) || digits < 5 || digits > 30) fields.signerPhone = problem('replyForm.phoneInvalid');
  if (form.actionsCompleted === null) fields.actionsCompleted = problem('replyForm.actionsCompletedRequired');
  if (form.customersInformed === null || !customersInformedAnswers.includes(form.customersInformed)) fields.customersInformed = problem('replyForm.customersInformedRequired');
  const question = form.question?.trim() ?? '';
  if (question && !form.contactRequested) fields.question = problem('replyForm.questionWithoutContact');
  else if (question.length > 2000) fields.question = problem('common.tooLong', { max: 2000 });

  const listed = lots.reduce((n, l) => n + l.subRecipients.length, 0);
  if (form.customersInformed === 'yes' && listed === 0) fields.customersInformed = problem('replyForm.informedWithoutList');
  if ((form.customersInformed === 'no' || form.customersInformed === 'not_applicable') && listed > 0) fields.customersInformed = problem('replyForm.listedButNotInformed', { customers: listed });

  const removalAsked = (actions.includes('return') || actions.includes('destroy')) && !actions.includes('correct');
  lots.forEach((l, i) => {
    const at = (f: string) => `lots/${i}/${f}`;
    const serialProblems = serialAnswerProblems(l, shipped.get(`${l.gtin}\u0000${l.lot ?? ''}`) ?? []);
    for (const [f, p] of Object.entries(serialProblems)) fields[at(f)] ??= p;
    if (form.actionsCompleted !== true || !holdsStock) return;
    const accounted = l.onHand + l.returned + l.destroyed + l.corrected + l.distributed;
    if (l.quarantined < l.onHand) fields[at('onHand')] ??= problem('replyForm.completedUnquarantined', { onHand: l.onHand, quarantined: l.quarantined });
    else if (removalAsked && l.onHand > 0) fields[at('onHand')] ??= problem('replyForm.completedStillOnHand', { onHand: l.onHand });
    if (accounted !== l.received) fields[at('received')] ??= problem('replyForm.completedUnaccounted', { received: l.received, accounted });
  });
  if (form.actionsCompleted === true && form.customersInformed === 'no') fields.customersInformed ??= problem('replyForm.completedNotInformed');
  const lotProblem = Object.keys(fields).some((f) => /^lots\/\d+\/(onHand|received)$/.test(f) && fields[f]!.code.startsWith('replyForm.completed'));
  if (lotProblem) fields.actionsCompleted ??= problem('replyForm.completedInconsistent');
  return fields;
}

function serialAnswerProblems(l: AnsweredLot, shipped: string[]): Problems {
  const fields: Problems = {};
  const answer = normalisedSerials(l.serials);
  if (!answer) return fields;
  if (shipped.length === 0) return { serials: problem('replyForm.serialsNotShipped') };
  const known = new Set(shipped);
  const placed = new Map<string, string>();
  for (const d of serialDispositions) {
    const unknown = answer[d].filter((s) => !known.has(s));
    if (unknown.length) fields[`serials/${d}`] = problem('replyForm.serialUnknown', { serials: someSerials(unknown) });
    if (d === 'quarantined') continue;
    const twice = answer[d].filter((s) => placed.has(s));
    if (twice.length) fields[`serials/${d}`] ??= problem('replyForm.serialTwice', { serials: someSerials(twice) });
    for (const s of answer[d]) placed.set(s, d);
  }
  const onHand = new Set(answer.onHand);
  const notOnHand = answer.quarantined.filter((s) => !onHand.has(s));
  if (notOnHand.length) fields['serials/quarantined'] ??= problem('replyForm.serialQuarantinedNotOnHand', { serials: someSerials(notOnHand) });
  for (const d of serialDispositions) {
    if (l[d] !== answer[d].length && Number.isSafeInteger(l[d])) fields[d] = problem('replyForm.serialCount', { count: l[d], listed: answer[d].length });
  }
  return fields;
}

/**
 * "I have a question, contact me": a mail to the manufacturer's QA (every active QA user) with
 * the distributor, the signer's function and phone and the question, in the manufacturer's
 * language, queued in the reply's transaction.
 */
export async function queueQuestionMail(
  tx: Tx,
  clock: Clock,
  reply: { acknowledgementId: string; recallNumber: string; version: number; distributor: string; distributorOrganisationId: string; signer: string; signerEmail: string; form: ReplyFormContent },
): Promise<string[]> {
  const qa = await tx.all<{ email: string; language: string }>(
    `SELECT DISTINCT u.email, o.language FROM memberships AS m JOIN users AS u ON u.id = m.user_id JOIN organisations AS o ON o.id = m.organisation_id
      WHERE o.kind = 'manufacturer' AND m.role = 'manufacturer_qa' AND u.disabled_at IS NULL ORDER BY u.email`,
  );
  for (const to of qa) {
    const locale = to.language as Locale;
    const params = {
      recallNumber: reply.recallNumber,
      version: reply.version,
      distributor: reply.distributor,
      signer: reply.signer,
      email: reply.signerEmail,
      function: reply.form.signerFunction,
      phone: reply.form.signerPhone,
      question: reply.form.question ?? translate(locale, 'replyForm.mail.noQuestion'),
    };
    await queueMail(tx, clock, {
      to: to.email,
      subject: translate(locale, 'replyForm.mail.subject', params),
      text: translate(locale, 'replyForm.mail.body', params),
      locale,
      purpose: 'recall.question',
      organisationId: reply.distributorOrganisationId,
      entity: { type: 'recall_acknowledgement', id: reply.acknowledgementId },
    });
  }
  return qa.map((q) => q.email);
}
