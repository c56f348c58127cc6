// Which EDIFACT interchanges an AS2 message carried. The register (edi_interchanges) names the
// AS2 Message-ID in as2_message_id (see shared/edi/inbound/process-as2-payload.ts) and the
// partner's organisation in organisation_id; a Message-ID is unique per sender only, so both are
// matched. A repeated interchange keeps the AS2 message it first came in.
import type { Tx } from '../../db/index.ts';
import type { EdifactProblem } from '../../edifact/problems.ts';

export interface CarriedInterchange {
  id: string;
  /** The AS2 Message-ID it first came in. */
  as2MessageId: string;
  sender: string;
  senderQualifier: string;
  recipient: string;
  controlReference: string;
  syntax: string;
  test: boolean;
  receivedAt: string;
  sha256: string;
  sizeBytes: number;
  messageCount: number;
  messageTypes: string[];
  status: 'received' | 'accepted' | 'partially_accepted' | 'rejected';
  problems: EdifactProblem[];
  /** The CONTRL we answered with (EDIFACT text). */
  contrl: string | null;
  acknowledgedAt: string | null;
  repeats: number;
}

interface Row {
  id: string;
  as2_message_id: string;
  sender_id: string;
  sender_qualifier: string;
  recipient_id: string;
  control_reference: string;
  syntax: string;
  test_indicator: number;
  received_at: string;
  sha256: string;
  size_bytes: number;
  message_count: number;
  message_types: string;
  status: CarriedInterchange['status'];
  problems: string;
  acknowledgement: string | null;
  acknowledged_at: string | null;
  repeats: number;
}

/** An inbound AS2 message as the register knows it. */
export interface As2MessageKey {
  /** as2_messages.id */
  id: string;
  /** The Message-ID as stored (without angle brackets). */
  messageId: string;
  /** The partner's organisation; null for a message of no known partner (which carries nothing). */
  organisationId: string | null;
}

/** The interchanges of several inbound AS2 messages at once (one query), oldest first per message. */
export async function carriedInterchanges(db: Pick<Tx, 'all'>, messages: As2MessageKey[]): Promise<Map<string, CarriedInterchange[]>> {
  const byMessage = new Map<string, CarriedInterchange[]>(messages.map((m) => [m.id, []]));
  const keys = messages.filter((m) => m.organisationId !== null).map((m) => ({ id: m.id, messageId: m.messageId, organisationId: m.organisationId }));
  if (keys.length === 0) return byMessage;
  const rows = await db.all<Row & { row_id: string }>(
    `SELECT json_extract(k.value, '$.id') AS row_id, ei.id, ei.as2_message_id, ei.sender_id, ei.sender_qualifier, ei.recipient_id, ei.control_reference, ei.syntax,
            ei.test_indicator, ei.received_at, ei.sha256, ei.size_bytes, ei.message_count, ei.message_types, ei.status, ei.problems, ei.acknowledgement,
            ei.acknowledged_at, ei.repeats
       FROM json_each(?) k
       JOIN edi_interchanges ei ON ei.as2_message_id = json_extract(k.value, '$.messageId') AND ei.organisation_id = json_extract(k.value, '$.organisationId')
      ORDER BY ei.received_at, ei.id`,
    [JSON.stringify(keys)],
  );
  for (const r of rows) {
    byMessage.get(r.row_id)?.push({
      id: r.id,
      as2MessageId: r.as2_message_id,
      sender: r.sender_id,
      senderQualifier: r.sender_qualifier,
      recipient: r.recipient_id,
      controlReference: r.control_reference,
      syntax: r.syntax,
      test: r.test_indicator === 1,
      receivedAt: r.received_at,
      sha256: r.sha256,
      sizeBytes: r.size_bytes,
      messageCount: r.message_count,
      messageTypes: JSON.parse(r.message_types) as string[],
      status: r.status,
      problems: JSON.parse(r.problems) as EdifactProblem[],
      contrl: r.acknowledgement,
      acknowledgedAt: r.acknowledged_at,
      repeats: r.repeats,
    });
  }
  return byMessage;
}
