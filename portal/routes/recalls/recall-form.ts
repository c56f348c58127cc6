// Server-side helpers of the recall pages: reading QA's recall and consignee forms, and putting
// the use cases' field problems (stable English texts, see checkNewRecall and addConsignee)
// next to the right field, in the user's language.
import { fail, type ActionFailure } from '@sveltejs/kit';
import { isAppError } from '$shared/errors.ts';
import { translate, type Locale, type MessageKey } from '$shared/i18n/index.ts';
import type { NewRecall } from '$shared/recalls/create-recall.ts';
import { classificationOptions, jurisdictions, type Jurisdiction } from '$shared/recalls/recall-terms.ts';
import { userMessage } from '$lib/server/errors.ts';

/** The use cases' problem texts → catalogue keys; a capture group fills the message's placeholders. */
const problemTexts: [RegExp, MessageKey, ...string[]][] = [
  [/^required: letters, digits and \. _ \/ - \(at most 35\)$/, 'recalls.problem.recallNumber'],
  [/^already recorded as (\S+)$/, 'recalls.problem.recallNumberTaken', 'id'],
  [/^give the type and class for at least one jurisdiction$/, 'recalls.problem.classificationNone'],
  [/^type must be one of /, 'recalls.problem.classificationType'],
  [/^class must be one of /, 'recalls.problem.classificationClass'],
  [/^required: why the devices are recalled$/, 'recalls.problem.reasonRequired'],
  [/^required: why the recall is complete/, 'recalls.problem.closeReasonRequired'],
  [/^must be an e-mail address$/, 'org.recallContacts.invalidEmail'],
  [/^required: the risk to patients and users$/, 'recalls.problem.hazardRequired'],
  [/^at most (\d+) characters$/, 'recalls.problem.tooLong', 'max'],
  [/^choose at least one action /, 'recalls.problem.actionsNone'],
  [/^unknown action (.+)$/, 'recalls.problem.actionUnknown', 'action'],
  [/^name at least one affected product$/, 'recalls.problem.productsNone'],
  [/^is not a valid GTIN /, 'recalls.problem.gtin'],
  [/^a lot has at most 20 characters/, 'recalls.problem.lotLength'],
  [/^a serial has at most 20 characters/, 'recalls.problem.serialLength'],
  [/^must be a date \(YYYY-MM-DD\)$/, 'recalls.problem.date'],
  [/^is before the start of the range$/, 'recalls.problem.expiryRange'],
  [/^is in the past$/, 'recalls.problem.deadlinePast'],
  [/^must be A, B, C, D or E$/, 'recalls.problem.level'],
  [/^choose English, Chinese or both$/, 'recalls.problem.languages'],
  [/^required to sign$/, 'recalls.problem.passwordRequired'],
  [/^wrong password$/, 'recalls.problem.passwordWrong'],
  [/^required: why this distributor is added by hand$/, 'recalls.problem.addReasonRequired'],
  [/^needs at least one affected GTIN and lot$/, 'recalls.problem.gtin'],
  [/^is not a product of this recall$/, 'recalls.problem.notRecalledProduct'],
  [/^must be a whole number of at least 1$/, 'recalls.problem.quantity'],
  [/^needs a lot or serials$/, 'recalls.problem.lotOrSerials'],
  [/^this distributor already has this GTIN and lot on the recall/, 'recalls.problem.alreadyConsignee'],
  [/^has (\d+) serials for a quantity of (\d+)$/, 'recalls.problem.serialCount', 'serials', 'quantity'],
  [/^no such organisation$/, 'recalls.problem.noDistributor'],
  [/^is a \w+, expected a distributor$/, 'recalls.problem.noDistributor'],
];

/** One field problem in the user's language (an unknown text is shown as it is). */
export function problemMessage(locale: Locale, text: string): string {
  for (const [pattern, key, ...names] of problemTexts) {
    const m = pattern.exec(text);
    if (m) return translate(locale, key, Object.fromEntries(names.map((name, i) => [name, m[i + 1] ?? ''])));
  }
  return text;
}

export type RecallFormFailure<V> = ActionFailure<{ message: string; fields: Record<string, string>; values: V }>;

/**
 * A refused action: each problem translated and put under the form's own field name
 * (`rename`), the typed values kept (never a password). A refusal with field problems says
 * "correct the highlighted fields"; a wrong password says so.
 */
export function recallFailure<V>(e: unknown, locals: App.Locals, values: V, rename: (field: string) => string = (f) => f): RecallFormFailure<V> {
  const m = userMessage(e, locals.locale, locals.requestId, locals.log);
  const fields: Record<string, string> = {};
  for (const [name, text] of Object.entries(m.fields ?? {})) {
    const shown = rename(name);
    // The first problem of a field is the one shown; a row's general problem does not hide its GTIN's.
    fields[shown] ??= problemMessage(locals.locale, text);
  }
  let message = m.message;
  if (isAppError(e) && e.code === 'invalid_credentials') message = translate(locals.locale, 'recalls.sign.wrongPassword');
  else if (Object.keys(fields).length > 0) message = translate(locals.locale, 'recalls.fixFields');
  return fail(m.status, { message, fields, values });
}

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' ? v : '';
};
const all = (form: FormData, name: string) => form.getAll(name).filter((v): v is string => typeof v === 'string');

