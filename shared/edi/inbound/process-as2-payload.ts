// What a partner sends over AS2 becomes records. After the MDN, an inbound AS2 message whose
// payload is EDIFACT waits (as2_messages.edifact_state = 'waiting'); this reads its payload
// (strict, the engine's default: partner profiles have no mode), checks that each interchange's
// UNB sender is the partner the AS2 signature authenticated, records it in the interchange
// register (a repeat gets the first CONTRL again, nothing is done twice), hands each message
// to its use case (beside the domain it feeds: lots/, invoices/, erp/) in the name of the
// partner's technical user (../partners/partner-system-user.ts) and queues the answers back to
// the partner over AS2: a CONTRL per interchange (never to an interchange of CONTRLs, which are
// recorded as the partner's acknowledgements), and an APERAK per message refused on business
// grounds or of a type we do not take.
//
// One transaction: the use cases run on a Db bound to it (within-transaction.ts), so the
// register entry, the records, their events and audit entries, the queued answers and the
// message's new state commit together. A crash leaves the message waiting, untouched, and the
// next run does it all; a run that finds the message no longer waiting returns what was done.
//
// A reprocess (an administrator's, with a reason: ../message-log/reprocess-edi-message.ts) runs
// the interchanges this message brought into the register again through recordInterchange's
// explicit `reprocessOf`, instead of answering them as repeats.
import { randomInt } from 'node:crypto';
import type { FilesContext, UseCaseContext } from '../../context.ts';
import { asAuditActor, type Actor, type Role } from '../../auth/actor.ts';
import { recordAudit } from '../../audit/record-audit.ts';
import { AppError } from '../../errors.ts';
import { partnerSystemActor } from '../partners/partner-system-user.ts';
import { queueAs2Message } from '../messages/queue-as2-message.ts';
import type { Interchange, Segment } from '../../edifact/interchange.ts';
import { EdifactError, isEdifactError, type EdifactProblem } from '../../edifact/problems.ts';
import { value } from '../../edifact/element-values.ts';
import { readEnvelope, splitInterchanges, type EdifactMessage } from '../../edifact/envelope.ts';
import { answeredFrom, buildContrl, contrlForRefusal, everySyntaxProblem, groupsOf, recordedProblems, unbForAnswer, writeContrl, type AnsweredInterchange, type ContrlInput, type MessageReport } from '../../edifact/write-contrl.ts';
import { writeAperak } from '../../edifact/write-aperak.ts';
import { encodeInterchange, writeInterchange } from '../../edifact/write.ts';
import { completeInterchange, headerOf, recordInterchange, type InterchangeHeader, type InterchangeStatus, type MessageOutcome, type ReceivedBy, type ReprocessRequest } from './record-interchange.ts';
import type { AuditActor } from '../../audit/entry.ts';
import { withinTransaction } from './within-transaction.ts';
import { tokenizeYielding, yieldEvery, yieldToEventLoop } from './yield-to-event-loop.ts';
import { refusedWith, type MessageResult } from './message-result.ts';
import { receiveDesadv } from '../../lots/receive-desadv.ts';
import { receiveInvoic } from '../../invoices/receive-invoic.ts';
import { receiveOrdrsp } from '../../erp/receive-ordrsp.ts';
import { receiveRecadv } from '../../erp/receive-recadv.ts';
import { receiveOrders } from '../../erp/receive-orders.ts';
import { fill } from '../../fill.ts';

export type EdiInboundContext = FilesContext;

export const inboundProblemTexts = {
  unknownSender: 'interchange sender {sender} is not the EDI id of AS2 partner "{as2Id}" ({expected}): the interchange is refused',
  noEdiId: 'AS2 partner "{as2Id}" has no EDI id (UNB sender) in its profile, so no interchange sender can be checked: an administrator sets it on /admin/partners',
  unsupportedMessageType: 'message type {type} is not taken over AS2 (DESADV, INVOIC, ORDRSP from suppliers; RECADV, ORDERS from distributors)',
  notAllowed: 'message type {type} is not taken from a {kind} partner (it comes from a {expected})',
} as const;

