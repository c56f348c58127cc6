// The distributor's reply form, read into what submitAcknowledgement takes, and its refusals
// put into the reader's language (the use case's field texts are stable English).
import { translate, type Locale, type MessageKey } from '$shared/i18n/index.ts';
import type { AcknowledgementLotInput } from '$shared/recalls/submit-acknowledgement.ts';

const counts = ['received', 'onHand', 'quarantined', 'returned', 'destroyed'] as const;
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
    const given = counts.map((c) => at(c));
    // Without stock, a lot left completely blank is simply not reported.
    if (holdsStock === false && given.every((v) => v === '')) continue;
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
      onHand: count(at('onHand')),
      quarantined: count(at('quarantined')),
      returned: count(at('returned')),
      destroyed: count(at('destroyed')),
      subRecipients,
    });
    rows.push(i);
  }
  return { holdsStock, understood: form.get('understood') === 'yes', lots, rows, comment: text(form, 'comment'), values };
}

const patterns: [RegExp, MessageKey][] = [
  [/^(\d+) quarantined is more than the (\d+) on hand$/, 'reply.problem.quarantinedOverOnHand'],
  [/^(\d+) received is less than the (\d+) accounted for/, 'reply.problem.accountedOverReceived'],
  [/^must be a whole number, 0 or more$/, 'reply.problem.count'],
  [/^must be a whole number, 1 or more$/, 'reply.problem.countPositive'],
  [/^you said you hold no stock: on hand must be 0$/, 'reply.problem.noStockOnHand'],
  [/^required: whom you passed units on to$/, 'reply.problem.subName'],
  [/^must be a date \(YYYY-MM-DD\): when you told them$/, 'reply.problem.subDate'],
  [/^cannot be in the future$/, 'reply.problem.future'],
  [/^is not a lot of this notice$/, 'reply.problem.unknownLot'],
  [/is not reported: report every lot of the notice$/, 'reply.problem.lotMissing'],
  [/^report the stock of every lot/, 'reply.problem.lotMissing'],
  [/^required to sign$/, 'reply.problem.password'],
  [/^wrong password$/, 'reply.problem.wrongPassword'],
];

/** One field problem in the reader's language; the numbers in it carried over. */
export function replyProblem(locale: Locale, message: string): string {
  for (const [re, key] of patterns) {
    const m = re.exec(message);
    if (m) return translate(locale, key, { a: m[1] ?? '', b: m[2] ?? '' });
  }
  return message;
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
