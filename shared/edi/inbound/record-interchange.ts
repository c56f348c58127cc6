// The register of EDIFACT interchanges received: each is stored as received (bytes, sender,
// reference) before anything is done with it, and what became of it (accepted or rejected,
// each message's records, the CONTRL and APERAKs we answered with) is written when it is
// answered. The sender's id + qualifier + control reference is unique: an interchange that
// comes again is recognised (recordInterchange says so and returns the first answer) and is
// not processed twice. Only an explicit reprocess (recordInterchange's `reprocessOf`, asked for
// by an administrator with a reason) runs a registered interchange again. Every change is
// audited in its transaction.
import { createHash } from 'node:crypto';
import type { UseCaseContext } from '../../context.ts';
import type { AuditActor } from '../../audit/entry.ts';
import { recordAudit } from '../../audit/record-audit.ts';
import { AppError, problem, refusal } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Segment } from '../../edifact/interchange.ts';
import type { EdifactProblem } from '../../edifact/problems.ts';
import { value } from '../../edifact/element-values.ts';

/** What the UNB says about the interchange. */
export interface InterchangeHeader {
  sender: string;
  senderQualifier: string;
  recipient: string;
  recipientQualifier: string;
  controlReference: string;
  /** e.g. UNOC:3 */
  syntax: string;
  testIndicator: boolean;
}

export function headerOf(unb: Segment): InterchangeHeader {
  return {
    sender: value(unb, 2, 1),
    senderQualifier: value(unb, 2, 2),
    recipient: value(unb, 3, 1),
    recipientQualifier: value(unb, 3, 2),
    controlReference: value(unb, 5),
    syntax: [value(unb, 1, 1), value(unb, 1, 2)].filter(Boolean).join(':'),
    testIndicator: value(unb, 11) === '1',
  };
}

export interface ReceivedBy {
  actor: AuditActor;
  /** The partner organisation, when known (an upload's organisation, an AS2 partner's). */
  organisationId: string | null;
  userId?: string | null;
  as2MessageId?: string | null;
  fileName?: string | null;
}

export type InterchangeStatus = 'received' | 'accepted' | 'partially_accepted' | 'rejected';

export interface RecordedInterchange {
  id: string;
  /** True when the sender had sent this control reference before: answer with `acknowledgement`, process nothing. */
  duplicate: boolean;
  status: InterchangeStatus;
  /** The CONTRL given the first time (duplicates only). */
  acknowledgement: string | null;
  receivedAt: string;
  /** A rerun only: what each message became before (an accepted one is kept, not submitted again). */
  earlierMessages?: MessageOutcome[];
}

/**
 * An explicit rerun of an interchange already in the register (an administrator's reprocess):
 * which one, why, and who asked. Without it, the same sender + control reference is a repeat.
 */
export interface ReprocessRequest {
  reprocessOf: string;
  reason: string;
  /** Who asked for the rerun (the audit entry's actor); the receiving actor when absent. */
  requestedBy?: AuditActor;
}