/** An interchange of syntax acknowledgements only: it gets no CONTRL back. */
function onlyAcknowledgements(types: string[]): boolean {
  return types.length > 0 && types.every((t) => t === 'CONTRL');
}

/** 0085 code 23, "unknown interchange sender": not a syntax fault the engine's CONTRL writer maps. */
const unknownSenderCode = '23';

export interface ProcessAs2PayloadResult {
  interchanges: number;
  accepted: number;
  rejected: number;
  /** The CONTRLs queued back (EDIFACT text), one per interchange answered. */
  acknowledgements: string[];
}

interface Origin {
  interchange: string;
  interchangeId: string;
  as2MessageId: string;
}

type Handler = (ctx: UseCaseContext, actor: Actor, m: EdifactMessage, origin: Origin) => Promise<MessageResult>;

/** The message types we take, from whom, and the use case each becomes. */
const handlers: Record<string, { role: Role; handle: Handler }> = {
  DESADV: { role: 'supplier_user', handle: (ctx, actor, m) => receiveDesadv(ctx, actor, m) },
  INVOIC: { role: 'supplier_user', handle: receiveInvoic },
  ORDRSP: { role: 'supplier_user', handle: receiveOrdrsp },
  RECADV: { role: 'distributor_user', handle: receiveRecadv },
  ORDERS: { role: 'distributor_user', handle: receiveOrders },
};

interface PartnerRow {
  id: string;
  as2_id: string;
  edi_id: string | null;
  edi_qualifier: string;
}

interface MessageRow {
  id: string;
  direction: string;
  partner_id: string | null;
  message_id: string;
  payload_storage_key: string | null;
  payload_filename: string | null;
  edifact_state: string | null;
  edifact_result: string | null;
}

/** An administrator's request to run a processed message's EDIFACT again. */
export interface ReprocessPayload {
  reason: string;
  by: AuditActor;
}

interface Answer {
  text: string;
  purpose: 'contrl' | 'aperak';
  interchangeId: string | null;
  reference: string;
}

/** An interchange control reference of ours (an..14): time and a random tail. */
function ourReference(now: Date): string {
  return (now.getTime().toString(36) + randomInt(36 ** 4).toString(36).padStart(4, '0')).toUpperCase().slice(0, 14);
}

const identifier = (m: EdifactMessage) => [m.type, m.version, m.release, m.agency, m.association].filter((x, i) => i < 4 || x);

class InterchangeReader {
  readonly answers: Answer[] = [];
  readonly outcomes: { reference: string; status: InterchangeStatus | 'refused'; duplicate: boolean; problems: string[] }[] = [];

  constructor(
    private readonly ctx: UseCaseContext,
    private readonly actor: Actor,
    private readonly partner: PartnerRow,
    private readonly message: MessageRow,
    private readonly bytes: Uint8Array,
    private readonly reprocess: ReprocessPayload | null,
  ) {}

  /**
   * For a reprocess: the register entry this message brought in for the interchange, to run
   * again. A repeat of an interchange that came in another message stays a repeat.
   */
  private async rerunOf(h: InterchangeHeader): Promise<Partial<ReprocessRequest>> {
    if (!this.reprocess) return {};
    const row = await this.ctx.db.get<{ id: string }>(
      'SELECT id FROM edi_interchanges WHERE sender_id = ? AND sender_qualifier = ? AND control_reference = ? AND as2_message_id = ? AND organisation_id IS ?',
      [h.sender, h.senderQualifier, h.controlReference, this.message.message_id, this.actor.organisationId],
    );
    return row ? { reprocessOf: row.id, reason: this.reprocess.reason, requestedBy: this.reprocess.by } : {};
  }

  private ours() {
    return { reference: ourReference(this.ctx.clock.now()), preparedAt: this.ctx.clock.now() };
  }

  private get by(): ReceivedBy {
    return { actor: asAuditActor(this.actor), organisationId: this.actor.organisationId, userId: this.actor.userId, as2MessageId: this.message.message_id, fileName: this.message.payload_filename };
  }

