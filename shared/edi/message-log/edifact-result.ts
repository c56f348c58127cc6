// as2_messages.edifact_result as the EDIFACT hand-off writes it (shared/edi/inbound/
// process-as2-payload.ts): what became of each interchange of the payload, or the error of a
// run that failed. Read defensively: an older or foreign shape yields what can be read.

export interface EdifactRunOutcome {
  /** UNB 0020 ('' when no UNB could be read). */
  reference: string;
  /** received/accepted/partially_accepted/rejected as in the register; refused = not put in it (no UNB, or a foreign sender). */
  status: string;
  duplicate: boolean;
  problems: string[];
}

export interface EdifactRun {
  outcomes: EdifactRunOutcome[];
  /** The outbound messages queued with the answers (CONTRL, APERAK). */
  queued: { purpose: string; id: string; messageId: string }[];
  /** Why a run failed (edifact_state 'failed'). */
  error: string | null;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function readEdifactResult(json: string | null): EdifactRun | null {
  if (!json) return null;
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return { outcomes: [], queued: [], error: json };
  }
  const outcomes = Array.isArray(v.outcomes) ? (v.outcomes as Record<string, unknown>[]) : [];
  const queued = Array.isArray(v.queued) ? (v.queued as Record<string, unknown>[]) : [];
  return {
    outcomes: outcomes.map((o) => ({ reference: String(o.reference ?? ''), status: String(o.status ?? ''), duplicate: o.duplicate === true, problems: strings(o.problems) })),
    queued: queued.map((q) => ({ purpose: String(q.purpose ?? ''), id: String(q.id ?? ''), messageId: String(q.messageId ?? '') })),
    error: typeof v.error === 'string' ? v.error : null,
  };
}
