import type { UseCaseContext } from '../context.ts';
import { actorTimeZone, asAuditActor, requireRole, type Actor } from '../auth/actor.ts';
import { todayIn } from '../time-zone.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { queueMail } from '../mail/queue-mail.ts';
import { verifySigner, type SignerCredential } from '../signatures/verify-signer.ts';
import { recordSignature } from '../signatures/record-signature.ts';
import { translate, type Locale } from '../i18n/index.ts';
import { AppError, problem, refusal, type Problems } from '../errors.ts';
import { newId } from '../ids.ts';
import { toGtin14 } from '../gs1/gtin.ts';
import { noticeForDistributor } from './notice-for-distributor.ts';
import { acknowledgementRecordHash, type ReplyFormContent } from './recall-record-hash.ts';
import type { SerialAnswer } from './serial-answer.ts';
import { consigneeLocales } from './notice-languages.ts';
import { getAcknowledgement } from './get-acknowledgement.ts';
import { getNoticeData } from './get-notice-data.ts';
import { normalisedSerials, queueQuestionMail, replyFormProblems, shippedSerials, serialListsTooLong, type AnsweredLot, type ReplyFormInput } from './reply-form-answers.ts';
import type { Tx } from '../db/index.ts';
import { revisionToAnswerSql } from './notice-revisions.ts';

export interface SubRecipientInput {
  name: string;
  contact?: string;
  quantity: number;
  /** YYYY-MM-DD: when the sub-recipient was told. */
  notifiedOn: string;
}

export interface AcknowledgementLotInput {
  gtin: string;
  lot: string | null;
  received: number;
  onHand: number;
  quarantined: number;
  returned: number;
  destroyed: number;
  /** Units corrected on site (no longer affected); omitted: none. */
  corrected?: number;
  /** Serial-tracked units answered per serial (only serials shipped on this line). */
  serials?: Partial<SerialAnswer> | null;
  subRecipients: SubRecipientInput[];
}

export interface AcknowledgementInput {
  noticeId: string;
  /** The reader confirms having read and understood the notice: what the signature attests. */
  understood: boolean;
  /** False: "we hold none of the affected stock" (still a signed confirmation of receipt). */
  holdsStock: boolean;
  lots: AcknowledgementLotInput[];
  comment?: string;
  /** The rest of the MDCG 2023-3 customer reply form (actions completed, customers informed, question, signer's function and phone). */
  form: ReplyFormInput;
  credential: SignerCredential;
  /** Language of the receipt mailed to the signer. */
  locale: Locale;
  /** The notice revision the form asked the signer to answer (the portal sends it); a later update refuses the reply. */
  answersRevision?: number;
}

export interface SubmittedAcknowledgement {
  acknowledgementId: string;
  version: number;
  quarantineConfirmed: boolean;
}

/** What a signature of this meaning says, printed on the receipt (21 CFR 11.50(a)(3)). */
export const acknowledgementMeaning = 'responsibility' as const;

const counts = ['received', 'onHand', 'quarantined', 'returned', 'destroyed', 'corrected'] as const;

/**
 * The distributor's reply to a recall notice, signed (Part 11: re-authentication, printed
 * name, meaning, time) and kept as a new version: a correction never changes an earlier one.
 * Quantities that cannot be true, and MDCG 2023-3 answers that contradict them or the serials
 * shipped (reply-form-answers.ts), are refused with every problem at once. The reply, its
 * signature, the notice's progress, audit entries (a correction's with the version it replaces
 * as old values), the ERP events (recall.acknowledged, and recall.quarantine_confirmed the first
 * time all stock on hand is quarantined), the receipt mail to the signer and, when the signer
 * asks to be contacted, the mail to the manufacturer's QA commit together.
 */
