// The log's filters, shared by the use case and the page (no server code here).

/**
 * One state filter over both directions: an inbound message is received / processed / failed
 * (as2_messages.state), an outbound one queued … exhausted (as2_outbound_messages.state; failed
 * there is a negative MDN, as for inbound); edifact_* is the EDIFACT hand-off of an inbound one,
 * edifact_refused an inbound one whose EDIFACT we refused in part or whole (a negative CONTRL or an APERAK).
 */
export const ediLogStates = [
  'received',
  'processed',
  'failed',
  'queued',
  'sending',
  'sent',
  'delivered',
  'exhausted',
  'edifact_waiting',
  'edifact_processed',
  'edifact_failed',
  'edifact_refused',
] as const;
export type EdiLogState = (typeof ediLogStates)[number];

export const ediDirections = ['in', 'out'] as const;
export type EdiDirection = (typeof ediDirections)[number];

/** Message types the EDIFACT engine knows; the filter also takes any other UNH type typed in. */
export const knownMessageTypes = ['DESADV', 'INVOIC', 'ORDERS', 'ORDRSP', 'RECADV', 'CONTRL', 'APERAK'] as const;

export function isEdiLogState(s: unknown): s is EdiLogState {
  return (ediLogStates as readonly unknown[]).includes(s);
}

export function isEdiDirection(s: unknown): s is EdiDirection {
  return (ediDirections as readonly unknown[]).includes(s);
}
