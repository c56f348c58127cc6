// APERAK (EANCOM D.96A, application error and acknowledgement): our answer to one message
// whose syntax was fine but whose business content we refused (an unknown order, totals that
// do not add up, an unknown GTIN, a lot submitted before) or whose type we do not take. It
// refers to the original message (RFF+ACW), is addressed back to its sender (NAD+MR) and lists
// each problem as ERC (our stable code, code list agency ZZZ: mutually defined) + FTX (the
// English text with the segment/element it is about; at most maxProblemsPerMessage, then ERC
// MORE with the count of the rest), so that the partner's system can act on
// the code and a person can read the text.
import type { ServiceChars } from './interchange.ts';
import { describeProblem, type EdifactProblem } from './problems.ts';
import { writeInterchange, type WriteInterchange, type WriteSegment } from './write.ts';
import { maxProblemsPerMessage, replyCharset, type AnsweredInterchange } from './write-contrl.ts';

/**
 * ERC codes (9321, an..8) for problem codes (the lot use case's field problems by their own
 * codes, `lots.*`); anything else is BADVALUE/MISSING by its kind. Stable: partners map them.
 */
const ercCodes: Record<string, string> = {
  unknownPurchaseOrder: 'UNKPO',
  unknownPoLine: 'UNKPOLIN',
  gtinNotOnOrder: 'GTINNOPO',
  gtinNotOnLine: 'GTINNOPO',
  gtinAmbiguous: 'GTINAMBG',
  unknownGtin: 'UNKGTIN',
  badGtin: 'BADGTIN',
  noGtin: 'NOGTIN',
  totals: 'TOTALS',
  duplicate: 'DUPLOT',
  repeatedInBatch: 'DUPLOT',
  'lots.unknownPurchaseOrder': 'UNKPO',
  'lots.unknownPoLine': 'UNKPOLIN',
  'lots.gtinNotOnOrder': 'GTINNOPO',
  'lots.gtinNotOnLine': 'GTINNOPO',
  'lots.unknownGtin': 'UNKGTIN',
  'lots.badGtin': 'BADGTIN',
  'lots.duplicate': 'DUPLOT',
  'lots.duplicateOnOrder': 'DUPLOT',
  'lots.submittedMeanwhile': 'DUPLOT',
  'lots.repeatedInBatch': 'DUPLOT',
  unsupportedMessageType: 'MSGTYPE',
  duplicateInterchange: 'DUPICHG',
  notAllowed: 'NOTAUTH',
};

export function ercCode(p: EdifactProblem): string {
  if (ercCodes[p.code]) return ercCodes[p.code]!;
  if (/^missing|^no[A-Z]/.test(p.code)) return 'MISSING';
  if (/unsupported|notSupported/i.test(p.code)) return 'NOTSUPP';
  return 'BADVALUE';
}

export interface AperakInput {
  answered: AnsweredInterchange;
  /** The message answered: its reference and S009 (type, version, release, agency, association). */
  message: { reference: string; identifier: string[]; documentNumber?: string; purchaseOrder?: string };
  /** Empty: the message was accepted (BGM function 29); else not accepted (27). */
  problems: EdifactProblem[];
  /** Our interchange and message references and document number. */
  reference: string;
  messageReference?: string;
  documentNumber: string;
  preparedAt: Date;
  chars?: ServiceChars;
}

/** FTX text is an..70 per component, at most 5 components (D.96A C108): longer texts are cut into those. */
function textComponents(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length && out.length < 5; i += 70) out.push(text.slice(i, i + 70));
  return out;
}

function dateTime(at: Date): string {
  return at.toISOString().slice(0, 16).replace(/[-:T]/g, '');
}

export function buildAperak(input: AperakInput): WriteInterchange {
  const a = input.answered;
  const segments: WriteSegment[] = [
    { tag: 'BGM', elements: [['313'], input.documentNumber, input.problems.length ? '27' : '29'] },
    { tag: 'DTM', elements: [['137', dateTime(input.preparedAt), '203']] },
    { tag: 'RFF', elements: [['ACW', input.message.reference]] },
    ...(input.message.documentNumber ? [{ tag: 'RFF', elements: [['DM', input.message.documentNumber]] }] : []),
    ...(input.message.purchaseOrder ? [{ tag: 'RFF', elements: [['ON', input.message.purchaseOrder]] }] : []),
    { tag: 'NAD', elements: ['MS', [a.recipient, '', a.recipientQualifier === '14' ? '9' : '']] },
    { tag: 'NAD', elements: ['MR', [a.sender, '', a.senderQualifier === '14' ? '9' : '']] },
  ];
  // Every problem, up to the bound CONTRL has too; then one more ERC + FTX saying how many were left out.
  const named = input.problems.slice(0, maxProblemsPerMessage);
  for (const p of named) {
    segments.push({ tag: 'ERC', elements: [[ercCode(p), '', 'ZZZ']] });
    segments.push({ tag: 'FTX', elements: ['AAO', '', '', textComponents(describeProblem(p))] });
  }
  const omitted = input.problems.length - named.length;
  if (omitted > 0) {
    segments.push({ tag: 'ERC', elements: [['MORE', '', 'ZZZ']] });
    segments.push({ tag: 'FTX', elements: ['AAO', '', '', textComponents(`${omitted} more problems are not listed (at most ${maxProblemsPerMessage} per message are named)`)] });
  }
  const v4 = a.syntaxVersion >= 4;
  return {
    syntax: [replyCharset(a, segments), String(v4 ? 4 : 3)],
    sender: [a.recipient, a.recipientQualifier],
    recipient: [a.sender, a.senderQualifier],
    preparedAt: v4 ? [dateTime(input.preparedAt).slice(0, 8), dateTime(input.preparedAt).slice(8)] : [dateTime(input.preparedAt).slice(2, 8), dateTime(input.preparedAt).slice(8)],
    reference: input.reference,
    chars: input.chars,
    messages: [{ reference: input.messageReference ?? '1', type: ['APERAK', 'D', '96A', 'UN', 'EAN002'], segments }],
  };
}

export function writeAperak(input: AperakInput): string {
  return writeInterchange(buildAperak(input));
}
