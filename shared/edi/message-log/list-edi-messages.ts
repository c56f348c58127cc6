/**
 * The EDI message log: every AS2 message both ways (as2_messages in, as2_outbound_messages out),
 * newest first, with its partner, what unwrapping found, the MDN, and the EDIFACT interchanges an
 * inbound one carried. Filtered by partner, direction, state, date range and message type; paged.
 * Four queries per page whatever its size (count, page, the page's interchanges, partners).
 * For the manufacturer's administrators and QA.
 */
import type { Actor } from '../../auth/actor.ts';
import type { UseCaseContext } from '../../context.ts';
import { problem, refusal } from '../../errors.ts';
import { carriedInterchanges, type CarriedInterchange } from './carried-interchanges.ts';
import { readEdiLog } from './edi-log-access.ts';
import { isEdiDirection, isEdiLogState, type EdiDirection, type EdiLogState } from './edi-log-states.ts';

export interface EdiLogFilter {
  partnerId?: string;
  direction?: EdiDirection;
  state?: EdiLogState;
  /** Range of the time received (inbound) or queued (outbound), ISO 8601; no zone = UTC. */
  from?: string;
  to?: string;
  /** UNH message type, e.g. DESADV (any version); outbound messages match by their purpose (CONTRL, APERAK, …). */
  messageType?: string;
  page?: number;
  pageSize?: number;
}

export interface EdiLogItem {
  id: string;
  direction: EdiDirection;
  /** Received (inbound) or queued (outbound). */
  at: string;
  partner: { id: string; as2Id: string; organisationName: string } | null;
  as2From: string | null;
  as2To: string | null;
  messageId: string;
  subject: string | null;
  /** Outbound: contrl, aperak, recall_notice, … */
  purpose: string | null;
  state: string;
  failureReason: string | null;
  /** Inbound: the disposition modifier of our negative MDN. */
  failureDisposition: string | null;
  layers: string[];
  mdn: {
    mode: 'sync' | 'async' | 'none' | null;
    /** The Disposition field: ours (inbound) or the partner's (outbound). */
    disposition: string | null;
    signed: boolean;
    present: boolean;
    /** Inbound async: our delivery of it. */
    deliveryState: 'pending' | 'delivered' | 'exhausted' | null;
    /** Outbound: the partner's MDN said processed, its signature and MIC checked out. */
    positive: boolean | null;
  };
  payload: { filename: string | null; contentType: string | null; sizeBytes: number } | null;
  edifact: { state: 'waiting' | 'processed' | 'failed' | null; result: string | null };
  interchanges: Pick<CarriedInterchange, 'id' | 'controlReference' | 'status' | 'messageTypes' | 'messageCount'>[];
  repeats: number;
}

export interface EdiLog {
  items: EdiLogItem[];
  total: number;
  page: number;
  pageSize: number;
  pages: number;
  /** Every partner, for the partner filter. */
  partners: { id: string; as2Id: string; organisationName: string }[];
}

