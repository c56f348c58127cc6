// CONTRL, the syntax and service report message (ISO 9735): our answer to a partner's
// interchange saying whether it was received, acknowledged or rejected, and where the syntax
// faults are. UCI answers the interchange (with the first interchange-level fault: UNA, UNB,
// UNZ, the tokenizer's), UCF each functional group, UCM each message, UCS the faulty segment
// (its position counted from UNH = 1) and UCD the element and component in it. Every fault is an EdifactProblem of the
// tokenizer or the envelope check; its code maps to a syntax error code of code list 0085.
// Business faults (unknown order, totals) are APERAK's (write-aperak.ts), not CONTRL's.
// Syntax 1–3 interchanges are answered with CONTRL:D:3:UN, syntax 4 with CONTRL:4:1:UN.
import { tokenize } from './tokenize.ts';
import type { Segment, ServiceChars } from './interchange.ts';
import { EdifactError as EdifactErrorClass, isEdifactError, syntaxProblem, type EdifactError, type EdifactProblem } from './problems.ts';
import { fill } from '../fill.ts';
import { value } from './element-values.ts';
import type { Envelope } from './envelope.ts';
import { encodeInterchange, writeInterchange, type WriteInterchange, type WriteSegment } from './write.ts';

/** Code list 0085 (syntax error, coded), the codes we send. */
export const syntaxErrors = {
  syntaxNotSupported: '2',
  invalidValue: '12',
  missing: '13',
  valueNotSupported: '14',
  notSupportedHere: '15',
  tooManyConstituents: '16',
  unspecified: '18',
  invalidServiceCharacterAdvice: '20',
  invalidCharacter: '21',
  invalidServiceCharacter: '22',
  duplicate: '26',
  referencesDoNotMatch: '28',
  countDoesNotMatch: '29',
  groupsAndMessagesMixed: '30',
  lowerLevelEmpty: '32',
  outsideMessageOrGroup: '33',
  tooManyRepetitions: '35',
  invalidCharacterType: '37',
  tooLong: '39',
  tooShort: '40',
} as const;

/** The 0085 code for a problem code of the tokenizer, the envelope check or record-interchange. */
const codeOf: Record<string, string> = {
  empty: syntaxErrors.missing,
  badUna: syntaxErrors.invalidServiceCharacterAdvice,
  noUnb: syntaxErrors.missing,
  unknownCharset: syntaxErrors.syntaxNotSupported,
  notUtf8: syntaxErrors.invalidCharacter,
  badCharacter: syntaxErrors.invalidCharacter,
  controlCharacter: syntaxErrors.invalidCharacter,
  badTag: syntaxErrors.invalidValue,
  danglingRelease: syntaxErrors.invalidServiceCharacter,
  badRelease: syntaxErrors.invalidServiceCharacter,
  unterminated: syntaxErrors.missing,
  missingUnz: syntaxErrors.missing,
  afterUnz: syntaxErrors.outsideMessageOrGroup,
  unexpected: syntaxErrors.outsideMessageOrGroup,
  missingUnt: syntaxErrors.missing,
  missingUne: syntaxErrors.missing,
  segmentCount: syntaxErrors.countDoesNotMatch,
  messageCount: syntaxErrors.countDoesNotMatch,
  referenceMismatch: syntaxErrors.referencesDoNotMatch,
  missingReference: syntaxErrors.missing,
  missingType: syntaxErrors.missing,
  missingValue: syntaxErrors.missing,
  badDateTime: syntaxErrors.invalidValue,
  referenceTooLong: syntaxErrors.tooLong,
  duplicateMessage: syntaxErrors.duplicate,
  mixed: syntaxErrors.groupsAndMessagesMixed,
  emptyGroup: syntaxErrors.lowerLevelEmpty,
  emptyInterchange: syntaxErrors.lowerLevelEmpty,
  duplicateInterchange: syntaxErrors.duplicate,
  unsupportedMessageType: syntaxErrors.valueNotSupported,
};

export function syntaxErrorCode(p: EdifactProblem): string {
  return codeOf[p.code] ?? syntaxErrors.unspecified;
}

