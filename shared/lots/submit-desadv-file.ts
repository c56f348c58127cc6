// A supplier's EDIFACT file with despatch advices, uploaded on the lots page (suppliers with EDI
// software but no AS2; AS2 interchanges go through receive-desadv.ts): bytes → tokenize →
// (each interchange of the file) stored in the register, a repeat recognised and answered with
// the first answer → envelopes checked → each DESADV mapped and
// its lines submitted as lots by submit-desadv-message.ts, the per-message path the AS2 door
// shares (all or nothing per message: one bad line and none of the message's lots are stored). The
// answer is a CONTRL for the interchange (syntax: rejected with the fault's segment/element,
// or acknowledged with a UCM per message) and an APERAK for each message refused on business
// grounds (unknown order, GTIN not on it, a lot sent before) or whose type we do not take
// here (e.g. IFTSTA, INVOIC: recognised, stored, refused cleanly).
import { randomInt } from 'node:crypto';
import type { UseCaseContext } from '../context.ts';
import { asAuditActor, type Actor } from '../auth/actor.ts';
import { submitLotRecords } from './lot-permissions.ts';
import { AppError } from '../errors.ts';
import type { Lot, RowProblem } from './lot.ts';
import { tokenize } from '../edifact/tokenize.ts';
import type { Interchange, Segment, TokenizeMode } from '../edifact/interchange.ts';
import { isEdifactError, describeProblem, type EdifactProblem } from '../edifact/problems.ts';
import { fill } from '../fill.ts';
import { readEnvelope, splitInterchanges, type EdifactMessage } from '../edifact/envelope.ts';
import type { DespatchAdvice } from './map-desadv.ts';
import { submitDesadvMessage } from './submit-desadv-message.ts';
import { answeredFrom, contrlForRefusal, groupsOf, unbForAnswer, writeContrl, type AnsweredInterchange, type MessageReport } from '../edifact/write-contrl.ts';
import { writeAperak } from '../edifact/write-aperak.ts';
import { completeInterchange, headerOf, recordInterchange, type InterchangeStatus, type MessageOutcome, type ReceivedBy } from '../edi/inbound/record-interchange.ts';

export const desadvFileProblemTexts = {
  tooLarge: 'the file is larger than {max} bytes',
  unsupportedMessageType: 'message type {type} is not supported here (this door takes DESADV)',
  senderNotYours: 'interchange sender {sender} is another organisation\'s EDI id: the file is refused and nothing of it is recorded',
} as const;

export const maxDesadvFileBytes = 10 * 1024 * 1024;

export interface DesadvMessageResult {
  reference: string;
  /** UNH S009 joined by ':' */
  type: string;
  status: MessageOutcome['status'];
  advice: DespatchAdvice | null;
  lots: Lot[];
  warnings: RowProblem[];
  problems: EdifactProblem[];
  /** The APERAK answering a refused message. */
  aperak: string | null;
}

export interface DesadvInterchangeResult {
  /** The register's id (edi_interchanges.id). */
  id: string;
  reference: string;
  /** The same sender sent this reference before: answered with the first CONTRL, nothing processed. */
  duplicate: boolean;
  status: InterchangeStatus;
  /** The CONTRL we answer with. */
  contrl: string | null;
  /** Syntax and envelope problems (positions in the interchange). */
  problems: EdifactProblem[];
  messages: DesadvMessageResult[];
}

export interface DesadvFileResult {
  interchanges: DesadvInterchangeResult[];
}

/** Nothing of the file could be read, not even a UNB to answer: the upload itself is refused. */
export class DesadvFileError extends AppError {
  /** The file's syntax problems, as its CONTRL would list them. */
  readonly ediProblems: EdifactProblem[];
  constructor(problems: EdifactProblem[]) {
    super('invalid_input', `the EDIFACT file was refused: ${problems.map(describeProblem).join('; ')}`);
    this.ediProblems = problems;
  }
}

/** An interchange control reference of ours (an..14): time and a random tail. */
function ourReference(now: Date): string {
  return (now.getTime().toString(36) + randomInt(36 ** 4).toString(36).padStart(4, '0')).toUpperCase().slice(0, 14);
}

const identifier = (m: EdifactMessage) => [m.type, m.version, m.release, m.agency, m.association].filter((x, i) => i < 4 || x);