function instant(value: string | undefined, field: 'from' | 'to'): string | undefined {
  if (!value) return undefined;
  const zoned = /([zZ]|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
  const ms = Date.parse(zoned);
  if (Number.isNaN(ms)) throw refusal('invalid_input', `${field} is not a date-time`, { [field]: problem('common.badDateTime') });
  return new Date(ms).toISOString();
}

// Both tables in one shape. SQLite pushes the WHERE into each arm of the UNION ALL.
const logRows = `
  SELECT id, 'in' AS direction, received_at AS at, partner_id, as2_from, as2_to, message_id, subject, NULL AS purpose, state,
         failure_reason, failure_disposition, layers, mdn_mode, disposition AS mdn_disposition, mdn_signed, (mdn_body IS NOT NULL) AS mdn_present,
         mdn_delivery_state, NULL AS mdn_positive, payload_filename, payload_content_type, payload_size_bytes, edifact_state, edifact_result, repeats
    FROM as2_messages WHERE direction = 'in'
  UNION ALL
  SELECT id, 'out', created_at, partner_id, as2_from, as2_to, message_id, subject, purpose, state,
         failure_reason, NULL, COALESCE(layers, '[]'), mdn_mode, mdn_disposition, (mdn_signature = 'valid'), (mdn_body IS NOT NULL),
         NULL, mdn_positive, filename, content_type, payload_size_bytes, NULL, NULL, 0
    FROM as2_outbound_messages`;

/** Inbound AS2 messages that carried an interchange we refused in part or whole (negative CONTRL) or a message we refused (APERAK). */
export const refusedEdifact = `
  SELECT m.id FROM as2_messages m
    JOIN edi_partners p ON p.id = m.partner_id
    JOIN edi_interchanges ei ON ei.as2_message_id = m.message_id AND ei.organisation_id = p.organisation_id
   WHERE m.direction = 'in'
     AND (ei.status IN ('rejected', 'partially_accepted')
          OR EXISTS (SELECT 1 FROM edi_messages em WHERE em.interchange_id = ei.id AND em.status = 'rejected'))`;

interface Row {
  id: string;
  direction: EdiDirection;
  at: string;
  partner_id: string | null;
  as2_from: string | null;
  as2_to: string | null;
  message_id: string;
  subject: string | null;
  purpose: string | null;
  state: string;
  failure_reason: string | null;
  failure_disposition: string | null;
  layers: string;
  mdn_mode: EdiLogItem['mdn']['mode'];
  mdn_disposition: string | null;
  mdn_signed: number | null;
  mdn_present: number;
  mdn_delivery_state: EdiLogItem['mdn']['deliveryState'];
  mdn_positive: number | null;
  payload_filename: string | null;
  payload_content_type: string | null;
  payload_size_bytes: number | null;
  edifact_state: EdiLogItem['edifact']['state'];
  edifact_result: string | null;
  repeats: number;
}

export async function listEdiMessages(ctx: UseCaseContext, actor: Actor, filter: EdiLogFilter = {}): Promise<EdiLog> {
  readEdiLog.require(actor);
  if (filter.direction !== undefined && !isEdiDirection(filter.direction)) {
    throw refusal('invalid_input', `direction must be "in" or "out", not "${String(filter.direction)}"`, { direction: problem('ediLog.badDirection') });
  }
  if (filter.state !== undefined && !isEdiLogState(filter.state)) {
    throw refusal('invalid_input', `"${String(filter.state)}" is not a state of the EDI message log`, { state: problem('ediLog.unknownState') });
  }
  const where: string[] = [];
  const args: (string | number)[] = [];
  const add = (sql: string, ...values: (string | undefined)[]) => {
    if (values.some((v) => v === undefined || v === '')) return;
    where.push(sql);
    args.push(...(values as string[]));
  };
  add('l.partner_id = ?', filter.partnerId);
  add('l.direction = ?', filter.direction);
  if (filter.state === 'edifact_refused') where.push(`l.id IN (${refusedEdifact})`);
  else if (filter.state?.startsWith('edifact_')) add('l.edifact_state = ?', filter.state.slice('edifact_'.length));
  else add('l.state = ?', filter.state);
  add('l.at >= ?', instant(filter.from, 'from'));
  add('l.at <= ?', instant(filter.to, 'to'));
  const type = filter.messageType?.trim().toUpperCase();
  // "DESADV" matches DESADV of any version ("DESADV:D:96A:UN:EAN005" as well as "DESADV").
  add(
    `(l.id IN (SELECT m.id FROM as2_messages m
                 JOIN edi_partners p ON p.id = m.partner_id
                 JOIN edi_interchanges ei ON ei.as2_message_id = m.message_id AND ei.organisation_id = p.organisation_id, json_each(ei.message_types) j
                WHERE j.value = ? OR j.value LIKE ? || ':%')
      OR (l.direction = 'out' AND upper(l.purpose) = ?))`,
    type,
    type,
    type,
  );
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';

  const pageSize = Math.min(Math.max(Math.trunc(filter.pageSize ?? 25), 1), 100);
  const total = (await ctx.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM (${logRows}) l ${whereSql}`, args))?.n ?? 0;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(Math.trunc(filter.page ?? 1) || 1, 1), pages);
  const rows = await ctx.db.all<Row & { partner_as2_id: string | null; organisation_id: string | null; organisation_name: string | null }>(
    `SELECT l.*, p.as2_id AS partner_as2_id, p.organisation_id, o.name AS organisation_name
       FROM (${logRows}) l
       LEFT JOIN edi_partners p ON p.id = l.partner_id
       LEFT JOIN organisations o ON o.id = p.organisation_id
      ${whereSql}
      ORDER BY l.at DESC, l.id DESC LIMIT ? OFFSET ?`,
    [...args, pageSize, (page - 1) * pageSize],
  );
  const interchanges = await carriedInterchanges(
    ctx.db,
    rows.filter((r) => r.direction === 'in').map((r) => ({ id: r.id, messageId: r.message_id, organisationId: r.organisation_id })),
  );
  const partners = await ctx.db.all<{ id: string; as2_id: string; name: string }>(
    'SELECT p.id, p.as2_id, o.name FROM edi_partners p JOIN organisations o ON o.id = p.organisation_id ORDER BY o.name, p.as2_id',
  );
  return {
    items: rows.map((r) => ({
      id: r.id,
      direction: r.direction,
      at: r.at,
      partner: r.partner_id ? { id: r.partner_id, as2Id: r.partner_as2_id ?? '', organisationName: r.organisation_name ?? '' } : null,
      as2From: r.as2_from,
      as2To: r.as2_to,
      messageId: r.message_id,
      subject: r.subject,
      purpose: r.purpose,
      state: r.state,
      failureReason: r.failure_reason,
      failureDisposition: r.failure_disposition,
      layers: JSON.parse(r.layers) as string[],
      mdn: {
        mode: r.mdn_mode,
        disposition: r.mdn_disposition,
        signed: r.mdn_signed === 1,
        present: r.mdn_present === 1,
        deliveryState: r.mdn_delivery_state,
        positive: r.mdn_positive === null ? null : r.mdn_positive === 1,
      },
      payload: r.payload_size_bytes === null ? null : { filename: r.payload_filename, contentType: r.payload_content_type, sizeBytes: r.payload_size_bytes },
      edifact: { state: r.edifact_state, result: r.edifact_result },
      interchanges: (interchanges.get(r.id) ?? []).map((i) => ({ id: i.id, controlReference: i.controlReference, status: i.status, messageTypes: i.messageTypes, messageCount: i.messageCount })),
      repeats: r.repeats,
    })),
    total,
    page,
    pageSize,
    pages,
    partners: partners.map((p) => ({ id: p.id, as2Id: p.as2_id, organisationName: p.name })),
  };
}