  async readAll(): Promise<void> {
    let ic: Interchange;
    try {
      ic = await tokenizeYielding(this.bytes, 'strict');
    } catch (e) {
      if (!isEdifactError(e)) throw e;
      const unb = e.context?.unb ?? unbForAnswer(this.bytes);
      if (!unb) {
        // No UNB names anybody to answer: nothing to record in the register, the row says why.
        this.outcomes.push({ reference: '', status: 'refused', duplicate: false, problems: e.problems.map((p) => p.message) });
        return;
      }
      if (await this.refuseForeignSender(unb)) return;
      // The strict reader stops at its first fault: name every one (everySyntaxProblem).
      const every = everySyntaxProblem(this.bytes, e);
      await this.refuseSyntax(unb, every.segments, every.error.problems, () => contrlForRefusal(every.error, every.segments, this.ours(), unb));
      return;
    }
    await yieldToEventLoop();
    for (const part of splitInterchanges(ic)) await this.read(part);
  }

  /** The UNB sender must be the partner the AS2 signature authenticated: else CONTRL 23, nothing recorded. */
  private async refuseForeignSender(unb: Segment): Promise<boolean> {
    const h = headerOf(unb);
    const p = this.partner;
    if (p.edi_id !== null && h.sender === p.edi_id && h.senderQualifier === p.edi_qualifier) return false;
    const expected = p.edi_id === null ? '' : `${p.edi_id}${p.edi_qualifier ? `:${p.edi_qualifier}` : ''}`;
    const sender = `${h.sender}${h.senderQualifier ? `:${h.senderQualifier}` : ''}`;
    const message = p.edi_id === null ? fill(inboundProblemTexts.noEdiId, { as2Id: p.as2_id }) : fill(inboundProblemTexts.unknownSender, { sender, as2Id: p.as2_id, expected });
    const problem: EdifactProblem = { code: 'unknownSender', message, params: { sender, expected }, segment: 1, tag: 'UNB', element: 2, component: 1 };
    // Not put in the register: the reference belongs to another sender's numbering, and
    // recording it there would make that sender's own interchange look like a repeat.
    const input = contrlForRefusal(new EdifactError([problem]), [unb], this.ours());
    if (input) {
      const built = buildContrl(input);
      const uci = built.messages[0]!.segments[0]!;
      uci.elements![4] = unknownSenderCode;
      this.answers.push({ text: writeInterchange(built), purpose: 'contrl', interchangeId: null, reference: h.controlReference });
    }
    await recordAudit(this.ctx.db, this.ctx.clock, {
      actor: asAuditActor(this.actor),
      organisationId: this.actor.organisationId,
      action: 'edi.interchange_refused',
      entityType: 'as2_message',
      entityId: this.message.id,
      newValues: { sender, controlReference: h.controlReference, code: unknownSenderCode },
      reason: message,
      requestId: this.ctx.requestId,
    });
    this.outcomes.push({ reference: h.controlReference, status: 'refused', duplicate: false, problems: [message] });
    return true;
  }

  private async refuseSyntax(unb: Segment, segments: Segment[] | null, problems: EdifactProblem[], contrl: () => ContrlInput | null): Promise<void> {
    const types = (segments ?? []).filter((s) => s.tag === 'UNH').map((s) => value(s, 2, 1));
    const reference = headerOf(unb).controlReference;
    const recorded = await recordInterchange(this.ctx, this.by, { bytes: this.bytes, header: headerOf(unb), messageTypes: types, messageCount: types.length }, await this.rerunOf(headerOf(unb)));
    if (recorded.duplicate) return this.repeat(recorded.id, reference, recorded.status, recorded.acknowledgement);
    await yieldToEventLoop();
    const input = contrl();
    const text = input ? writeContrl(input) : null;
    await yieldToEventLoop();
    // Bounded like the CONTRL (which has no place for a count): the record says how many more there were.
    const recordedList = recordedProblems(problems);
    await completeInterchange(this.ctx, this.by, recorded.id, { status: 'rejected', problems: recordedList, acknowledgement: text, messages: [] });
    // A CONTRL is never answered with a CONTRL (ISO 9735-4): two systems would answer each other for ever.
    if (text && !onlyAcknowledgements(types)) this.answers.push({ text, purpose: 'contrl', interchangeId: recorded.id, reference });
    this.outcomes.push({ reference, status: 'rejected', duplicate: false, problems: recordedList.map((p) => p.message) });
  }

