import type { UseCaseContext } from '../context.ts';
import { actorTimeZone, asAuditActor, type Actor } from '../auth/actor.ts';
import { todayIn } from '../time-zone.ts';
import { createRecalls } from './recall-permissions.ts';
import type { RelyingParty } from '../auth/webauthn-challenge.ts';
import { enqueueEvent } from '../outbox/enqueue-event.ts';
import { verifySigner, type SignerCredential } from '../signatures/verify-signer.ts';
import { recordSignature } from '../signatures/record-signature.ts';
import { isLocale } from '../i18n/index.ts';
import { problem, refusal, type Problems } from '../errors.ts';
import { isValidGtin, toGtin14 } from '../gs1/gtin.ts';
import { noticeActions } from './get-notice-data.ts';
import { classificationProblem, effectivenessPercentProblem, isEffectivenessLevel, type Classification } from './recall-terms.ts';
import { recordRecall, type RecallContent } from './record-recall.ts';
import { recallRecordHash } from './recall-record-hash.ts';
import { checkAuthorities, checkContact, type NoticeContact } from './notice-content.ts';
import { checkTranslations, type RecallTexts } from './notice-languages.ts';
import { isRecallDepth } from './onward-terms.ts';

export interface NewRecallProduct {
  gtin: string;
  lots?: string[];
  serials?: string[];
  expiryFrom?: string;
  expiryTo?: string;
}

export interface NewRecall {
  recallNumber: string;
  classifications: Classification[];
  reason: string;
  hazard: string;
  /** quarantine, return, destroy, correct */
  actions: string[];
  instructionText?: string;
  products: NewRecallProduct[];
  /** YYYY-MM-DD: replies are due by the end of that day in QA's organisation's time zone. */
  responseDeadline: string;
  /** YYYY-MM-DD (optional): returns, destruction and corrections are due by the end of that day; by default the reply days of the severity after the reply deadline. */
  actionsDeadline?: string;
  effectivenessLevel: string;
  /** Level B only: the percentage of consignees to check, more than 10 and less than 100 (a form gives it as text). */
  effectivenessPercent?: number | string;
  noticeLanguages: string[];
  /** Reason, hazard and further instructions per notice language (optional; empty texts are dropped). */
  translations?: Record<string, RecallTexts>;
  /** Whom consignees ask (MDCG 2023-3 section 4); empty: the manufacturer's notice contact (organisation setting). */
  contact?: NoticeContact;
  /** MDCG 2023-3 section 4; empty: the recall number. */
  fsnReference?: string;
  /** The competent authorities informed, one per entry, and the day (MDCG 2023-3 section 4). */
  authorities?: string[];
  authoritiesInformedOn?: string;
  /** 21 CFR 7.42(b)(1): wholesale, retail or user level (optional; empty = not stated). */
  depth?: string;
}

const date = /^\d{4}-\d{2}-\d{2}$/;

/** Level B's percentage as a number ("30", "33.5", "33,5" from a form), NaN when it is none. */
function levelBPercent(given: number | string | undefined): number {
  if (typeof given === 'number') return given;
  const text = (given ?? '').trim().replace(',', '.');
  return /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
}