/**
 * Reads a DESADV file of the caller's organisation and submits each message's lines as lots.
 * Throws DesadvFileError only when no UNB could be read; every other outcome (syntax refusal,
 * repeat, business refusal, acceptance) is returned per interchange and message with the
 * CONTRL and APERAKs to send back, and is kept in the interchange register.
 */
export async function submitDesadvFile(
  ctx: UseCaseContext,
  actor: Actor,
  file: { bytes: Uint8Array; name?: string; as2MessageId?: string },
  options: { mode?: TokenizeMode } = {},
): Promise<DesadvFileResult> {
  submitLotRecords.require(actor);
  if (file.bytes.length > maxDesadvFileBytes) throw new DesadvFileError([{ code: 'tooLarge', message: fill(desadvFileProblemTexts.tooLarge, { max: maxDesadvFileBytes }), params: { max: maxDesadvFileBytes }, segment: null, tag: null }]);
  const by: ReceivedBy = { actor: asAuditActor(actor), organisationId: actor.organisationId, userId: actor.userId, fileName: file.name ?? null, as2MessageId: file.as2MessageId ?? null };
  let ic: Interchange;
  try {
    ic = tokenize(file.bytes, { mode: options.mode ?? 'strict' });
  } catch (e) {
    if (!isEdifactError(e)) throw e;
    // The interchange is refused; answer it if a UNB names whom to answer (read leniently if need be).
    const unb = e.context?.unb ?? unbForAnswer(file.bytes);
    if (!unb) throw new DesadvFileError(e.problems);
    await refuseAnotherSender(ctx, actor, [unb]);
    return { interchanges: [await refuse(ctx, by, file.bytes, unb, null, e.problems, () => contrlForRefusal(e, null, ours(ctx), unb))] };
  }
  const parts = splitInterchanges(ic);
  await refuseAnotherSender(ctx, actor, parts.map((p) => p.segments[0]!));
  const interchanges: DesadvInterchangeResult[] = [];
  for (const part of parts) interchanges.push(await receive(ctx, actor, by, file.bytes, part));
  return { interchanges };
}

/**
 * The register is keyed on the UNB sender + control reference, and an upload's sender comes from
 * the file: an interchange in the name of an EDI id that is another organisation's (a partner
 * profile's, or the sender of interchanges registered to another organisation) would be answered
 * from that organisation's register entry, or would take its control reference so that its own
 * interchange later counts as a repeat. Such a file is refused before anything is recorded, as
 * the AS2 door refuses a sender that is not the partner's.
 */
async function refuseAnotherSender(ctx: UseCaseContext, actor: Actor, unbs: Segment[]): Promise<void> {
  for (const [i, unb] of unbs.entries()) {
    const h = headerOf(unb);
    const other = await ctx.db.get<{ one: number }>(
      `SELECT 1 AS one FROM edi_partners WHERE edi_id = ? AND edi_qualifier = ? AND organisation_id <> ?
       UNION ALL
       SELECT 1 FROM edi_interchanges WHERE sender_id = ? AND sender_qualifier = ? AND organisation_id IS NOT NULL AND organisation_id <> ?
       LIMIT 1`,
      [h.sender, h.senderQualifier, actor.organisationId, h.sender, h.senderQualifier, actor.organisationId],
    );
    if (!other) continue;
    const sender = `${h.sender}${h.senderQualifier ? `:${h.senderQualifier}` : ''}`;
    throw new DesadvFileError([
      { code: 'senderNotYours', message: fill(desadvFileProblemTexts.senderNotYours, { sender }), params: { sender }, segment: i === 0 ? 1 : null, tag: 'UNB', element: 2, component: 1 },
    ]);
  }
}

const ours = (ctx: UseCaseContext) => ({ reference: ourReference(ctx.clock.now()), preparedAt: ctx.clock.now() });

/** Records an interchange refused on syntax (or recognises a repeat of it) and answers with a rejecting CONTRL. */
async function refuse(
  ctx: UseCaseContext,
  by: ReceivedBy,
  bytes: Uint8Array,
  unb: Segment,
  segments: Segment[] | null,
  problems: EdifactProblem[],
  contrl: () => ReturnType<typeof contrlForRefusal>,
): Promise<DesadvInterchangeResult> {
  const types = (segments ?? []).filter((s) => s.tag === 'UNH').map((s) => s.elements[1]?.[0] ?? '');
  const recorded = await recordInterchange(ctx, by, { bytes, header: headerOf(unb), messageTypes: types, messageCount: types.length });
  const reference = headerOf(unb).controlReference;
  if (recorded.duplicate) return { id: recorded.id, reference, duplicate: true, status: recorded.status, contrl: recorded.acknowledgement, problems, messages: [] };
  const input = contrl();
  const text = input ? writeContrl(input) : null;
  await completeInterchange(ctx, by, recorded.id, { status: 'rejected', problems, acknowledgement: text, messages: [] });
  return { id: recorded.id, reference, duplicate: false, status: 'rejected', contrl: text, problems, messages: [] };
}

