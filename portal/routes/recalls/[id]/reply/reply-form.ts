// The distributor's reply form, read into what submitAcknowledgement takes, and the use case's
// field paths put under the form's field names.
import type { AcknowledgementLotInput } from '$shared/recalls/submit-acknowledgement.ts';
import { customersInformedAnswers, type ReplyFormInput } from '$shared/recalls/reply-form-answers.ts';
import { serialDispositions, type SerialAnswer } from '$shared/recalls/serial-answer.ts';

const counts = ['received', 'onHand', 'quarantined', 'returned', 'destroyed', 'corrected'] as const;
/** Sub-recipient rows each lot offers (more can be added in the browser). */
export const subRows = 3;

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' ? v.trim() : '';
};

/** A blank count is "not given" (NaN), which the use case refuses by name; never a silent 0. */
const count = (value: string) => (value === '' ? Number.NaN : /^\d+$/.test(value) ? Number(value) : Number.NaN);

export interface ReadReply {
  holdsStock: boolean | null;
  understood: boolean;
  lots: AcknowledgementLotInput[];
  /** The form row of each lot given (lots left blank are not given). */
  rows: number[];
  comment: string;
  /** Actions completed, customers informed, question, signer's function and phone. */
  form: ReplyFormInput;
  /** Everything typed, to show again after a refusal (never the password). */
  values: Record<string, string>;
}

export function readReply(form: FormData, lotCount: number): ReadReply {
  const values: Record<string, string> = {};
  for (const [k, v] of form.entries()) if (typeof v === 'string' && k !== 'password') values[k] = v;
  const stock = text(form, 'holdsStock');
  const holdsStock = stock === 'yes' ? true : stock === 'no' ? false : null;
  const lots: AcknowledgementLotInput[] = [];
  const rows: number[] = [];
  for (let i = 0; i < lotCount; i++) {
    const at = (f: string) => text(form, `lot.${i}.${f}`);
    // Serials listed per outcome (one a line or comma-separated); a count left blank is the list's length.
    const serialLists = Object.fromEntries(serialDispositions.map((d) => [d, at(`serials.${d}`).split(/[\s,;]+/).filter(Boolean)])) as SerialAnswer;
    const bySerial = serialDispositions.some((d) => serialLists[d].length > 0);
    const countOf = (c: (typeof counts)[number]) => (bySerial && at(c) === '' && c !== 'received' ? String(serialLists[c].length) : at(c));
    const given = counts.map((c) => at(c));
    // Without stock, a lot left completely blank is simply not reported.
    if (holdsStock === false && given.every((v) => v === '') && !bySerial) continue;
    const offered = Math.max(subRows, Number(at('subRows')) || 0);
    const subRecipients = [];
    for (let j = 0; j < offered; j++) {
      const sub = (f: string) => text(form, `lot.${i}.sub.${j}.${f}`);
      if (!sub('name') && !sub('quantity') && !sub('notifiedOn') && !sub('contact')) continue;
      subRecipients.push({ name: sub('name'), contact: sub('contact') || undefined, quantity: count(sub('quantity')), notifiedOn: sub('notifiedOn') });
    }
    lots.push({
      gtin: at('gtin'),
      lot: at('lot') || null,
      received: count(at('received')),
      onHand: count(countOf('onHand')),
      quarantined: count(countOf('quarantined')),
      returned: count(countOf('returned')),
      destroyed: count(countOf('destroyed')),
      corrected: count(countOf('corrected')),
      ...(bySerial ? { serials: serialLists } : {}),
      subRecipients,
    });
    rows.push(i);
  }
  const completed = text(form, 'actionsCompleted');
  const informed = text(form, 'customersInformed') as ReplyFormInput['customersInformed'] & string;
  const contactRequested = form.get('contactRequested') === 'yes';
  const answers: ReplyFormInput = {
    actionsCompleted: completed === 'yes' ? true : completed === 'no' ? false : null,
    customersInformed: customersInformedAnswers.includes(informed) ? informed : null,
    contactRequested,
    question: text(form, 'question'),
    signerFunction: text(form, 'signerFunction'),
    signerPhone: text(form, 'signerPhone'),
  };
  return { holdsStock, understood: form.get('understood') === 'yes', lots, rows, comment: text(form, 'comment'), form: answers, values };
}

/**
 * The use case names fields by lot position among the lots it was given (lots/0/quarantined)
 * or, for a lot missing, by GTIN and lot; the form names them by row (lot.2.quarantined).
 */
export function formFieldOf(path: string, rows: number[], noticeLots: { gtin: string; lot: string | null }[]): string {
  const missing = noticeLots.findIndex((l) => path === `lots/${l.gtin}/${l.lot ?? ''}`);
  if (missing >= 0) return `lot.${missing}`;
  const m = /^lots\/(\d+)\/(.+)$/.exec(path);
  const row = m ? rows[Number(m[1])] : undefined;
  return row === undefined ? path : `lot.${row}.${m![2]!.replace(/\//g, '.')}`;
}
