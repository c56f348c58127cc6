import type { ReplyFormInput } from '../../shared/recalls/reply-form-answers.ts';

/**
 * The MDCG 2023-3 answers a signed reply gives beyond its quantities, as a distributor that has
 * not completed every action yet would give them: customers informed "yes" when the lots list
 * whom units were passed on to, else "not applicable"; no question; a function and phone.
 */
export function replyForm(lots: readonly { subRecipients: readonly unknown[] }[] = [], over: Partial<ReplyFormInput> = {}): ReplyFormInput {
  return {
    actionsCompleted: false,
    customersInformed: lots.some((l) => l.subRecipients.length > 0) ? 'yes' : 'not_applicable',
    contactRequested: false,
    signerFunction: 'Quality manager',
    signerPhone: '+49 30 555 0100',
    ...over,
  };
}
