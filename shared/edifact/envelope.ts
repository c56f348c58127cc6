// The envelopes of an interchange: UNB…UNZ around optional UNG…UNE groups around UNH…UNT
// messages, with the control counts and references checked (UNT = the message's segments
// including UNH and UNT; UNE = the group's messages; UNZ = the groups, or the messages when
// there are no groups) and every message returned with its type and version. Also: the UNB
// header complete (syntax identifier, sender, recipient, date and time, reference), references
// at most 14 characters, message references unique within the interchange, groups and loose
// messages not mixed, no empty group or interchange. Problems inside a message carry its
// reference and the position of its UNH (for a CONTRL's UCS, which counts from UNH).
import type { Interchange, Segment } from './interchange.ts';
import { EdifactError, type EdifactProblem } from './problems.ts';
import { fill } from '../fill.ts';
import { value } from './element-values.ts';

export const envelopeProblemTexts = {
  missingUnz: 'the interchange has no UNZ trailer',
  afterUnz: 'a segment follows the UNZ trailer',
  unexpected: '{tag} is not allowed here ({context})',
  missingUnt: 'message {reference} has no UNT trailer',
  missingUne: 'group {reference} has no UNE trailer',
  segmentCount: 'UNT counts {given} segments, message {reference} has {actual}',
  messageCount: '{trailer} counts {given} {what}, the {scope} has {actual}',
  referenceMismatch: '{trailer} reference {given} does not match {header} reference {expected}',
  missingReference: '{tag} has no reference',
  missingType: 'UNH names no message type and version',
  missingValue: '{tag} has no {what}',
  badDateTime: 'UNB date and time {value} is not YYMMDD or CCYYMMDD and HHMM',
  referenceTooLong: '{tag} reference {value} is longer than 14 characters',
  duplicateMessage: 'message reference {reference} is used twice in the interchange (segments {first} and {second})',
  mixed: '{tag} is not allowed here: an interchange holds either functional groups or messages, not both',
  emptyGroup: 'group {reference} holds no message',
  emptyInterchange: 'the interchange holds no message',
} as const;

export type EnvelopeProblemCode = keyof typeof envelopeProblemTexts;

export interface EdifactMessage {
  reference: string;
  /** e.g. INVOIC */
  type: string;
  /** e.g. D */
  version: string;
  /** e.g. 96A */
  release: string;
  /** e.g. UN */
  agency: string;
  /** e.g. EAN008, '' if none */
  association: string;
  /** UNH … UNT, with their positions in the interchange. */
  segments: Segment[];
  group: string | null;
}

export interface Envelope {
  charset: string;
  syntaxVersion: number;
  sender: string;
  senderQualifier: string;
  recipient: string;
  recipientQualifier: string;
  reference: string;
  preparedAt: string;
  testIndicator: boolean;
  messages: EdifactMessage[];
}

function problem(
  code: EnvelopeProblemCode,
  params: Record<string, string | number>,
  s: Segment | null,
  element?: number,
  message?: { reference: string; start: number },
  component = 1,
): EdifactProblem {
  return {
    code,
    message: fill(envelopeProblemTexts[code], params),
    params,
    segment: s?.position ?? null,
    tag: s?.tag ?? null,
    ...(element ? { element, component } : {}),
    ...(message ? { messageReference: message.reference, messageStart: message.start } : {}),
  };
}

/** The UNB header's own checks (S001, S002, S003, S004, 0020). */
function checkUnb(unb: Segment, problems: EdifactProblem[]): void {
  if (!value(unb, 1, 1)) problems.push(problem('missingValue', { tag: 'UNB', what: 'syntax identifier (S001)' }, unb, 1));
  if (!value(unb, 2, 1)) problems.push(problem('missingValue', { tag: 'UNB', what: 'interchange sender (S002)' }, unb, 2));
  if (!value(unb, 3, 1)) problems.push(problem('missingValue', { tag: 'UNB', what: 'interchange recipient (S003)' }, unb, 3));
  const date = value(unb, 4, 1);
  const time = value(unb, 4, 2);
  if (!date || !time) problems.push(problem('missingValue', { tag: 'UNB', what: 'date and time of preparation (S004)' }, unb, 4, undefined, date ? 2 : 1));
  else if (!/^(\d{6}|\d{8})$/.test(date) || !/^\d{4}$/.test(time)) problems.push(problem('badDateTime', { value: `${date}:${time}` }, unb, 4, undefined, /^(\d{6}|\d{8})$/.test(date) ? 2 : 1));
  const reference = value(unb, 5);
  if (reference.length > 14) problems.push(problem('referenceTooLong', { tag: 'UNB', value: reference }, unb, 5));
}

