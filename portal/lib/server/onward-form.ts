// Reading the onward forms: a customer to pass a recall notice on to (the consignee's page and
// the onward page), and a customer's reply. Lots are numbered in the order the page lists them.
import type { OnwardCustomer, OnwardLot } from '$shared/recalls/pass-on-notice.ts';
import type { OnwardReplyInput } from '$shared/recalls/submit-onward-reply.ts';

const text = (form: FormData, name: string) => String(form.get(name) ?? '');
/** A count as typed: blank is 0, anything else not a whole number stays NaN (the use case refuses it). */
const count = (v: string) => (v.trim() === '' ? 0 : /^\s*\d+\s*$/.test(v) ? Number(v) : Number.NaN);

export function readOnwardCustomer(form: FormData, lots: { gtin: string; lot: string | null }[]): { customer: OnwardCustomer; values: Record<string, string> } {
  const values: Record<string, string> = {};
  for (const f of ['name', 'customerType', 'email', 'contactPerson', 'language']) values[f] = text(form, f);
  lots.forEach((_, i) => (values[`lots.${i}`] = text(form, `lots.${i}`)));
  const customer: OnwardCustomer = {
    name: values.name!,
    customerType: values.customerType!,
    email: values.email!,
    contactPerson: values.contactPerson,
    language: values.language!,
    lots: lots.map((l, i) => ({ gtin: l.gtin, lot: l.lot, quantity: count(values[`lots.${i}`]!) }) satisfies OnwardLot),
  };
  return { customer, values };
}

const replyCounts = ['onHand', 'quarantined', 'returned', 'destroyed'] as const;

export function readOnwardReply(form: FormData, lots: { gtin: string; lot: string | null }[]): { reply: OnwardReplyInput; values: Record<string, string> } {
  const values: Record<string, string> = {};
  for (const f of ['understood', 'passedOn', 'passedOnCount', 'name', 'function', 'phone', 'email']) values[f] = text(form, f);
  lots.forEach((_, i) => replyCounts.forEach((k) => (values[`lots.${i}.${k}`] = text(form, `lots.${i}.${k}`))));
  const reply: OnwardReplyInput = {
    understood: values.understood === 'yes',
    passedOn: values.passedOn === 'yes' ? true : values.passedOn === 'no' ? false : null,
    passedOnCount: count(values.passedOnCount!),
    name: values.name!,
    function: values.function!,
    phone: values.phone!,
    email: values.email!,
    lots: lots.map((l, i) => ({ gtin: l.gtin, lot: l.lot, onHand: count(values[`lots.${i}.onHand`]!), quarantined: count(values[`lots.${i}.quarantined`]!), returned: count(values[`lots.${i}.returned`]!), destroyed: count(values[`lots.${i}.destroyed`]!) })),
  };
  return { reply, values };
}