async function receive(ctx: UseCaseContext, actor: Actor, by: ReceivedBy, bytes: Uint8Array, part: Interchange): Promise<DesadvInterchangeResult> {
  const unb = part.segments[0]!;
  let envelope;
  try {
    envelope = readEnvelope(part);
  } catch (e) {
    if (!isEdifactError(e)) throw e;
    return refuse(ctx, by, bytes, unb, part.segments, e.problems, () => contrlForRefusal(e, part.segments, ours(ctx)));
  }
  const recorded = await recordInterchange(ctx, by, { bytes, header: headerOf(unb), messageTypes: envelope.messages.map((m) => m.type), messageCount: envelope.messages.length });
  if (recorded.duplicate) return { id: recorded.id, reference: envelope.reference, duplicate: true, status: recorded.status, contrl: recorded.acknowledgement, problems: [], messages: [] };

  const answered = answeredFrom(envelope);
  const groups = groupsOf(part.segments);
  const messages: DesadvMessageResult[] = [];
  const reports: MessageReport[] = [];
  for (const m of envelope.messages) {
    const type = identifier(m).join(':');
    if (m.type !== 'DESADV') {
      const problem: EdifactProblem = {
        code: 'unsupportedMessageType',
        message: fill(desadvFileProblemTexts.unsupportedMessageType, { type: m.type }),
        params: { type: m.type },
        segment: 1,
        tag: 'UNH',
        element: 2,
        component: 1,
        messageReference: m.reference,
      };
      reports.push({ reference: m.reference, identifier: identifier(m), group: groups.get(m.reference), problems: [problem] });
      messages.push({ reference: m.reference, type, status: 'unsupported', advice: null, lots: [], warnings: [], problems: [problem], aperak: aperak(ctx, answered, m, null, [problem]) });
      continue;
    }
    // The syntax of a DESADV was fine (the envelope check passed): CONTRL acknowledges it, APERAK carries business refusals.
    reports.push({ reference: m.reference, identifier: identifier(m), group: groups.get(m.reference), problems: [] });
    messages.push(await submitMessage(ctx, actor, answered, m, type));
  }
  const accepted = messages.filter((m) => m.status === 'accepted').length;
  const status: InterchangeStatus = accepted === messages.length ? 'accepted' : accepted === 0 ? 'rejected' : 'partially_accepted';
  const contrl = writeContrl({ answered, problems: [], messages: reports, ...ours(ctx) });
  await completeInterchange(ctx, by, recorded.id, {
    status,
    // Accepted all the same: what the reader warned about (e.g. "?," for a decimal comma) is kept with it.
    problems: part.warnings ?? [],
    acknowledgement: contrl,
    messages: messages.map((m) => ({ reference: m.reference, type: m.type, status: m.status, problems: m.problems, records: m.lots.map((l) => ({ type: 'lot', id: l.id })), aperak: m.aperak })),
  });
  return { id: recorded.id, reference: envelope.reference, duplicate: false, status, contrl, problems: [], messages };
}

function aperak(ctx: UseCaseContext, answered: AnsweredInterchange, m: EdifactMessage, advice: DespatchAdvice | null, problems: EdifactProblem[]): string {
  const o = ours(ctx);
  return writeAperak({
    answered,
    message: { reference: m.reference, identifier: identifier(m), documentNumber: advice?.number, purchaseOrder: advice?.purchaseOrder ?? undefined },
    problems,
    reference: o.reference,
    documentNumber: o.reference,
    preparedAt: o.preparedAt,
  });
}

/** One DESADV through the shared per-message path, with the APERAK that answers a refusal. */
async function submitMessage(ctx: UseCaseContext, actor: Actor, answered: AnsweredInterchange, m: EdifactMessage, type: string): Promise<DesadvMessageResult> {
  const r = await submitDesadvMessage(ctx, actor, m);
  return { reference: m.reference, type, ...r, aperak: r.status === 'rejected' ? aperak(ctx, answered, m, r.advice, r.problems) : null };
}
