// What one business message of an inbound interchange became: its records (accepted) or the
// problems it was refused for (rejected: an APERAK tells the partner), plus what the APERAK
// refers back to. Each message type's handler returns one.
import type { EdifactProblem } from '../../edifact/problems.ts';

export interface MessageResult {
  status: 'accepted' | 'rejected';
  records: { type: string; id: string }[];
  problems: EdifactProblem[];
  /** The message's own document number (BGM 1004) and the order it refers to, for the APERAK. */
  documentNumber?: string;
  purchaseOrder?: string;
}

export const refusedWith = (problems: EdifactProblem[], refers: Pick<MessageResult, 'documentNumber' | 'purchaseOrder'> = {}): MessageResult => ({
  status: 'rejected',
  records: [],
  problems,
  ...refers,
});
