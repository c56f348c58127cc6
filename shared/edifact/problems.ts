// What is wrong with an interchange, as data: a stable code with its parameters and the place
// (segment, element, component) a CONTRL or APERAK names; the English text is made from the code.
import { fill } from '../fill.ts';
import type { Segment } from './interchange.ts';

export interface EdifactProblem {
  /** Stable code; `message` is its English text. */
  code: string;
  message: string;
  /** A `{ term }` value is a catalogue phrase (see `term()` in shared/errors.ts), worded in the reader's language. */
  params: Record<string, string | number | { term: string }>;
  /** 1-based segment position: in the interchange (tokenizer, envelope) or in the message (UNH = 1) for mapping problems. */
  segment: number | null;
  tag: string | null;
  /** 1-based element and component positions, when the problem is inside one. */
  element?: number;
  component?: number;
  /** The UNH reference of the message, for problems inside one. */
  messageReference?: string;
  /** Set when `segment` counts in the interchange but the problem is inside a message: its UNH's position there. */
  messageStart?: number;
  /** The submission field (e.g. lines/0/quantity) a use-case refusal was about. */
  field?: string;
  /** 'warning': read and accepted all the same (Interchange.warnings); absent for a refusal. */
  severity?: 'warning';
}

export const edifactProblemTexts = {
  empty: 'the file is empty',
  badUna: 'the UNA service string advice is incomplete or repeats a character',
  noUnb: 'the interchange does not start with UNB',
  unknownCharset: 'the syntax identifier {charset} is not a known EDIFACT character set',
  notUtf8: 'byte {offset} is not valid UTF-8 although the interchange declares {charset}',
  badCharacter: 'the character {character} is not allowed under {charset}',
  controlCharacter: 'the control character {character} is not allowed in data',
  badTag: 'the segment tag {tag} is not three upper-case letters or digits',
  danglingRelease: 'the release character {release} ends the file',
  badRelease: 'the release character {release} precedes {character}, which is not a service character',
  releasedOrdinary: 'the release character {release} precedes {character}, which is not a service character: read as {character}',
  unterminated: 'the last segment is not terminated by {segment}',
} as const;

export type EdifactProblemCode = keyof typeof edifactProblemTexts;

/** One or more problems of an interchange; nothing of it was accepted. */
export class EdifactError extends Error {
  readonly problems: EdifactProblem[];
  /** Tokenizer refusals: the UNB read before the problem (a CONTRL names the interchange by it) and the message it is in. */
  context?: { unb: Segment | null; message: Segment | null };
  constructor(problems: EdifactProblem[]) {
    super(problems.map(describeProblem).join('; '));
    this.name = 'EdifactError';
    this.problems = problems;
  }
}

export function isEdifactError(e: unknown): e is EdifactError {
  return e instanceof Error && e.name === 'EdifactError' && Array.isArray((e as EdifactError).problems);
}

/** "segment 7 (QTY), element 2, component 2: …" */
export function describeProblem(p: EdifactProblem): string {
  const where: string[] = [];
  if (p.segment !== null) where.push(`segment ${p.segment}${p.tag ? ` (${p.tag})` : ''}`);
  if (p.element !== undefined) where.push(`element ${p.element}`);
  if (p.component !== undefined) where.push(`component ${p.component}`);
  return where.length ? `${where.join(', ')}: ${p.message}` : p.message;
}

export function syntaxProblem(
  code: EdifactProblemCode,
  params: Record<string, string | number>,
  at: { segment: number | null; tag: string | null; element?: number; component?: number },
): EdifactProblem {
  return { code, message: fill(edifactProblemTexts[code], params), params, ...at };
}
