// What the tokenizer reads an interchange into: its service characters, its segments (UNB = 1)
// and what its head said (charset, syntax version, how the bytes were decoded).
import type { EdifactProblem } from './problems.ts';

export interface ServiceChars {
  component: string;
  element: string;
  decimal: string;
  release: string;
  /** Syntax 4 only; null when the interchange has none (syntax 1–3, or a space in UNA). */
  repetition: string | null;
  segment: string;
}

export const defaultServiceChars: ServiceChars = { component: ':', element: '+', decimal: '.', release: '?', repetition: null, segment: "'" };

export interface Segment {
  tag: string;
  /** Each element's components (its first repetition). */
  elements: string[][];
  /** Every repetition of each element (one entry when the element does not repeat). */
  repetitions: string[][][];
  /** 1-based position in the interchange (UNA not counted; UNB = 1). */
  position: number;
  /** Character offset of the segment's first character in the decoded text. */
  offset: number;
}

export type TokenizeMode = 'strict' | 'lenient';

export interface Interchange {
  chars: ServiceChars;
  /** Whether the file began with UNA. */
  una: boolean;
  /** UNB S001 0001, e.g. UNOC; '' when the file has no UNB. */
  charset: string;
  /** UNB S001 0002, e.g. 3 or 4; 0 when unknown. */
  syntaxVersion: number;
  /** How the bytes were decoded. */
  encoding: 'latin1' | 'utf-8';
  /** Lenient mode only: latin1 was declared but the bytes are UTF-8, and were read as such. */
  charsetMismatch: boolean;
  segments: Segment[];
  /**
   * What was read although ISO 9735 does not allow it (a release character before an ordinary
   * character), each an EdifactProblem with severity 'warning': the interchange is accepted and
   * the register keeps these with it. At most maxWarnings; absent or empty when there are none.
   */
  warnings?: EdifactProblem[];
}

/** Warnings kept per interchange (a file with a million over-escaped commas is not a million warnings). */
export const maxWarnings = 100;

/** The interchange without its segments: what is known once its head has been read. */
export type InterchangeHead = Omit<Interchange, 'segments'>;