/** 0083, action coded. */
export const contrlActions = { rejected: '4', acknowledged: '7', received: '8' } as const;
export type ContrlAction = keyof typeof contrlActions;

/** The interchange being answered, as its UNB named it. */
export interface AnsweredInterchange {
  reference: string;
  sender: string;
  senderQualifier: string;
  recipient: string;
  recipientQualifier: string;
  syntaxVersion: number;
  charset: string;
}

/** The functional group (UNG) a message came in: answered by a UCF before its messages' UCMs. */
export interface GroupRef {
  /** UNG 0048 */
  reference: string;
  /** UNG S006 and S007: application sender and recipient (id, qualifier). */
  sender: string[];
  recipient: string[];
}

/** The group of each message (by UNH reference), from the interchange's segments. */
export function groupsOf(segments: Segment[]): Map<string, GroupRef> {
  const out = new Map<string, GroupRef>();
  let group: GroupRef | null = null;
  for (const s of segments) {
    if (s.tag === 'UNG') group = { reference: value(s, 5), sender: s.elements[1] ?? [], recipient: s.elements[2] ?? [] };
    else if (s.tag === 'UNE' || s.tag === 'UNZ') group = null;
    else if (s.tag === 'UNH' && group) out.set(value(s, 1), group);
  }
  return out;
}

export interface MessageReport {
  reference: string;
  /** S009: type, version, release, agency, association code. */
  identifier: string[];
  group?: GroupRef | null;
  /** Rejected when it has problems or `rejected` is set (e.g. its type is not supported). */
  problems: EdifactProblem[];
  rejected?: boolean;
}

export interface ContrlInput {
  answered: AnsweredInterchange;
  /** 'received' only confirms receipt (action 8); otherwise acknowledged unless there are interchange problems. */
  action?: 'received' | 'report';
  /** Problems of the interchange itself (not inside a message); positions in the interchange. */
  problems: EdifactProblem[];
  messages: MessageReport[];
  /** Our interchange and message references. */
  reference: string;
  messageReference?: string;
  preparedAt: Date;
  chars?: ServiceChars;
  /** Problems left out of the CONTRL by the bounds (boundProblems): CONTRL has no place for a count, the interchange's record says it. */
  omitted?: number;
}

/** At most this many problems are named per message, and per interchange (the rest are counted). */
export const maxProblemsPerMessage = 100;
export const maxProblemsPerInterchange = 1000;

export const moreProblemsText = '{count} more problems are not listed (at most {perMessage} per message and {perInterchange} per interchange are named)';

/**
 * The problems a CONTRL names and the interchange records: in their order, at most
 * maxProblemsPerMessage of each message and maxProblemsPerInterchange in all; `omitted` counts
 * the rest. One pass, whatever the number of problems.
 */
export function boundProblems(problems: readonly EdifactProblem[]): { kept: EdifactProblem[]; omitted: number } {
  const kept: EdifactProblem[] = [];
  const perMessage = new Map<string, number>();
  for (const p of problems) {
    if (kept.length >= maxProblemsPerInterchange) break;
    if (p.messageReference !== undefined) {
      const n = perMessage.get(p.messageReference) ?? 0;
      if (n >= maxProblemsPerMessage) continue;
      perMessage.set(p.messageReference, n + 1);
    }
    kept.push(p);
  }
  return { kept, omitted: problems.length - kept.length };
}

/** The problems to record on an interchange: the bounded ones, and one saying how many more there were. */
export function recordedProblems(problems: readonly EdifactProblem[]): EdifactProblem[] {
  const { kept, omitted } = boundProblems(problems);
  if (omitted === 0) return kept;
  const params = { count: omitted, perMessage: maxProblemsPerMessage, perInterchange: maxProblemsPerInterchange };
  return [...kept, { code: 'moreProblems', message: fill(moreProblemsText, params), params, segment: null, tag: null }];
}

/** The service segment a problem without a position is about (a missing trailer). */
const missingTag: Record<string, string> = { missingUnz: 'UNZ', missingUnt: 'UNT', missingUne: 'UNE', noUnb: 'UNB', empty: 'UNB' };
const tagOf = (p: EdifactProblem) => p.tag ?? missingTag[p.code] ?? '';