export async function submitAcknowledgement(ctx: UseCaseContext, actor: Actor, rp: RelyingParty, input: AcknowledgementInput): Promise<SubmittedAcknowledgement> {
  requireRole(actor, 'distributor_user');
  const notice = await noticeForDistributor(ctx.db, actor, input.noticeId);
  const shipped = await shippedSerials(ctx.db, notice.recallId, notice.distributorOrganisationId);
  const tooLong = serialListsTooLong(input.lots, shipped);
  if (Object.keys(tooLong).length) throw refusal('invalid_input', 'a list of serials is longer than the serials shipped on its line', tooLong);
  const { actions } = await getNoticeData(ctx.db, { recallId: notice.recallId, distributorOrganisationId: notice.distributorOrganisationId });
  // A sub-recipient told "today" is today where the distributor is, not in UTC.
  const today = todayIn(actorTimeZone(actor), ctx.clock.now());
  const lots = checkLots(input, notice.lots, today, (checked) => replyFormProblems(input.form, input.holdsStock, checked, shipped, actions));
  const form: ReplyFormContent = {
    actionsCompleted: input.form.actionsCompleted === true,
    customersInformed: input.form.customersInformed!,
    contactRequested: input.form.contactRequested,
    question: (input.form.contactRequested && input.form.question?.trim()) || null,
    signerFunction: input.form.signerFunction.trim(),
    signerPhone: input.form.signerPhone.trim(),
  };
  const comment = input.comment?.trim() || null;
  if (comment && comment.length > 2000) throw refusal('invalid_input', 'the comment is too long', { comment: problem('common.tooLong', { max: 2000 }) });
  if ('password' in input.credential && !input.credential.password) {
    throw refusal('invalid_input', 'enter your password to sign', { password: problem('signatures.passwordRequired') });
  }

  // The notice in force, which the reply answers and its signature binds: a reply to a notice
  // superseded since the form was shown (input.answersRevision) is refused, not counted.
  const revision = await revisionInForce(ctx.db, notice.recallId, input.answersRevision);
  const hash = acknowledgementRecordHash({ noticeId: notice.id, recallNumber: notice.recallNumber, distributor: notice.distributorOrganisationId, holdsStock: input.holdsStock, lots, comment, form, revision });
  const signer = await verifySigner(ctx, actor, rp, { recordHash: hash, meaning: acknowledgementMeaning, credential: input.credential });

  return ctx.db.transaction(async (tx) => {
    const current = await tx.get<{ latest_version: number; quarantine_confirmed_at: string | null; state: string }>(
      'SELECT n.latest_version, n.quarantine_confirmed_at, r.state FROM recall_notices AS n JOIN recalls AS r ON r.id = n.recall_id WHERE n.id = ?',
      [notice.id],
    );
    if (current!.state !== 'open') throw new AppError('conflict', `recall ${notice.recallNumber} is ${current!.state}: replies are closed`);
    const inForce = await revisionInForce(tx, notice.recallId);
    if (inForce !== revision) throw revisedMeanwhile(notice.recallNumber, inForce);
    const version = current!.latest_version + 1;
    // What a correction replaces, for its audit entry.
    const previousId = version > 1 ? (await tx.get<{ id: string }>('SELECT id FROM recall_acknowledgements WHERE notice_id = ? AND version = ?', [notice.id, version - 1]))!.id : null;
    const previous = previousId ? await getAcknowledgement(tx, null, previousId) : null;
    const id = newId('rak');
    const signature = await recordSignature(tx, ctx.clock, actor, signer, {
      entityType: 'recall_acknowledgement',
      entityId: id,
      recordHash: hash,
      meaning: acknowledgementMeaning,
      reason: `reply to recall ${notice.recallNumber}, version ${version}`,
      requestId: ctx.requestId,
    });
    const now = signature.signedAt;
    await tx.run(
      // revision: the field safety notice in force, which this reply answers (notice-revisions.ts).
      `INSERT INTO recall_acknowledgements (id, notice_id, recall_id, distributor_organisation_id, version, holds_stock, comment, record_hash, signature_id, submitted_by, submitted_at,
                                            actions_completed, customers_informed, contact_requested, question, signer_function, signer_phone, revision)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [id, notice.id, notice.recallId, notice.distributorOrganisationId, version, input.holdsStock ? 1 : 0, comment, hash, signature.id, actor.userId, now,
        form.actionsCompleted ? 1 : 0, form.customersInformed, form.contactRequested ? 1 : 0, form.question, form.signerFunction, form.signerPhone, revision],
    );
    for (const l of lots) {
      await tx.run(
        `INSERT INTO recall_acknowledgement_lots (acknowledgement_id, gtin, lot, received, on_hand, quarantined, returned, destroyed, distributed, corrected, serials)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [id, l.gtin, l.lot, l.received, l.onHand, l.quarantined, l.returned, l.destroyed, l.distributed, l.corrected, l.serials ? JSON.stringify(l.serials) : null],
      );
      for (const s of l.subRecipients) {
        await tx.run('INSERT INTO recall_subrecipients (acknowledgement_id, gtin, lot, name, contact, quantity, notified_on) VALUES (?, ?, ?, ?, ?, ?, ?)', [
          id,
          l.gtin,
          l.lot,
          s.name,
          s.contact ?? null,
          s.quantity,
          s.notifiedOn,
        ]);
      }
    }
    // All stock on hand quarantined (or none held): what QA needs before it can rely on the consignee.
    const quarantineConfirmed = !input.holdsStock || lots.every((l) => l.quarantined === l.onHand);
    const firstConfirmation = quarantineConfirmed && !current!.quarantine_confirmed_at && input.holdsStock;
    await tx.run(
      `UPDATE recall_notices SET latest_version = ?, first_acknowledged_at = coalesce(first_acknowledged_at, ?),
         quarantine_confirmed_at = CASE WHEN ? THEN coalesce(quarantine_confirmed_at, ?) ELSE NULL END WHERE id = ?`,
      [version, now, input.holdsStock && quarantineConfirmed ? 1 : 0, now, notice.id],
    );
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: notice.distributorOrganisationId,
      action: version === 1 ? 'recall.acknowledged' : 'recall.acknowledgement_corrected',
      entityType: 'recall_notice',
      entityId: notice.id,
      ...(previous
        ? { oldValues: { acknowledgement: previous.id, version: previous.version, holdsStock: previous.holdsStock, lots: previous.lots, comment: previous.comment, form: previous.form, signature: previous.signature.id, recordHash: previous.recordHash } }
        : {}),
      newValues: { acknowledgement: id, version, revision, holdsStock: input.holdsStock, lots, comment, form, signature: signature.id, recordHash: hash },
      requestId: ctx.requestId,
    });
    const manifestation = { signerName: signature.signerName, meaning: signature.meaning, signedAt: signature.signedAt, method: signature.method };
    const eventLots = lots.map(({ subRecipients, ...l }) => ({ ...l, lot: l.lot ?? undefined, serials: l.serials ?? undefined, subRecipients: subRecipients.length }));
    await enqueueEvent(tx, ctx.clock, {
      type: 'recall.acknowledged',
      aggregateType: 'recall',
      aggregateId: notice.recallId,
      organisationId: notice.distributorOrganisationId,
      data: { recallNumber: notice.recallNumber, noticeId: notice.id, distributor: notice.distributorRef, acknowledgementId: id, version, holdsStock: input.holdsStock, lots: eventLots, acknowledgedAt: now, signature: manifestation, ...form, question: form.question ?? undefined },
    });
    if (form.contactRequested) {
      await queueQuestionMail(tx, ctx.clock, { acknowledgementId: id, recallNumber: notice.recallNumber, version, distributor: notice.distributorRef.name, distributorOrganisationId: notice.distributorOrganisationId, signer: signature.signerName, signerEmail: actor.email, form });
    }
    if (firstConfirmation) {
      await enqueueEvent(tx, ctx.clock, {
        type: 'recall.quarantine_confirmed',
        aggregateType: 'recall',
        aggregateId: notice.recallId,
        organisationId: notice.distributorOrganisationId,
        data: { recallNumber: notice.recallNumber, noticeId: notice.id, distributor: notice.distributorRef, acknowledgementId: id, version, quarantined: lots.reduce((n, l) => n + l.quarantined, 0), confirmedAt: now },
      });
    }
    // In the language of the reply, then in the organisation's language when that differs.
    const receiptLocales = consigneeLocales(input.locale, [notice.distributorLanguage]);
    const receiptParams = { recallNumber: notice.recallNumber, version, signer: signature.signerName, signedAt: `${now.slice(0, 16).replace('T', ' ')} UTC` };
    await queueMail(tx, ctx.clock, {
      to: actor.email,
      subject: receiptLocales.map((l) => translate(l, 'recallReceipt.subject', receiptParams)).join(' / '),
      text: receiptLocales.map((l) => translate(l, 'recallReceipt.body', receiptParams)).join('\n\n----\n\n'),
      locale: input.locale,
      purpose: 'recall.receipt',
      organisationId: notice.distributorOrganisationId,
      entity: { type: 'recall_acknowledgement', id },
      attachments: receiptLocales.map((locale) => ({ kind: 'recall-receipt-pdf', ref: { acknowledgementId: id, locale } })),
    });
    return { acknowledgementId: id, version, quarantineConfirmed };
  });
}