/** Stores a received interchange before it is processed, or recognises a repeat of one (or, asked explicitly, reopens one for a rerun). */
export async function recordInterchange(
  ctx: UseCaseContext,
  by: ReceivedBy,
  input: { bytes: Uint8Array; header: InterchangeHeader; messageTypes: string[]; messageCount: number },
  options: Partial<ReprocessRequest> = {},
): Promise<RecordedInterchange> {
  const h = input.header;
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  if (options.reprocessOf) return reopenInterchange(ctx, by, h, sha256, { reprocessOf: options.reprocessOf, reason: options.reason ?? '', requestedBy: options.requestedBy });
  return ctx.db.transaction(async (tx) => {
    const existing = await tx.get<{ id: string; status: InterchangeStatus; acknowledgement: string | null; received_at: string; repeats: number; organisation_id: string | null; sha256: string }>(
      'SELECT id, status, acknowledgement, received_at, repeats, organisation_id, sha256 FROM edi_interchanges WHERE sender_id = ? AND sender_qualifier = ? AND control_reference = ?',
      [h.sender, h.senderQualifier, h.controlReference],
    );
    const at = ctx.clock.now().toISOString();
    if (existing) {
      await tx.run('UPDATE edi_interchanges SET repeats = repeats + 1 WHERE id = ?', [existing.id]);
      await recordAudit(tx, ctx.clock, {
        actor: by.actor,
        organisationId: by.organisationId ?? existing.organisation_id,
        action: 'edi.interchange_repeated',
        entityType: 'edi_interchange',
        entityId: existing.id,
        oldValues: { repeats: existing.repeats },
        newValues: { repeats: existing.repeats + 1, sha256, sameBytes: sha256 === existing.sha256, fileName: by.fileName ?? null, as2MessageId: by.as2MessageId ?? null },
        reason: `interchange ${h.controlReference} from ${h.sender}${h.senderQualifier ? `:${h.senderQualifier}` : ''} was received before (${existing.received_at}); not processed again`,
        requestId: ctx.requestId,
      });
      return { id: existing.id, duplicate: true, status: existing.status, acknowledgement: existing.acknowledgement, receivedAt: existing.received_at };
    }
    const id = newId('edi');
    await tx.run(
      `INSERT INTO edi_interchanges (id, organisation_id, sender_id, sender_qualifier, recipient_id, recipient_qualifier, control_reference, syntax,
                                     test_indicator, received_at, received_by, as2_message_id, file_name, raw, sha256, size_bytes, message_count, message_types, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'received')`,
      [
        id,
        by.organisationId,
        h.sender,
        h.senderQualifier,
        h.recipient,
        h.recipientQualifier,
        h.controlReference,
        h.syntax,
        h.testIndicator ? 1 : 0,
        at,
        by.userId ?? null,
        by.as2MessageId ?? null,
        by.fileName ? by.fileName.slice(0, 200) : null,
        input.bytes,
        sha256,
        input.bytes.length,
        input.messageCount,
        JSON.stringify(input.messageTypes),
      ],
    );
    await recordAudit(tx, ctx.clock, {
      actor: by.actor,
      organisationId: by.organisationId,
      action: 'edi.interchange_received',
      entityType: 'edi_interchange',
      entityId: id,
      newValues: { status: 'received', sender: h.sender, senderQualifier: h.senderQualifier, recipient: h.recipient, controlReference: h.controlReference, syntax: h.syntax, sha256, sizeBytes: input.bytes.length, messageTypes: input.messageTypes },
      requestId: ctx.requestId,
    });
    return { id, duplicate: false, status: 'received', acknowledgement: null, receivedAt: at };
  });
}

/**
 * Reopens interchange `request.reprocessOf` for a rerun: the same sender, control reference and
 * bytes as registered, or refused. Not a repeat (repeats stays as it is); audited as
 * edi.interchange_reprocessed with the reason and the earlier outcome, which completeInterchange
 * then overwrites. Returns the earlier outcome of each message.
 */