/** "0098:0104" of a problem, as S011 (element position in the segment, component position). */
function s011(p: EdifactProblem): string[] | '' {
  return p.element !== undefined ? [String(p.element), ...(p.component !== undefined ? [String(p.component)] : [])] : '';
}

/** The problem's segment position counted from UNH = 1, or null when it names none. */
export function positionInMessage(p: EdifactProblem): number | null {
  if (p.segment === null) return null;
  return p.messageStart !== undefined ? p.segment - p.messageStart + 1 : p.segment;
}

function dateTime(at: Date, syntaxVersion: number): string[] {
  const iso = at.toISOString();
  const date = syntaxVersion >= 4 ? iso.slice(0, 10).replace(/-/g, '') : iso.slice(2, 10).replace(/-/g, '');
  return [date, iso.slice(11, 16).replace(':', '')];
}

const unoa = /^[A-Z0-9 .,\-()/='+:?!"%&*;<>]*$/;

/**
 * The partner's charset when our answer fits it (UNOA is upper case only), else UNOC, or UNOW
 * (UTF-8) when we echo characters latin1 cannot carry (a lenient read may have taken them).
 */
export function replyCharset(a: AnsweredInterchange, segments: WriteSegment[]): string {
  const texts = [a.sender, a.senderQualifier, a.recipient, a.recipientQualifier, JSON.stringify(segments.map((s) => s.elements ?? []))];
  if (texts.some((t) => /[\u0080-\u009f\u0100-\uffff]/.test(t))) return 'UNOW';
  const charset = /^UNO[A-KWY]$/.test(a.charset) ? a.charset : 'UNOC';
  if (charset !== 'UNOA' && charset !== 'UNOB') return charset;
  const fits = charset === 'UNOA' ? texts.every((t) => unoa.test(t.replace(/["[\],{}]/g, ''))) : texts.every((t) => /^[\x20-\x7e]*$/.test(t));
  return fits ? charset : 'UNOC';
}

/** The UCI action: rejected when the interchange itself has a fault, else acknowledged (or received). */
export function contrlAction(input: Pick<ContrlInput, 'action' | 'problems'>): ContrlAction {
  if (input.problems.length) return 'rejected';
  return input.action === 'received' ? 'received' : 'acknowledged';
}

/** The CONTRL as an interchange to write, addressed back to the answered interchange's sender. */
export function buildContrl(input: ContrlInput): WriteInterchange {
  const a = input.answered;
  const v4 = a.syntaxVersion >= 4;
  const action = contrlAction(input);
  const first = input.problems[0];
  const segments: WriteSegment[] = [
    {
      tag: 'UCI',
      elements: [
        a.reference,
        [a.sender, a.senderQualifier],
        [a.recipient, a.recipientQualifier],
        contrlActions[action],
        ...(first ? [syntaxErrorCode(first), tagOf(first), s011(first)] : []),
      ],
    },
  ];
  if (action !== 'received') {
    let group: string | null = null;
    for (const m of input.messages) {
      // Messages of a functional group are answered under its UCF (acknowledged unless the interchange is rejected).
      if (m.group && m.group.reference !== group) {
        segments.push({ tag: 'UCF', elements: [m.group.reference, m.group.sender, m.group.recipient, contrlActions[action === 'rejected' ? 'rejected' : 'acknowledged']] });
      }
      group = m.group?.reference ?? null;
      const rejected = m.rejected || m.problems.length > 0;
      // A fault of the UNH or UNT itself is named on UCM (0013 + S011); one inside the body gets a UCS.
      const service = m.problems.find((p) => p.tag === 'UNH' || p.tag === 'UNT' || p.segment === null);
      segments.push({
        tag: 'UCM',
        elements: [
          m.reference,
          m.identifier,
          contrlActions[rejected ? 'rejected' : 'acknowledged'],
          ...(service ? [syntaxErrorCode(service), tagOf(service), s011(service)] : []),
        ],
      });
      for (const p of m.problems) {
        if (p === service) continue;
        const position = positionInMessage(p);
        if (position === null) continue;
        // UCS names the segment; UCD the element (and component) when the fault is inside one.
        if (p.element !== undefined) {
          segments.push({ tag: 'UCS', elements: [String(position)] });
          segments.push({ tag: 'UCD', elements: [syntaxErrorCode(p), s011(p)] });
        } else segments.push({ tag: 'UCS', elements: [String(position), syntaxErrorCode(p)] });
      }
    }
  }
  return {
    syntax: [replyCharset(a, segments), String(v4 ? 4 : 3)],
    sender: [a.recipient, a.recipientQualifier],
    recipient: [a.sender, a.senderQualifier],
    preparedAt: dateTime(input.preparedAt, a.syntaxVersion),
    reference: input.reference,
    chars: input.chars,
    messages: [{ reference: input.messageReference ?? '1', type: v4 ? ['CONTRL', '4', '1', 'UN'] : ['CONTRL', 'D', '3', 'UN'], segments }],
  };
}

export function writeContrl(input: ContrlInput): string {
  return writeInterchange(buildContrl(input));
}

/** The CONTRL's bytes in the charset its UNB declares. */
export function contrlBytes(input: ContrlInput): Uint8Array {
  const built = buildContrl(input);
  return encodeInterchange(writeInterchange(built), built.syntax[0]!);
}

/**
 * The UNB to address an answer to when the strict read refused the interchange before its UNB
 * was complete (an unknown charset, a bad character in the UNB): read again leniently, just
 * for the addresses. Null when even that finds no UNB.
 */
export function unbForAnswer(bytes: Uint8Array): Segment | null {
  try {
    return tokenize(bytes, { mode: 'lenient' }).segments[0] ?? null;
  } catch (e) {
    return isEdifactError(e) ? (e.context?.unb ?? null) : null;
  }
}

/** The answered interchange from a read envelope. */
export function answeredFrom(envelope: Envelope): AnsweredInterchange {
  return {
    reference: envelope.reference,
    sender: envelope.sender,
    senderQualifier: envelope.senderQualifier,
    recipient: envelope.recipient,
    recipientQualifier: envelope.recipientQualifier,
    syntaxVersion: envelope.syntaxVersion,
    charset: envelope.charset,
  };
}

/**
 * The CONTRL input for an interchange the tokenizer or the envelope check refused: the
 * interchange is rejected with its first interchange-level fault on UCI, and each message with
 * faults gets a UCM rejecting it with UCS/UCD for each. Null when no UNB naming its sender and
 * recipient was read (nobody to answer).
 */
export function contrlForRefusal(
  error: EdifactError,
  /** The segments read (when the envelope check refused them); else the tokenizer's context is used. */
  segments: Segment[] | null,
  ours: { reference: string; preparedAt: Date; messageReference?: string },
  /** The UNB to answer when the refusal came before one was read (see unbForAnswer). */
  fallbackUnb: Segment | null = null,
): ContrlInput | null {
  const unb = segments?.find((s) => s.tag === 'UNB') ?? error.context?.unb ?? fallbackUnb;
  // A CONTRL is addressed by the UNB's sender and recipient: without them there is nobody to answer.
  if (!unb || !value(unb, 2, 1) || !value(unb, 3, 1)) return null;
  const answered: AnsweredInterchange = {
    reference: value(unb, 5),
    sender: value(unb, 2, 1),
    senderQualifier: value(unb, 2, 2),
    recipient: value(unb, 3, 1),
    recipientQualifier: value(unb, 3, 2),
    syntaxVersion: /^\d$/.test(value(unb, 1, 2)) ? Number(value(unb, 1, 2)) : 3,
    charset: value(unb, 1, 1),
  };
  const { kept, omitted } = boundProblems(error.problems);
  const byMessage = new Map<string, EdifactProblem[]>();
  const interchange: EdifactProblem[] = [];
  for (const p of kept) {
    if (p.messageReference === undefined) interchange.push(p);
    else {
      const list = byMessage.get(p.messageReference);
      if (list) list.push(p);
      else byMessage.set(p.messageReference, [p]);
    }
  }
  const known = new Map<string, string[]>();
  for (const s of segments ?? []) if (s.tag === 'UNH' && !known.has(value(s, 1))) known.set(value(s, 1), s.elements[1] ?? []);
  const open = error.context?.message;
  if (open) known.set(value(open, 1), open.elements[1] ?? []);
  const groups = groupsOf(segments ?? []);
  const messages: MessageReport[] = [...byMessage].map(([reference, problems]) => ({ reference, identifier: known.get(reference) ?? [''], group: groups.get(reference) ?? null, problems }));
  // The interchange is refused as a whole: UCI says so even when every fault is inside a message.
  const uci = interchange.length ? interchange : [{ ...error.problems[0]!, segment: null, tag: null, element: undefined, component: undefined }];
  return { answered, problems: uci, messages, omitted, reference: ours.reference, messageReference: ours.messageReference, preparedAt: ours.preparedAt };
}

const unoaRepertoire = new Set(`ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-()/='+:?!"%&*;<>`);

function shown(ch: string): string {
  const code = ch.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return code < 0x20 || (code >= 0x7f && code < 0xa0) ? hex : `"${ch}" (${hex})`;
}

/** The first character of `text` the charset does not allow, as a problem code and its parameters. */
function badCharacterIn(text: string, charset: string): { code: 'badCharacter' | 'controlCharacter'; params: Record<string, string> } | null {
  const latin1 = /^UNO[A-K]$/.test(charset);
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || c === 0x7f || (latin1 && c >= 0x80 && c < 0xa0)) return { code: 'controlCharacter', params: { character: shown(ch) } };
    if ((charset === 'UNOA' && !unoaRepertoire.has(ch)) || (charset === 'UNOB' && c > 0x7e)) return { code: 'badCharacter', params: { character: shown(ch), charset } };
  }
  return null;
}

/**
 * Every character fault of an interchange the strict reader refused at its first one (a
 * character its charset does not allow, a control character): the reader stops there, so the
 * interchange is read again leniently and each component is checked, one problem per
 * component, so that the CONTRL names every faulty position and the partner fixes the file in
 * one round trip. Returns the refusal unchanged (and no segments) for any other refusal, or
 * when even the lenient read fails. Linear in the interchange's size.
 */
export function everySyntaxProblem(bytes: Uint8Array, error: EdifactError): { error: EdifactError; segments: Segment[] | null } {
  const first = error.problems[0];
  if (error.problems.length !== 1 || !first || (first.code !== 'badCharacter' && first.code !== 'controlCharacter')) return { error, segments: null };
  let segments: Segment[];
  let charset: string;
  try {
    const ic = tokenize(bytes, { mode: 'lenient' });
    segments = ic.segments;
    charset = ic.charset;
  } catch {
    return { error, segments: null };
  }
  const problems: EdifactProblem[] = [];
  let seenFirst = false;
  let message: { reference: string; start: number } | null = null;
  for (const s of segments) {
    if (s.tag === 'UNH') message = { reference: value(s, 1), start: s.position };
    const inMessage = message && s.position > message.start ? { messageReference: message.reference, messageStart: message.start } : {};
    s.repetitions.forEach((repetitions, e) => {
      for (const components of repetitions) {
        components.forEach((text, c) => {
          const bad = badCharacterIn(text, charset);
          if (!bad) return;
          const at = { segment: s.position, tag: s.tag, element: e + 1, component: c + 1 };
          if (at.segment === first.segment && at.element === first.element && at.component === first.component) seenFirst = true;
          problems.push({ ...syntaxProblem(bad.code, bad.params, at), ...inMessage });
        });
      }
    });
    if (s.tag === 'UNT' || s.tag === 'UNZ') message = null;
  }
  // The lenient read must have seen the strict reader's fault; if not, it read something else: keep the refusal as it was.
  if (!seenFirst) return { error, segments: null };
  const all = new EdifactErrorClass(problems);
  all.context = error.context;
  return { error: all, segments };
}