  private repeat(id: string, reference: string, status: InterchangeStatus, acknowledgement: string | null): void {
    // The first answer again (none when the first time never got as far as one).
    if (acknowledgement) this.answers.push({ text: acknowledgement, purpose: 'contrl', interchangeId: id, reference });
    this.outcomes.push({ reference, status, duplicate: true, problems: [] });
  }

  private async read(part: Interchange): Promise<void> {
    const unb = part.segments[0]!;
    if (await this.refuseForeignSender(unb)) return;
    let envelope;
    try {
      await yieldToEventLoop();
      envelope = readEnvelope(part);
    } catch (e) {
      if (!isEdifactError(e)) throw e;
      return this.refuseSyntax(unb, part.segments, e.problems, () => contrlForRefusal(e, part.segments, this.ours()));
    }
    const header = headerOf(unb);
    const recorded = await recordInterchange(this.ctx, this.by, { bytes: this.bytes, header, messageTypes: envelope.messages.map((m) => m.type), messageCount: envelope.messages.length }, await this.rerunOf(header));
    if (recorded.duplicate) return this.repeat(recorded.id, envelope.reference, recorded.status, recorded.acknowledgement);

    const answered = answeredFrom(envelope);
    const groups = groupsOf(part.segments);
    const reports: MessageReport[] = [];
    const outcomes: MessageOutcome[] = [];
    const earlierAccepted = new Map<string, MessageOutcome>();
    for (const e of recorded.earlierMessages ?? []) if (e.status === 'accepted' && !earlierAccepted.has(e.reference)) earlierAccepted.set(e.reference, e);
    let step = 0;
    for (const m of envelope.messages) {
      if (++step % yieldEvery === 0) await yieldToEventLoop();
      const type = identifier(m).join(':');
      const handler = handlers[m.type];
      const at = { segment: 1, tag: 'UNH', element: 2, component: 1, messageReference: m.reference };
      // A rerun submits only what was refused before (rejected or unsupported): a message accepted
      // the first time already became its records, and submitting it again would double them.
      const kept = earlierAccepted.get(m.reference);
      if (kept) {
        reports.push({ reference: m.reference, identifier: identifier(m), group: groups.get(m.reference), problems: [] });
        outcomes.push({ ...kept, aperak: null });
        continue;
      }
      let result: MessageResult;
      let unsupported = false;
      if (m.type === 'CONTRL') {
        // The partner's syntax acknowledgement of an interchange of ours: recorded with the
        // interchange (its text is kept in the register), nothing to do and nothing to answer.
        result = { status: 'accepted', problems: [], records: [] };
      } else if (!handler) {
        unsupported = true;
        result = refusedWith([{ code: 'unsupportedMessageType', message: fill(inboundProblemTexts.unsupportedMessageType, { type: m.type }), params: { type: m.type }, ...at }]);
      } else if (handler.role !== this.actor.role) {
        const expected = handler.role === 'supplier_user' ? 'supplier' : 'distributor';
        result = refusedWith([{ code: 'notAllowed', message: fill(inboundProblemTexts.notAllowed, { type: m.type, kind: this.actor.organisationKind, expected }), params: { type: m.type }, ...at }]);
      } else {
        result = await handler.handle(this.ctx, this.actor, m, { interchange: envelope.reference, interchangeId: recorded.id, as2MessageId: this.message.message_id });
      }
      // CONTRL speaks of syntax: a type we do not take is rejected there (code 14); a business
      // refusal is acknowledged there and explained by the APERAK.
      reports.push({ reference: m.reference, identifier: identifier(m), group: groups.get(m.reference), problems: unsupported ? result.problems : [] });
      const aperak = result.status === 'rejected' ? this.aperak(answered, m, result) : null;
      if (aperak) this.answers.push({ text: aperak, purpose: 'aperak', interchangeId: recorded.id, reference: `${envelope.reference}/${m.reference}` });
      outcomes.push({ reference: m.reference, type, status: unsupported ? 'unsupported' : result.status, problems: result.problems, records: result.records, aperak });
    }
    const accepted = outcomes.filter((o) => o.status === 'accepted').length;
    const status: InterchangeStatus = accepted === outcomes.length ? 'accepted' : accepted === 0 ? 'rejected' : 'partially_accepted';
    // A CONTRL is never answered with a CONTRL (ISO 9735-4): two systems would answer each other for ever.
    const contrl = onlyAcknowledgements(envelope.messages.map((m) => m.type)) ? null : writeContrl({ answered, problems: [], messages: reports, ...this.ours() });
    // Accepted all the same: what the reader warned about (e.g. "?," for a decimal comma) is kept with it.
    await completeInterchange(this.ctx, this.by, recorded.id, { status, problems: part.warnings ?? [], acknowledgement: contrl, messages: outcomes });
    if (contrl) {
      // The CONTRL goes before the APERAKs it precedes in meaning.
      const firstAperak = this.answers.findIndex((a) => a.purpose === 'aperak' && a.interchangeId === recorded.id);
      this.answers.splice(firstAperak === -1 ? this.answers.length : firstAperak, 0, { text: contrl, purpose: 'contrl', interchangeId: recorded.id, reference: envelope.reference });
    }
    this.outcomes.push({ reference: envelope.reference, status, duplicate: false, problems: outcomes.flatMap((o) => o.problems.map((p) => p.message)) });
  }