async function reopenInterchange(ctx: UseCaseContext, by: ReceivedBy, h: InterchangeHeader, sha256: string, request: ReprocessRequest): Promise<RecordedInterchange> {
  const reason = request.reason.trim();
  if (!reason) throw refusal('invalid_input', `say why interchange ${request.reprocessOf} is reprocessed: the reason goes into the audit trail`, { reason: problem('common.required') });
  return ctx.db.transaction(async (tx) => {
    const existing = await tx.get<{ id: string; sender_id: string; sender_qualifier: string; control_reference: string; sha256: string; status: InterchangeStatus; problems: string; acknowledgement: string | null; received_at: string; organisation_id: string | null }>(
      'SELECT id, sender_id, sender_qualifier, control_reference, sha256, status, problems, acknowledgement, received_at, organisation_id FROM edi_interchanges WHERE id = ?',
      [request.reprocessOf],
    );
    if (!existing) throw new AppError('not_found', `interchange ${request.reprocessOf} is not in the interchange register, so it cannot be reprocessed`);
    const registered = `${existing.control_reference} from ${existing.sender_id}${existing.sender_qualifier ? `:${existing.sender_qualifier}` : ''}`;
    if (existing.sender_id !== h.sender || existing.sender_qualifier !== h.senderQualifier || existing.control_reference !== h.controlReference) {
      throw new AppError('conflict', `interchange ${request.reprocessOf} is ${registered} in the register, not ${h.controlReference} from ${h.sender}${h.senderQualifier ? `:${h.senderQualifier}` : ''}: only the same interchange is reprocessed`);
    }
    if (existing.sha256 !== sha256) {
      throw new AppError('conflict', `interchange ${registered} was registered with other bytes (sha256 ${existing.sha256.slice(0, 12)}…, now ${sha256.slice(0, 12)}…): a reprocess runs what was received, a changed file is a new interchange`);
    }
    const rows = await tx.all<{ message_reference: string; message_type: string; status: MessageOutcome['status']; problems: string; records: string; aperak: string | null }>(
      'SELECT message_reference, message_type, status, problems, records, aperak FROM edi_messages WHERE interchange_id = ? ORDER BY rowid',
      [existing.id],
    );
    const earlierMessages: MessageOutcome[] = rows.map((r) => ({
      reference: r.message_reference,
      type: r.message_type,
      status: r.status,
      problems: JSON.parse(r.problems) as EdifactProblem[],
      records: JSON.parse(r.records) as MessageOutcome['records'],
      aperak: r.aperak,
    }));
    await recordAudit(tx, ctx.clock, {
      actor: request.requestedBy ?? by.actor,
      organisationId: by.organisationId ?? existing.organisation_id,
      action: 'edi.interchange_reprocessed',
      entityType: 'edi_interchange',
      entityId: existing.id,
      oldValues: {
        status: existing.status,
        problems: (JSON.parse(existing.problems) as EdifactProblem[]).map((p) => p.code),
        acknowledgement: existing.acknowledgement,
        messages: earlierMessages.map((m) => ({ reference: m.reference, type: m.type, status: m.status, problems: m.problems.map((p) => p.code), records: m.records })),
      },
      newValues: {
        rerun: earlierMessages.filter((m) => m.status !== 'accepted').map((m) => m.reference),
        kept: earlierMessages.filter((m) => m.status === 'accepted').map((m) => m.reference),
        as2MessageId: by.as2MessageId ?? null,
      },
      reason,
      requestId: ctx.requestId,
    });
    return { id: existing.id, duplicate: false, status: existing.status, acknowledgement: null, receivedAt: existing.received_at, earlierMessages };
  });
}

export interface MessageOutcome {
  reference: string;
  /** UNH S009 joined by ':', e.g. DESADV:D:96A:UN:EAN005 */
  type: string;
  status: 'accepted' | 'rejected' | 'unsupported';
  problems: EdifactProblem[];
  records: { type: string; id: string }[];
  aperak: string | null;
}

/** Writes what became of the interchange and each of its messages, and the CONTRL we answered with. */
export async function completeInterchange(
  ctx: UseCaseContext,
  by: ReceivedBy,
  id: string,
  outcome: { status: Exclude<InterchangeStatus, 'received'>; problems: EdifactProblem[]; acknowledgement: string | null; messages: MessageOutcome[] },
): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const before = await tx.get<{ status: InterchangeStatus }>('SELECT status FROM edi_interchanges WHERE id = ?', [id]);
    const at = ctx.clock.now().toISOString();
    await tx.run('UPDATE edi_interchanges SET status = ?, problems = ?, acknowledgement = ?, acknowledged_at = ? WHERE id = ?', [
      outcome.status,
      JSON.stringify(outcome.problems),
      outcome.acknowledgement,
      outcome.acknowledgement ? at : null,
      id,
    ]);
    for (const m of outcome.messages) {
      await tx.run(
        `INSERT INTO edi_messages (interchange_id, message_reference, message_type, status, problems, records, aperak) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (interchange_id, message_reference) DO UPDATE SET status = excluded.status, problems = excluded.problems, records = excluded.records, aperak = excluded.aperak`,
        [id, m.reference, m.type, m.status, JSON.stringify(m.problems), JSON.stringify(m.records), m.aperak],
      );
    }
    await recordAudit(tx, ctx.clock, {
      actor: by.actor,
      organisationId: by.organisationId,
      action: 'edi.interchange_answered',
      entityType: 'edi_interchange',
      entityId: id,
      oldValues: { status: before?.status ?? null },
      newValues: {
        status: outcome.status,
        problems: outcome.problems.map((p) => p.code),
        acknowledged: outcome.acknowledgement !== null,
        messages: outcome.messages.map((m) => ({ reference: m.reference, type: m.type, status: m.status, problems: m.problems.map((p) => p.code), records: m.records })),
      },
      requestId: ctx.requestId,
    });
  });
}
