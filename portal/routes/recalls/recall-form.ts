// Server-side helpers of the recall pages: reading QA's recall and consignee forms, and a
// refused action with the use case's field problems under the form's own field names.
import { isAppError } from '$shared/errors.ts';
import { locales, translate } from '$shared/i18n/index.ts';
import type { RecallTexts } from '$shared/recalls/notice-languages.ts';
import type { NewRecall } from '$shared/recalls/create-recall.ts';
import { classificationOptions, jurisdictions, type Jurisdiction } from '$shared/recalls/recall-terms.ts';
import { problemFailure, type ProblemFailure } from '$lib/server/problems.ts';
import { field as text, list, fields as all } from '$lib/server/form-fields.ts';

/**
 * A refused recall action: the problems as data under the form's field names (`rename`), the
 * typed values kept (never a password). A refusal with field problems says "correct the
 * highlighted fields"; a wrong password says so.
 */
export function recallFailure<V>(e: unknown, locals: App.Locals, action: string, values: V, rename?: (field: string) => string): ProblemFailure<V> {
  const failure = problemFailure(e, locals, action, values, rename);
  if (isAppError(e) && e.code === 'invalid_credentials') failure.data.message = translate(locals.locale, action === 'close' ? 'recalls.close.wrongPassword' : 'recalls.sign.wrongPassword');
  else if (Object.keys(failure.data.problems).length > 0) failure.data.message = translate(locals.locale, 'recalls.fixFields');
  return failure;
}


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
  /** Returns, destruction and corrections due by ('' for the default). */
  actionsDeadline?: string;
  effectivenessLevel: string;
  /** Level B's percentage as typed. */
  effectivenessPercent: string;
  noticeLanguages: string[];
  /** Per language: reason, hazard and further instructions ('' when not given). */
  translations: Record<string, Required<RecallTexts>>;
  /** The notice's contact, FSN reference and the authorities informed (one per line). */
  contactName: string;
  contactEmail: string;
  contactPhone: string;
  fsnReference: string;
  authorities: string;
  authoritiesInformedOn: string;
  /** 21 CFR 7.42(b)(1) recall depth ('' = not stated). */
  depth?: string;
}

const textKinds = ['reason', 'hazard', 'instructionText'] as const;

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
    actionsDeadline: text(form, 'actionsDeadline'),
    effectivenessLevel: text(form, 'effectivenessLevel'),
    effectivenessPercent: text(form, 'effectivenessPercent'),
    noticeLanguages: all(form, 'noticeLanguages'),
    translations: Object.fromEntries(locales.map((l) => [l, Object.fromEntries(textKinds.map((k) => [k, text(form, `translations.${l}.${k}`)])) as Required<RecallTexts>])),
    contactName: text(form, 'contactName'),
    contactEmail: text(form, 'contactEmail'),
    contactPhone: text(form, 'contactPhone'),
    fsnReference: text(form, 'fsnReference'),
    authorities: text(form, 'authorities'),
    authoritiesInformedOn: text(form, 'authoritiesInformedOn'),
    depth: text(form, 'depth'),
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
    actionsDeadline: values.actionsDeadline,
    effectivenessLevel: values.effectivenessLevel,
    effectivenessPercent: values.effectivenessPercent,
    noticeLanguages: values.noticeLanguages,
    translations: values.translations,
    contact: { name: values.contactName, email: values.contactEmail, phone: values.contactPhone },
    fsnReference: values.fsnReference,
    authorities: values.authorities.split('\n'),
    authoritiesInformedOn: values.authoritiesInformedOn,
    depth: values.depth,
  };
  const rename = (field: string) => {
    const m = /^classifications\/(\d+)$/.exec(field);
    if (field.startsWith('translations/')) return field.replaceAll('/', '.');
    return m && applies[Number(m[1])] ? `classification.${applies[Number(m[1])]}` : field;
  };
  return { recall, values, rename };
}

/** The consignee form's values; the use case's `lines/0/…` problems belong to these fields. */
export function readConsigneeForm(form: FormData) {
  const values = {
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