/** The recall as it will be recorded and signed, or every problem with the form at once. */
export function checkNewRecall(input: NewRecall, today: string): RecallContent {
  const fields: Problems = {};
  const recallNumber = input.recallNumber.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]{0,34}$/.test(recallNumber)) fields.recallNumber = problem('recalls.badRecallNumber', { max: 35 });
  if (input.classifications.length === 0) fields.classifications = problem('recalls.classificationNone');
  input.classifications.forEach((c, i) => {
    const wrong = classificationProblem(c);
    if (wrong) fields[`classifications/${i}`] = wrong;
  });
  const reason = input.reason.trim();
  const hazard = input.hazard.trim();
  if (!reason) fields.reason = problem('recalls.reasonRequired');
  if (!hazard) fields.hazard = problem('recalls.hazardRequired');
  if (reason.length > 500) fields.reason = problem('recalls.tooLong', { max: 500 });
  if (hazard.length > 500) fields.hazard = problem('recalls.tooLong', { max: 500 });
  const actions = [...new Set(input.actions)];
  if (actions.length === 0) fields.actions = problem('recalls.actionsNone');
  for (const a of actions) if (!(noticeActions as readonly string[]).includes(a)) fields.actions = problem('recalls.actionUnknown', { action: a });
  const instructionText = input.instructionText?.trim();
  if (instructionText && instructionText.length > 2000) fields.instructionText = problem('recalls.tooLong', { max: 2000 });
  if (input.products.length === 0) fields.products = problem('recalls.productsNone');
  const products = input.products.map((p, i) => {
    const gtin = p.gtin.trim();
    const lots = [...new Set((p.lots ?? []).map((l) => l.trim()).filter(Boolean))];
    const serials = [...new Set((p.serials ?? []).map((s) => s.trim()).filter(Boolean))];
    const expiryFrom = p.expiryFrom?.trim() || undefined;
    const expiryTo = p.expiryTo?.trim() || undefined;
    if (!isValidGtin(gtin)) fields[`products/${i}/gtin`] = problem('recalls.badGtin', { gtin });
    if (lots.some((l) => l.length > 20)) fields[`products/${i}/lots`] = problem('recalls.lotLength', { max: 20 });
    if (serials.some((s) => s.length > 20)) fields[`products/${i}/serials`] = problem('recalls.serialLength', { max: 20 });
    for (const [name, v] of [['expiryFrom', expiryFrom], ['expiryTo', expiryTo]] as const) {
      if (v && (!date.test(v) || Number.isNaN(Date.parse(v)))) fields[`products/${i}/${name}`] = problem('recalls.badDate');
    }
    if (expiryFrom && expiryTo && expiryFrom > expiryTo) fields[`products/${i}/expiryTo`] = problem('recalls.expiryRange');
    return {
      gtin: isValidGtin(gtin) ? toGtin14(gtin) : gtin,
      ...(lots.length ? { lots } : {}),
      ...(serials.length ? { serials } : {}),
      ...(expiryFrom ? { expiryFrom } : {}),
      ...(expiryTo ? { expiryTo } : {}),
    };
  });
  if (!date.test(input.responseDeadline) || Number.isNaN(Date.parse(input.responseDeadline))) fields.responseDeadline = problem('recalls.badDate');
  else if (input.responseDeadline < today) fields.responseDeadline = problem('recalls.deadlinePast');
  const actionsDeadline = input.actionsDeadline?.trim() || undefined;
  if (actionsDeadline && (!date.test(actionsDeadline) || Number.isNaN(Date.parse(actionsDeadline)))) fields.actionsDeadline = problem('recalls.badDate');
  else if (actionsDeadline && actionsDeadline < input.responseDeadline) fields.actionsDeadline = problem('recallDue.actionsBeforeReply');
  if (!isEffectivenessLevel(input.effectivenessLevel)) fields.effectivenessLevel = problem('recalls.badLevel');
  const effectivenessPercent = input.effectivenessLevel === 'B' ? levelBPercent(input.effectivenessPercent) : undefined;
  if (input.effectivenessLevel === 'B') {
    const wrong = effectivenessPercentProblem(effectivenessPercent);
    if (wrong) fields.effectivenessPercent = wrong;
  }
  const noticeLanguages = [...new Set(input.noticeLanguages)];
  if (noticeLanguages.length === 0 || !noticeLanguages.every(isLocale)) fields.noticeLanguages = problem('recalls.badLanguages');
  const translations = checkTranslations(input.translations, fields);
  const contact = checkContact(input.contact ?? {}, fields);
  const fsnReference = input.fsnReference?.trim();
  if (fsnReference && fsnReference.length > 64) fields.fsnReference = problem('noticeContent.tooLong', { max: 64 });
  const competentAuthorities = checkAuthorities(input.authorities ?? [], input.authoritiesInformedOn, today, fields);
  const depth = input.depth?.trim() || undefined;
  if (depth && !isRecallDepth(depth)) fields.depth = problem('onward.badDepth');
  if (Object.keys(fields).length) throw refusal('invalid_input', 'the recall is not complete', fields);

  return {
    recallNumber,
    issuedAt: '',
    reason,
    hazard,
    classifications: input.classifications.map((c) => ({ jurisdiction: c.jurisdiction, type: c.type, class: c.class })),
    instructions: [...actions.map((action) => ({ action })), ...(instructionText ? [instructionText] : [])],
    products,
    responseDeadline: input.responseDeadline,
    ...(actionsDeadline ? { actionsDeadline } : {}),
    effectivenessLevel: input.effectivenessLevel,
    // Level B only: the payload (and so the record hash) of a recall at another level is as before.
    ...(effectivenessPercent !== undefined ? { effectivenessPercent } : {}),
    noticeLanguages,
    // Only when given: the payload (and so the record hash) of a recall without them is as before.
    ...(Object.keys(translations).length ? { translations } : {}),
    ...(Object.keys(contact).length ? { contact } : {}),
    ...(fsnReference ? { fsnReference } : {}),
    ...(competentAuthorities.length ? { competentAuthorities } : {}),
    ...(depth ? { depth } : {}),
  };
}