type CheckedLot = Omit<AcknowledgementLotInput, 'subRecipients' | 'corrected' | 'serials'> & { corrected: number; serials: SerialAnswer | null; distributed: number; subRecipients: SubRecipientInput[] };

/** Every problem with the reported quantities at once, keyed by field path (lots/0/quarantined …). */
function checkLots(input: AcknowledgementInput, noticeLots: { gtin: string; lot: string | null }[], today: string, formProblems: (lots: AnsweredLot[]) => Problems): CheckedLot[] {
  const fields: Problems = {};
  const known = new Set(noticeLots.map((l) => `${l.gtin}\u0000${l.lot ?? ''}`));
  const seen = new Set<string>();
  const lots = input.lots.map((given, i) => {
    // Omitted by a caller that does not ask it: none corrected (the portal form refuses a blank).
    const raw = { ...given, corrected: given.corrected ?? 0 };
    const at = (f: string) => `lots/${i}/${f}`;
    const gtin = toGtin14(String(raw.gtin ?? '').trim());
    const lot = raw.lot?.trim() || null;
    const key = `${gtin}\u0000${lot ?? ''}`;
    if (!known.has(key)) fields[at('lot')] = problem('reply.unknownLot');
    if (seen.has(key)) fields[at('lot')] = problem('reply.lotTwice');
    seen.add(key);
    for (const c of counts) {
      if (!Number.isSafeInteger(raw[c]) || raw[c] < 0) fields[at(c)] = problem('reply.count');
    }
    const subRecipients = (raw.subRecipients ?? []).map((s, j) => {
      const sub = (f: string) => `lots/${i}/subRecipients/${j}/${f}`;
      const name = String(s.name ?? '').trim();
      const notifiedOn = String(s.notifiedOn ?? '').trim();
      if (!name) fields[sub('name')] = problem('reply.subName');
      if (name.length > 200) fields[sub('name')] = problem('common.tooLong', { max: 200 });
      if (!Number.isSafeInteger(s.quantity) || s.quantity < 1) fields[sub('quantity')] = problem('reply.countPositive');
      if (!/^\d{4}-\d{2}-\d{2}$/.test(notifiedOn) || Number.isNaN(Date.parse(notifiedOn))) fields[sub('notifiedOn')] = problem('reply.subDate');
      else if (notifiedOn > today) fields[sub('notifiedOn')] = problem('reply.future');
      return { name, contact: s.contact?.trim() || undefined, quantity: s.quantity, notifiedOn };
    });
    const distributed = subRecipients.reduce((n, s) => n + (Number.isSafeInteger(s.quantity) ? s.quantity : 0), 0);
    const valid = counts.every((c) => Number.isSafeInteger(raw[c]) && raw[c] >= 0);
    if (valid) {
      if (raw.quarantined > raw.onHand) fields[at('quarantined')] = problem('reply.quarantinedOverOnHand', { quarantined: raw.quarantined, onHand: raw.onHand });
      const accounted = raw.onHand + raw.returned + raw.destroyed + raw.corrected + distributed;
      if (accounted > raw.received) {
        fields[at('received')] = problem('reply.accountedOverReceived', { received: raw.received, accounted, onHand: raw.onHand, returned: raw.returned, destroyed: raw.destroyed, passedOn: distributed });
        if (raw.corrected > 0) fields[at('received')] = problem('replyForm.accountedOverReceived', { received: raw.received, accounted, corrected: raw.corrected });
      }
      if (!input.holdsStock && raw.onHand > 0) fields[at('onHand')] = problem('reply.noStockOnHand');
    }
    const serials = normalisedSerials(raw.serials);
    return { gtin, lot, received: raw.received, onHand: raw.onHand, quarantined: raw.quarantined, returned: raw.returned, destroyed: raw.destroyed, distributed, corrected: raw.corrected, serials, subRecipients };
  });
  if (input.holdsStock) {
    noticeLots.forEach((l) => {
      if (!seen.has(`${l.gtin}\u0000${l.lot ?? ''}`)) fields[`lots/${l.gtin}/${l.lot ?? ''}`] = problem('reply.lotMissing', { gtin: l.gtin, lot: l.lot ?? '' });
    });
    if (input.lots.length === 0) fields.lots = problem('reply.lotMissing');
  }
  if (!input.understood) fields.understood = problem('reply.understood');
  for (const [f, p] of Object.entries(formProblems(lots.map((l, i) => ({ ...l, serials: input.lots[i]!.serials }))))) fields[f] ??= p;
  if (Object.keys(fields).length) throw refusal('invalid_input', 'the reply cannot be recorded as it is', fields);
  return lots;
}

/**
 * The field safety notice revision in force for a recall (1 until an update or follow-up). With
 * `answered` (the revision the signer's form asked to answer), a reply the form showed before an
 * update superseded the notice is refused: its signer has not read what is now asked.
 */
async function revisionInForce(db: Pick<Tx, 'get'>, recallId: string, answered?: number): Promise<number> {
  const row = await db.get<{ revision: number; to_answer: number; recall_number: string }>(
    `SELECT ifnull((SELECT MAX(revision) FROM recall_notice_revisions WHERE recall_id = r.id), 1) AS revision, ${revisionToAnswerSql('r.id')} AS to_answer, r.recall_number
       FROM recalls AS r WHERE r.id = ?`,
    [recallId],
  );
  if (answered !== undefined && answered < row!.to_answer) throw revisedMeanwhile(row!.recall_number, row!.to_answer);
  return row!.revision;
}

function revisedMeanwhile(recallNumber: string, revision: number) {
  return refusal('conflict', `the notice of recall ${recallNumber} was revised while the reply was being written`, { answersRevision: problem('fsnRevision.revisedMeanwhile', { revision }) });
}