  private aperak(answered: AnsweredInterchange, m: EdifactMessage, result: MessageResult): string {
    const o = this.ours();
    return writeAperak({
      answered,
      message: { reference: m.reference, identifier: identifier(m), documentNumber: result.documentNumber, purchaseOrder: result.purchaseOrder },
      problems: result.problems,
      reference: o.reference,
      documentNumber: o.reference,
      preparedAt: o.preparedAt,
    });
  }
}

function summarise(reader: InterchangeReader): ProcessAs2PayloadResult {
  const o = reader.outcomes;
  return {
    interchanges: o.length,
    accepted: o.filter((x) => x.status === 'accepted' || x.status === 'partially_accepted').length,
    rejected: o.filter((x) => x.status === 'rejected' || x.status === 'refused').length,
    acknowledgements: reader.answers.filter((a) => a.purpose === 'contrl').map((a) => a.text),
  };
}

/** The charset the answer's own UNB declares (UNOC unless it says otherwise). */
function answerBytes(text: string): Uint8Array {
  const charset = /UNB\+(UNO[A-Z])/.exec(text)?.[1] ?? 'UNOC';
  return encodeInterchange(text, charset);
}

/**
 * Processes one waiting inbound AS2 message's EDIFACT payload (see the file comment). Returns
 * the stored result when the message was processed before.
 */
