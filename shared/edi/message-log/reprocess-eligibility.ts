// When an inbound AS2 message's EDIFACT may be run again: a failed run (its transaction rolled
// back); one whose interchanges were refused before the register (no UNB; a UNB sender that was
// not the partner's EDI id — fixed by correcting the partner profile); and one that brought an
// interchange into the register that was not wholly accepted (e.g. a DESADV refused for an order
// that has arrived since): the register's explicit reprocess path reruns it, only its refused
// messages (record-interchange.ts, `reprocessOf`). Refused: a run whose every interchange was
// accepted, or that answered a repeat of an interchange from another message (ISO 9735: a
// control reference is processed once per sender), as running them again would only repeat
// what they became.
import type { Actor } from '../../auth/actor.ts';
import type { InboundDetail } from './get-edi-message.ts';
import { fill } from '../../fill.ts';
import { operateEdiLog } from './edi-log-access.ts';

type Facts = Pick<InboundDetail, 'state' | 'failure' | 'payload' | 'edifact' | 'interchanges'>;

/** English texts of the refusals (the portal shows its own translations of the same codes). */
export const reprocessRefusalTexts = {
  notAdmin: 'only a manufacturer administrator may reprocess a message; you are {role}',
  as2Failed: 'the AS2 message itself was refused ({disposition}: {reason}), so it has no accepted payload to process: the partner must send it again',
  stillReceiving: 'the AS2 message is still being received (no MDN yet): wait for it to be processed',
  notEdifact: 'its payload is not EDIFACT, so there is nothing for the EDIFACT engine to run again',
  waiting: 'its EDIFACT is waiting to be processed already',
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
  return { code, params, text: fill(reprocessRefusalTexts[code], params) };
}

/** Null when `actor` may reprocess the message now; else why not. */
export function reprocessRefusal(actor: Actor, m: Facts): ReprocessRefusal | null {
  if (!operateEdiLog.allows(actor)) return refusal('notAdmin', { role: actor.role });
  if (m.state === 'failed') return refusal('as2Failed', { disposition: m.failure?.disposition ?? 'failed', reason: m.failure?.reason ?? '' });
  if (m.state === 'received') return refusal('stillReceiving');
  if (!m.payload || m.edifact.state === null) return refusal('notEdifact');
  if (m.edifact.state === 'waiting') return refusal('waiting');
  if (m.edifact.state === 'failed') return null;
  if (m.interchanges.some((i) => i.status !== 'accepted')) return null;
  const answered = (m.edifact.run?.outcomes ?? []).filter((o) => o.status !== 'refused');
  if (answered.length > 0) return refusal('answered', { references: answered.map((o) => `${o.reference} (${o.status}${o.duplicate ? ', repeat' : ''})`).join(', ') });
  return null;
}