/** A list typed one per line or separated by commas or semicolons. */
export const list = (value: string) =>
  value
    .split(/[\n,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);

export const productFields = ['gtin', 'lots', 'serials', 'expiryFrom', 'expiryTo'] as const;
export type ProductValues = Record<(typeof productFields)[number], string>;

export interface RecallFormValues {
  recallNumber: string;
  /** Per jurisdiction: the chosen type and class ('' when it does not apply). */
  classification: Record<Jurisdiction, { type: string; class: string }>;
  reason: string;
  hazard: string;
  actions: string[];
  instructionText: string;
  products: ProductValues[];
  responseDeadline: string;
  effectivenessLevel: string;
  noticeLanguages: string[];
}

/**
 * QA's recall form as createRecall takes it, the typed values to show again (product rows
 * left blank are dropped, so a row's number is the same in both), and how the use case's field
 * names map to the form's (`classifications/1` is the second jurisdiction filled in).
 */
export function readRecallForm(form: FormData): { recall: NewRecall; values: RecallFormValues; rename: (field: string) => string } {
  const classification = Object.fromEntries(
    jurisdictions.map((j) => {
      const cls = text(form, `class.${j}`).trim();
      let type = text(form, `type.${j}`).trim();
      // A jurisdiction with one type (EU-MDR: FSCA, NMPA: recall) needs only its class.
      const types = classificationOptions[j].types as readonly string[];
      if (!type && cls && types.length === 1) type = types[0]!;
      return [j, { type, class: cls }];
    }),
  ) as Record<Jurisdiction, { type: string; class: string }>;
  const applies = jurisdictions.filter((j) => classification[j].type || classification[j].class);

  const rows = new Set<number>();
  for (const key of form.keys()) {
    const m = /^products\.(\d+)\./.exec(key);
    if (m && Number(m[1]) < 200) rows.add(Number(m[1]));
  }
  const products = [...rows]
    .sort((a, b) => a - b)
    .map((i) => Object.fromEntries(productFields.map((f) => [f, text(form, `products.${i}.${f}`)])) as ProductValues)
    .filter((p) => productFields.some((f) => p[f].trim()));

  const values: RecallFormValues = {
    recallNumber: text(form, 'recallNumber'),
    classification,
    reason: text(form, 'reason'),
    hazard: text(form, 'hazard'),
    actions: all(form, 'actions'),
    instructionText: text(form, 'instructionText'),
    products,
    responseDeadline: text(form, 'responseDeadline'),
    effectivenessLevel: text(form, 'effectivenessLevel'),
    noticeLanguages: all(form, 'noticeLanguages'),
  };
  const recall: NewRecall = {
    recallNumber: values.recallNumber,
    classifications: applies.map((j) => ({ jurisdiction: j, type: classification[j].type, class: classification[j].class })),
    reason: values.reason,
    hazard: values.hazard,
    actions: values.actions,
    instructionText: values.instructionText,
    products: products.map((p) => ({ gtin: p.gtin, lots: list(p.lots), serials: list(p.serials), expiryFrom: p.expiryFrom, expiryTo: p.expiryTo })),
    responseDeadline: values.responseDeadline,
    effectivenessLevel: values.effectivenessLevel,
    noticeLanguages: values.noticeLanguages,
  };
  const rename = (field: string) => {
    const m = /^classifications\/(\d+)$/.exec(field);
    return m && applies[Number(m[1])] ? `classification.${applies[Number(m[1])]}` : field;
  };
  return { recall, values, rename };
}

/** The consignee form's values; the use case's `lines/0/…` problems belong to these fields. */
export function readConsigneeForm(form: FormData) {
  const values = {
    action: 'addConsignee',
    distributorOrganisationId: text(form, 'distributorOrganisationId'),
    gtin: text(form, 'gtin'),
    lot: text(form, 'lot'),
    quantity: text(form, 'quantity'),
    serials: text(form, 'serials'),
    reason: text(form, 'reason'),
  };
  const quantity = /^\s*\d+\s*$/.test(values.quantity) ? Number(values.quantity) : Number.NaN;
  const rename = (field: string) =>
    ({ lines: 'gtin', 'lines/0': 'lot', 'lines/0/gtin': 'gtin', 'lines/0/quantity': 'quantity', 'lines/0/serials': 'serials' })[field] ?? field;
  return {
    input: { distributorOrganisationId: values.distributorOrganisationId, lines: [{ gtin: values.gtin, lot: values.lot, quantity, serials: list(values.serials) }], reason: values.reason },
    values,
    rename,
  };
}