/** Checks the envelopes; throws an EdifactError listing every control problem at once. */
export function readEnvelope(ic: Interchange): Envelope {
  const problems: EdifactProblem[] = [];
  const segs = ic.segments;
  const unb = segs[0]!;
  const reference = value(unb, 5);
  if (!reference) problems.push(problem('missingReference', { tag: 'UNB' }, unb, 5));
  checkUnb(unb, problems);
  const seenReferences = new Map<string, number>();
  const messages: EdifactMessage[] = [];
  let groups = 0;
  let group: { seg: Segment; reference: string; count: number } | null = null;
  let message: { seg: Segment; segments: Segment[] } | null = null;
  let unz: Segment | null = null;

  for (const s of segs.slice(1)) {
    if (unz) {
      problems.push(problem('afterUnz', {}, s));
      break;
    }
    if (message) {
      if (['UNB', 'UNZ', 'UNG', 'UNE', 'UNH'].includes(s.tag)) {
        problems.push(problem('missingUnt', { reference: value(message.seg, 1) }, s, undefined, { reference: value(message.seg, 1), start: message.seg.position }));
        message = null;
      } else {
        message.segments.push(s);
        if (s.tag === 'UNT') {
          const h = message.seg;
          const ref = value(h, 1);
          const given = value(s, 1);
          const actual = message.segments.length;
          const inMessage = { reference: ref, start: h.position };
          if (!/^\d+$/.test(given) || Number(given) !== actual) problems.push(problem('segmentCount', { given, actual, reference: ref }, s, 1, inMessage));
          if (value(s, 2) !== ref) problems.push(problem('referenceMismatch', { trailer: 'UNT', header: 'UNH', given: value(s, 2), expected: ref }, s, 2, inMessage));
          if (!value(h, 2, 1) || !value(h, 2, 2) || !value(h, 2, 3)) problems.push(problem('missingType', {}, h, 2, inMessage, !value(h, 2, 1) ? 1 : !value(h, 2, 2) ? 2 : 3));
          messages.push({
            reference: ref,
            type: value(h, 2, 1),
            version: value(h, 2, 2),
            release: value(h, 2, 3),
            agency: value(h, 2, 4),
            association: value(h, 2, 5),
            segments: message.segments,
            group: group?.reference ?? null,
          });
          if (group) group.count++;
          message = null;
        }
        continue;
      }
    }
    switch (s.tag) {
      case 'UNH': {
        const ref = value(s, 1);
        const inMessage = { reference: ref, start: s.position };
        if (!ref) problems.push(problem('missingReference', { tag: 'UNH' }, s, 1, inMessage));
        else if (ref.length > 14) problems.push(problem('referenceTooLong', { tag: 'UNH', value: ref }, s, 1, inMessage));
        if (ref && seenReferences.has(ref)) problems.push(problem('duplicateMessage', { reference: ref, first: seenReferences.get(ref)!, second: s.position }, s, 1, inMessage));
        else seenReferences.set(ref, s.position);
        if (groups > 0 && !group) problems.push(problem('mixed', { tag: 'UNH' }, s));
        message = { seg: s, segments: [s] };
        break;
      }
      case 'UNG':
        if (group) problems.push(problem('missingUne', { reference: group.reference }, s));
        if (messages.length && !group && groups === 0) problems.push(problem('mixed', { tag: 'UNG' }, s));
        group = { seg: s, reference: value(s, 5), count: 0 };
        if (!group.reference) problems.push(problem('missingReference', { tag: 'UNG' }, s, 5));
        else if (group.reference.length > 14) problems.push(problem('referenceTooLong', { tag: 'UNG', value: group.reference }, s, 5));
        groups++;
        break;
      case 'UNE':
        if (!group) {
          problems.push(problem('unexpected', { tag: 'UNE', context: 'no group is open' }, s));
          break;
        }
        if (Number(value(s, 1)) !== group.count) problems.push(problem('messageCount', { trailer: 'UNE', given: value(s, 1), what: 'messages', scope: 'group', actual: group.count }, s, 1));
        if (value(s, 2) !== group.reference) problems.push(problem('referenceMismatch', { trailer: 'UNE', header: 'UNG', given: value(s, 2), expected: group.reference }, s, 2));
        if (group.count === 0) problems.push(problem('emptyGroup', { reference: group.reference }, group.seg));
        group = null;
        break;
      case 'UNZ': {
        if (group) problems.push(problem('missingUne', { reference: group.reference }, s));
        const actual = groups > 0 ? groups : messages.length;
        if (value(s, 1) === '' || Number(value(s, 1)) !== actual) problems.push(problem('messageCount', { trailer: 'UNZ', given: value(s, 1), what: groups > 0 ? 'groups' : 'messages', scope: 'interchange', actual }, s, 1));
        if (value(s, 2) !== reference) problems.push(problem('referenceMismatch', { trailer: 'UNZ', header: 'UNB', given: value(s, 2), expected: reference }, s, 2));
        unz = s;
        break;
      }
      default:
        problems.push(problem('unexpected', { tag: s.tag, context: 'outside a message' }, s));
    }
  }
  if (message) problems.push(problem('missingUnt', { reference: value(message.seg, 1) }, null, undefined, { reference: value(message.seg, 1), start: message.seg.position }));
  if (!unz) problems.push(problem('missingUnz', {}, null));
  else if (messages.length === 0 && !problems.some((p) => p.code === 'missingUnt')) problems.push(problem('emptyInterchange', {}, unz));
  if (problems.length) throw new EdifactError(problems);
  return {
    charset: ic.charset,
    syntaxVersion: ic.syntaxVersion,
    sender: value(unb, 2, 1),
    senderQualifier: value(unb, 2, 2),
    recipient: value(unb, 3, 1),
    recipientQualifier: value(unb, 3, 2),
    reference,
    preparedAt: `${value(unb, 4, 1)}:${value(unb, 4, 2)}`,
    testIndicator: value(unb, 11) === '1',
    messages,
  };
}

