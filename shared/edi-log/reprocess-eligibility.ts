// When an inbound AS2 message's EDIFACT may be run again. Only a run that left nothing in the
// interchange register can be repeated as it is: a failed run (its transaction rolled back) or
// one whose every interchange was refused before the register (no UNB; a UNB sender that was not
// the partner's EDI id — fixed by correcting the partner profile). An interchange that is in the
// register would be recognised as a repeat and answered with its first CONTRL (ISO 9735: a
// control reference is processed once per sender); running it again needs an explicit reprocess
// path in the register, which it does not have yet, so such a message is refused with that reason.
import type { Actor } from '../auth/actor.ts';
import type { InboundDetail } from './get-edi-message.ts';

type Facts = Pick<InboundDetail, 'state' | 'failure' | 'payload' | 'edifact' | 'interchanges'>;

/** English texts of the refusals (the portal shows its own translations of the same codes). */
export const reprocessRefusalTexts = {
  notAdmin: 'only a manufacturer administrator may reprocess a message; you are {role}',
  as2Failed: 'the AS2 message itself was refused ({disposition}: {reason}), so it has no accepted payload to process: the partner must send it again',
  stillReceiving: 'the AS2 message is still being received (no MDN yet): wait for it to be processed',
  notEdifact: 'its payload is not EDIFACT, so there is nothing for the EDIFACT engine to run again',
  waiting: 'its EDIFACT is waiting to be processed already',
  inRegister:
    'its interchanges are in the interchange register already ({references}): a run would be recognised as a repeat of the same control reference and answered with the first CONTRL; the register has no explicit reprocess path yet',
  answered: 'its interchanges were answered already ({references}); running them again would repeat what they became',
} as const;

export type ReprocessRefusalCode = keyof typeof reprocessRefusalTexts;

export interface ReprocessRefusal {
  code: ReprocessRefusalCode;
  params: Record<string, string>;
  /** English, with the params filled in. */
  text: string;
}

function refusal(code: ReprocessRefusalCode, params: Record<string, string> = {}): ReprocessRefusal {
  return { code, params, text: reprocessRefusalTexts[code].replace(/\{(\w+)\}/g, (_, k: string) => params[k] ?? '') };
}

/** Null when `actor` may reprocess the message now; else why not. */
export function reprocessRefusal(actor: Actor, m: Facts): ReprocessRefusal | null {
  if (actor.role !== 'manufacturer_admin') return refusal('notAdmin', { role: actor.role });
  if (m.state === 'failed') return refusal('as2Failed', { disposition: m.failure?.disposition ?? 'failed', reason: m.failure?.reason ?? '' });
  if (m.state === 'received') return refusal('stillReceiving');
  if (!m.payload || m.edifact.state === null) return refusal('notEdifact');
  if (m.edifact.state === 'waiting') return refusal('waiting');
  if (m.edifact.state === 'failed') return null;
  if (m.interchanges.length > 0) return refusal('inRegister', { references: m.interchanges.map((i) => `${i.controlReference} (${i.status})`).join(', ') });
  const answered = (m.edifact.run?.outcomes ?? []).filter((o) => o.status !== 'refused');
  if (answered.length > 0) return refusal('answered', { references: answered.map((o) => `${o.reference} (${o.status}${o.duplicate ? ', repeat' : ''})`).join(', ') });
  return null;
}
