// The envelopes of an interchange: UNB…UNZ around optional UNG…UNE groups around UNH…UNT
// messages, with the control counts and references checked (UNT = the message's segments
// including UNH and UNT; UNE = the group's messages; UNZ = the groups, or the messages when
// there are no groups) and every message returned with its type and version.
import { EdifactError, fill, value, type EdifactProblem, type Interchange, type Segment } from './tokenize.ts';

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
} as const;

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

function problem(code: keyof typeof envelopeProblemTexts, params: Record<string, string | number>, s: Segment | null, element?: number): EdifactProblem {
  return { code, message: fill(envelopeProblemTexts[code], params), params, segment: s?.position ?? null, tag: s?.tag ?? null, ...(element ? { element, component: 1 } : {}) };
}

/** Checks the envelopes; throws an EdifactError listing every control problem at once. */
export function readEnvelope(ic: Interchange): Envelope {
  const problems: EdifactProblem[] = [];
  const segs = ic.segments;
  const unb = segs[0]!;
  const reference = value(unb, 5);
  if (!reference) problems.push(problem('missingReference', { tag: 'UNB' }, unb, 5));
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
        problems.push(problem('missingUnt', { reference: value(message.seg, 1) }, s));
        message = null;
      } else {
        message.segments.push(s);
        if (s.tag === 'UNT') {
          const h = message.seg;
          const ref = value(h, 1);
          const given = value(s, 1);
          const actual = message.segments.length;
          if (!/^\d+$/.test(given) || Number(given) !== actual) problems.push(problem('segmentCount', { given, actual, reference: ref }, s, 1));
          if (value(s, 2) !== ref) problems.push(problem('referenceMismatch', { trailer: 'UNT', header: 'UNH', given: value(s, 2), expected: ref }, s, 2));
          if (!value(h, 2, 1) || !value(h, 2, 2) || !value(h, 2, 3)) problems.push(problem('missingType', {}, h, 2));
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
      case 'UNH':
        if (!value(s, 1)) problems.push(problem('missingReference', { tag: 'UNH' }, s, 1));
        message = { seg: s, segments: [s] };
        break;
      case 'UNG':
        if (group) problems.push(problem('missingUne', { reference: group.reference }, s));
        if (messages.length && !group && groups === 0) problems.push(problem('unexpected', { tag: 'UNG', context: 'messages outside groups precede it' }, s));
        group = { seg: s, reference: value(s, 5), count: 0 };
        groups++;
        break;
      case 'UNE':
        if (!group) {
          problems.push(problem('unexpected', { tag: 'UNE', context: 'no group is open' }, s));
          break;
        }
        if (Number(value(s, 1)) !== group.count) problems.push(problem('messageCount', { trailer: 'UNE', given: value(s, 1), what: 'messages', scope: 'group', actual: group.count }, s, 1));
        if (value(s, 2) !== group.reference) problems.push(problem('referenceMismatch', { trailer: 'UNE', header: 'UNG', given: value(s, 2), expected: group.reference }, s, 2));
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
  if (message) problems.push(problem('missingUnt', { reference: value(message.seg, 1) }, null));
  if (!unz) problems.push(problem('missingUnz', {}, null));
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