/**
 * A file may carry several interchanges back to back (UNB…UNZ UNB…UNZ, as Bots writes them):
 * split at each UNB that follows a UNZ, each with its segments counted from its own UNB. Any
 * other segment after a UNZ stays with the interchange before it (readEnvelope refuses it).
 */
export function splitInterchanges(ic: Interchange): Interchange[] {
  const out: Interchange[] = [];
  let current: Segment[] = [];
  let closed = false;
  for (const s of ic.segments) {
    if (closed && s.tag === 'UNB') {
      out.push({ ...ic, segments: current });
      current = [];
    }
    closed = s.tag === 'UNZ' || (closed && s.tag !== 'UNB');
    current.push(s);
  }
  out.push({ ...ic, segments: current });
  if (out.length === 1) return out;
  return out.map((part) => {
    const base = part.segments[0]!.position - 1;
    const last = part.segments[part.segments.length - 1]!.position;
    // Each keeps the warnings about its own segments, counted from its own UNB.
    const warnings = (ic.warnings ?? [])
      .filter((w) => w.segment !== null && w.segment > base && w.segment <= last)
      .map((w) => (base === 0 ? w : { ...w, segment: w.segment! - base, ...(w.messageStart !== undefined ? { messageStart: w.messageStart - base } : {}) }));
    // Decoded by the first UNB's charset; each keeps what its own UNB declares.
    const unb = part.segments[0]!;
    const declared = unb.tag === 'UNB' ? { charset: value(unb, 1, 1), syntaxVersion: /^\d$/.test(value(unb, 1, 2)) ? Number(value(unb, 1, 2)) : 0 } : {};
    return base === 0
      ? { ...part, warnings }
      : { ...part, ...declared, warnings, segments: part.segments.map((s) => ({ tag: s.tag, elements: s.elements, repetitions: s.repetitions, position: s.position - base, offset: s.offset })) };
  });
}

/** readEnvelope for each interchange of the file (see splitInterchanges). */
export function readEnvelopes(ic: Interchange): Envelope[] {
  return splitInterchanges(ic).map(readEnvelope);
}