export async function processAs2Payload(ctx: EdiInboundContext, input: { as2MessageId: string; reprocess?: ReprocessPayload }): Promise<ProcessAs2PayloadResult> {
  const select = 'SELECT id, direction, partner_id, message_id, payload_storage_key, payload_filename, edifact_state, edifact_result FROM as2_messages WHERE id = ?';
  const first = await ctx.db.get<MessageRow>(select, [input.as2MessageId]);
  if (!first) throw new AppError('not_found', `no AS2 message ${input.as2MessageId}`);
  if (first.edifact_state !== 'waiting') return storedResult(first);
  if (first.direction !== 'in' || !first.partner_id || !first.payload_storage_key) {
    throw new AppError('conflict', `AS2 message ${first.id} has no inbound payload of a known partner to process`);
  }
  const bytes = await ctx.files.get(first.payload_storage_key).catch((e: Error) => {
    throw new AppError('not_found', `the payload of AS2 message ${first.message_id} cannot be read: ${e.message}`);
  });
  return ctx.db.transaction(async (tx) => {
    // Another process may have taken it meanwhile: the transaction is the lock.
    const row = (await tx.get<MessageRow>(select, [first.id]))!;
    if (row.edifact_state !== 'waiting') return storedResult(row);
    const partner = (await tx.get<PartnerRow>('SELECT id, as2_id, edi_id, edi_qualifier FROM edi_partners WHERE id = ?', [row.partner_id]))!;
    const actor = await partnerSystemActor(tx, ctx.clock, partner.id);
    const inner: UseCaseContext = { ...ctx, db: withinTransaction(tx) };
    const reader = new InterchangeReader(inner, actor, partner, row, bytes, input.reprocess ?? pendingReprocess(row));
    await reader.readAll();
    const queued: { purpose: string; id: string; messageId: string }[] = [];
    for (const a of reader.answers) {
      const type = a.purpose === 'contrl' ? 'CONTRL' : 'APERAK';
      const q = await queueAs2Message(tx, ctx.clock, {
        partnerId: partner.id,
        payload: answerBytes(a.text),
        filename: `${type}_${a.reference.replace(/[^\w.-]/g, '_')}.edi`,
        contentType: 'application/EDIFACT',
        subject: `${type} for interchange ${a.reference}`,
        purpose: a.purpose,
        relatesTo: a.interchangeId ? { type: 'edi_interchange', id: a.interchangeId } : { type: 'as2_message', id: row.id },
      });
      queued.push({ purpose: a.purpose, ...q });
    }
    const result = summarise(reader);
    const stored = { ...result, outcomes: reader.outcomes, queued };
    await tx.run("UPDATE as2_messages SET edifact_state = 'processed', edifact_result = ? WHERE id = ? AND edifact_state = 'waiting'", [JSON.stringify(stored), row.id]);
    await recordAudit(tx, ctx.clock, {
      actor: asAuditActor(actor),
      organisationId: actor.organisationId,
      action: 'as2.payload_processed',
      entityType: 'as2_message',
      entityId: row.id,
      oldValues: { edifactState: 'waiting' },
      newValues: { edifactState: 'processed', interchanges: reader.outcomes.map((o) => ({ reference: o.reference, status: o.status, duplicate: o.duplicate })), queued: queued.map((q) => ({ purpose: q.purpose, id: q.id })) },
      requestId: ctx.requestId,
    });
    return result;
  });
}

/** The JSON a waiting message carries when a reprocess was asked for (so whoever runs it, reprocesses). */
export const reprocessRequestJson = (request: ReprocessPayload): string => JSON.stringify({ reprocess: request });

function pendingReprocess(row: MessageRow): ReprocessPayload | null {
  if (!row.edifact_result) return null;
  try {
    const v = JSON.parse(row.edifact_result) as { reprocess?: ReprocessPayload };
    return v.reprocess && typeof v.reprocess.reason === 'string' ? v.reprocess : null;
  } catch {
    return null;
  }
}

function storedResult(row: MessageRow): ProcessAs2PayloadResult {
  const r = row.edifact_result ? (JSON.parse(row.edifact_result) as Partial<ProcessAs2PayloadResult>) : {};
  return { interchanges: r.interchanges ?? 0, accepted: r.accepted ?? 0, rejected: r.rejected ?? 0, acknowledgements: r.acknowledgements ?? [] };
}

/** Marks a payload that could not be processed (an unexpected failure), with the reason. */
export async function markPayloadFailed(ctx: UseCaseContext, as2MessageId: string, reason: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const changed = await tx.run("UPDATE as2_messages SET edifact_state = 'failed', edifact_result = ? WHERE id = ? AND edifact_state = 'waiting'", [JSON.stringify({ error: reason }), as2MessageId]);
    if (changed.changes === 0) return;
    await recordAudit(tx, ctx.clock, {
      actor: { type: 'system', name: 'EDI inbound' },
      organisationId: null,
      action: 'as2.payload_failed',
      entityType: 'as2_message',
      entityId: as2MessageId,
      oldValues: { edifactState: 'waiting' },
      newValues: { edifactState: 'failed' },
      reason,
      requestId: ctx.requestId,
    });
  });
}