/**
 * Manufacturer QA issues a recall in the portal, signed (meaning "approval"; password or
 * passkey re-authentication) over the hash of exactly what is recorded. The recall, its
 * consignees resolved from the shipment records, the signature, audit entries and a
 * recall.created event for the ERP commit together. Notices go out when QA has reviewed the
 * consignees (send-recall-notices.ts).
 */
export async function createRecall(
  ctx: UseCaseContext,
  actor: Actor,
  rp: RelyingParty,
  input: NewRecall & { credential: SignerCredential },
): Promise<{ recallId: string; consignees: number; lines: number; units: number }> {
  createRecalls.require(actor);
  // QA's dates are QA's calendar: "today" and the end of the deadline day in its organisation's
  // zone, which is signed with the rest so the stored instant recomputes from what QA signed.
  const zone = actorTimeZone(actor);
  const checked = { ...checkNewRecall(input, todayIn(zone, ctx.clock.now())), deadlineTimeZone: zone };
  if ('password' in input.credential && !input.credential.password) throw refusal('invalid_input', 'enter your password to sign', { password: problem('signatures.passwordRequired') });
  const hash = recallRecordHash('portal', checked);
  const signer = await verifySigner(ctx, actor, rp, { recordHash: hash, meaning: 'approval', credential: input.credential });

  return ctx.db.transaction(async (tx) => {
    const content = { ...checked, issuedAt: ctx.clock.now().toISOString(), manufacturer: actor.organisationName };
    const recorded = await recordRecall(tx, ctx.clock, { content, source: 'portal', actor: asAuditActor(actor), organisationId: actor.organisationId, createdBy: actor.userId, recordHash: hash, requestId: ctx.requestId });
    const signature = await recordSignature(tx, ctx.clock, actor, signer, { entityType: 'recall', entityId: recorded.id, recordHash: hash, meaning: 'approval', requestId: ctx.requestId });
    await enqueueEvent(tx, ctx.clock, {
      type: 'recall.created',
      aggregateType: 'recall',
      aggregateId: recorded.id,
      organisationId: actor.organisationId,
      data: {
        ...content,
        recallId: recorded.id,
        consignees: recorded.consignees,
        unitsShipped: recorded.units,
        signature: { signerName: signature.signerName, meaning: signature.meaning, signedAt: signature.signedAt, method: signature.method },
      },
    });
    return { recallId: recorded.id, consignees: recorded.consignees, lines: recorded.lines, units: recorded.units };
  });
}
