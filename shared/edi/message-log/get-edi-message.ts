/**
 * One AS2 message of the log, inbound or outbound, as an operator investigates it: the headers
 * as received (credentials are never stored), the layers unwrapping found, signer and MIC, the
 * MDN (ours for inbound, the partner's verdict for outbound), the payload, and for an inbound
 * message each EDIFACT interchange it carried with every message's type, status, problems and
 * records, the CONTRL/APERAK we answered with and the outbound messages that carried them.
 * For the manufacturer's administrators and QA; `reprocess` says whether the caller may rerun it.
 */
import type { Actor } from '../../auth/actor.ts';
import type { UseCaseContext } from '../../context.ts';
import type { Tx } from '../../db/index.ts';
import type { EdifactProblem } from '../../edifact/problems.ts';
import { AppError } from '../../errors.ts';
import { carriedInterchanges, type CarriedInterchange } from './carried-interchanges.ts';
import { ediMessagePermissions, readEdiLog } from './edi-log-access.ts';
import { readEdifactResult, type EdifactRun } from './edifact-result.ts';
import { reprocessRefusal, type ReprocessRefusal } from './reprocess-eligibility.ts';

type HeaderList = [string, string][];

export interface EdiPartnerRef {
  id: string;
  as2Id: string;
  organisationId: string;
  organisationName: string;
}

export interface CarriedMessage {
  reference: string;
  type: string;
  status: 'accepted' | 'rejected' | 'unsupported';
  problems: EdifactProblem[];
  records: { type: string; id: string }[];
  aperak: string | null;
}

export interface AnswerSent {
  id: string;
  purpose: string;
  messageId: string;
  state: string;
  createdAt: string;
  relatesTo: { type: string; id: string } | null;
}

export interface InboundDetail {
  direction: 'in';
  id: string;
  partner: EdiPartnerRef | null;
  as2From: string;
  as2To: string;
  messageId: string;
  as2Version: string | null;
  subject: string | null;
  contentType: string;
  receivedAt: string;
  headers: HeaderList;
  /** kept false: the body was not kept, its sender did not authenticate (issue 10). */
  raw: { sha256: string; sizeBytes: number; kept: boolean };
  state: 'received' | 'processed' | 'failed';
  layers: string[];
  signer: string | null;
  mic: { value: string; algorithm: string | null } | null;
  failure: { disposition: string | null; reason: string } | null;
  payload: { filename: string | null; contentType: string | null; sha256: string | null; sizeBytes: number } | null;
  mdn: {
    mode: 'sync' | 'async' | 'none';
    signedRequested: boolean;
    receiptDeliveryUrl: string | null;
    /** Null until built (and for mode none). */
    messageId: string | null;
    signed: boolean;
    disposition: string | null;
    headers: HeaderList;
    sizeBytes: number | null;
    createdAt: string | null;
    delivery: { state: 'pending' | 'delivered' | 'exhausted'; attempts: number; nextAttemptAt: string | null; lastError: string | null; deliveredAt: string | null } | null;
  };
  /** The EDIFACT hand-off: null state when the payload is not EDIFACT. */
  edifact: { state: 'waiting' | 'processed' | 'failed' | null; run: EdifactRun | null };
  repeats: number;
  interchanges: (CarriedInterchange & { messages: CarriedMessage[] })[];
  /** Outbound messages that answered this one (CONTRL, APERAK) or its interchanges. */
  answers: AnswerSent[];
  /** Earlier reprocess runs, oldest first. */
  reprocessed: { at: string; by: string; reason: string | null }[];
  /** Null when the caller may reprocess it now; else why not. */
  reprocessRefusal: ReprocessRefusal | null;
}

export interface OutboundDetail {
  direction: 'out';
  id: string;
  partner: EdiPartnerRef | null;
  messageId: string;
  subject: string;
  purpose: string;
  relatesTo: { type: string; id: string } | null;
  /** The inbound message whose interchange this answers, when it relates to one. */
  answersInbound: string | null;
  createdAt: string;
  state: 'queued' | 'sending' | 'sent' | 'delivered' | 'failed' | 'exhausted';
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  failureReason: string | null;
  as2From: string | null;
  as2To: string | null;
  headers: HeaderList;
  request: { sizeBytes: number } | null;
  layers: string[];
  mic: { value: string; algorithm: string | null } | null;
  payload: { filename: string; contentType: string; sha256: string; sizeBytes: number };
  builtAt: string | null;
  sentAt: string | null;
  deliveredAt: string | null;
  mdn: {
    mode: 'sync' | 'async' | 'none' | null;
    signedRequested: boolean;
    receivedAt: string | null;
    messageId: string | null;
    disposition: string | null;
    positive: boolean | null;
    signature: 'valid' | 'unsigned' | 'invalid' | null;
    signer: string | null;
    /** Received-Content-MIC as the partner sent it, and whether it equals the MIC we expected. */
    mic: string | null;
    micMatched: boolean | null;
    headers: HeaderList;
    sizeBytes: number | null;
  };
}

export type EdiMessageDetail = (InboundDetail | OutboundDetail) & {
  /** What this actor may do with the message: download its bytes. */
  permissions: { download: boolean };
};

// Never shown even if an older row kept them (the receiver drops them before storing).
const secretHeaders = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
const headerList = (json: string | null): HeaderList => (json ? (JSON.parse(json) as HeaderList).filter(([n]) => !secretHeaders.has(n.toLowerCase())) : []);
const bool = (n: number | null): boolean | null => (n === null ? null : n === 1);

async function partnerRef(db: Pick<Tx, 'get'>, partnerId: string | null): Promise<EdiPartnerRef | null> {
  // Outbound rows always name a partner; an inbound one of an unknown sender is never stored.
  if (!partnerId) return null;
  const p = await db.get<{ id: string; as2_id: string; organisation_id: string; name: string }>(
    'SELECT p.id, p.as2_id, p.organisation_id, o.name FROM edi_partners p JOIN organisations o ON o.id = p.organisation_id WHERE p.id = ?',
    [partnerId],
  );
  return p ? { id: p.id, as2Id: p.as2_id, organisationId: p.organisation_id, organisationName: p.name } : null;
}

interface InboundRow {
  id: string;
  partner_id: string | null;
  as2_from: string;
  as2_to: string;
  message_id: string;
  as2_version: string | null;
  subject: string | null;
  content_type: string;
  received_at: string;
  raw_sha256: string;
  raw_size_bytes: number;
  raw_storage_key: string | null;
  raw_headers: string;
  state: InboundDetail['state'];
  layers: string;
  signer: string | null;
  mic: string | null;
  mic_algorithm: string | null;
  disposition: string | null;
  failure_disposition: string | null;
  failure_reason: string | null;
  payload_sha256: string | null;
  payload_size_bytes: number | null;
  payload_filename: string | null;
  payload_content_type: string | null;
  mdn_mode: InboundDetail['mdn']['mode'];
  mdn_signed_requested: number;
  receipt_delivery_url: string | null;
  mdn_message_id: string | null;
  mdn_signed: number;
  mdn_headers: string | null;
  mdn_size: number | null;
  mdn_created_at: string | null;
  mdn_delivery_state: 'pending' | 'delivered' | 'exhausted' | null;
  mdn_delivery_attempts: number;
  mdn_next_attempt_at: string | null;
  mdn_last_error: string | null;
  mdn_delivered_at: string | null;
  edifact_state: InboundDetail['edifact']['state'];
  edifact_result: string | null;
  repeats: number;
}

async function inboundDetail(ctx: UseCaseContext, actor: Actor, r: InboundRow): Promise<InboundDetail> {
  const partner = await partnerRef(ctx.db, r.partner_id);
  const interchanges = (await carriedInterchanges(ctx.db, [{ id: r.id, messageId: r.message_id, organisationId: partner?.organisationId ?? null }])).get(r.id) ?? [];
  const ids = interchanges.map((i) => i.id);
  const messages = await ctx.db.all<{ interchange_id: string; message_reference: string; message_type: string; status: CarriedMessage['status']; problems: string; records: string; aperak: string | null }>(
    'SELECT * FROM edi_messages WHERE interchange_id IN (SELECT value FROM json_each(?)) ORDER BY interchange_id, rowid',
    [JSON.stringify(ids)],
  );
  const answers = await ctx.db.all<{ id: string; purpose: string; message_id: string; state: string; created_at: string; relates_to_type: string | null; relates_to_id: string | null }>(
    `SELECT id, purpose, message_id, state, created_at, relates_to_type, relates_to_id FROM as2_outbound_messages
      WHERE relates_to_id IN (SELECT value FROM json_each(?)) ORDER BY created_at, id`,
    [JSON.stringify([r.id, ...ids])],
  );
  const reprocessed = await ctx.db.all<{ at: string; actor_name: string | null; reason: string | null }>(
    "SELECT at, actor_name, reason FROM audit_log WHERE entity_type = 'as2_message' AND entity_id = ? AND action = 'edi.message_reprocessed' ORDER BY seq",
    [r.id],
  );
  const detail: InboundDetail = {
    direction: 'in',
    id: r.id,
    partner,
    as2From: r.as2_from,
    as2To: r.as2_to,
    messageId: r.message_id,
    as2Version: r.as2_version,
    subject: r.subject,
    contentType: r.content_type,
    receivedAt: r.received_at,
    headers: headerList(r.raw_headers),
    raw: { sha256: r.raw_sha256, sizeBytes: r.raw_size_bytes, kept: r.raw_storage_key !== null },
    state: r.state,
    layers: JSON.parse(r.layers) as string[],
    signer: r.signer,
    mic: r.mic ? { value: r.mic, algorithm: r.mic_algorithm } : null,
    failure: r.failure_reason ? { disposition: r.failure_disposition, reason: r.failure_reason } : null,
    payload: r.payload_size_bytes === null ? null : { filename: r.payload_filename, contentType: r.payload_content_type, sha256: r.payload_sha256, sizeBytes: r.payload_size_bytes },
    mdn: {
      mode: r.mdn_mode,
      signedRequested: r.mdn_signed_requested === 1,
      receiptDeliveryUrl: r.receipt_delivery_url,
      messageId: r.mdn_message_id,
      signed: r.mdn_signed === 1,
      disposition: r.disposition,
      headers: headerList(r.mdn_headers),
      sizeBytes: r.mdn_size,
      createdAt: r.mdn_created_at,
      delivery: r.mdn_delivery_state
        ? { state: r.mdn_delivery_state, attempts: r.mdn_delivery_attempts, nextAttemptAt: r.mdn_next_attempt_at, lastError: r.mdn_last_error, deliveredAt: r.mdn_delivered_at }
        : null,
    },
    edifact: { state: r.edifact_state, run: readEdifactResult(r.edifact_result) },
    repeats: r.repeats,
    interchanges: interchanges.map((i) => ({
      ...i,
      messages: messages
        .filter((m) => m.interchange_id === i.id)
        .map((m) => ({
          reference: m.message_reference,
          type: m.message_type,
          status: m.status,
          problems: JSON.parse(m.problems) as EdifactProblem[],
          records: JSON.parse(m.records) as { type: string; id: string }[],
          aperak: m.aperak,
        })),
    })),
    answers: answers.map((a) => ({
      id: a.id,
      purpose: a.purpose,
      messageId: a.message_id,
      state: a.state,
      createdAt: a.created_at,
      relatesTo: a.relates_to_type && a.relates_to_id ? { type: a.relates_to_type, id: a.relates_to_id } : null,
    })),
    reprocessed: reprocessed.map((a) => ({ at: a.at, by: a.actor_name ?? '', reason: a.reason })),
    reprocessRefusal: null,
  };
  detail.reprocessRefusal = reprocessRefusal(actor, detail);
  return detail;
}

interface OutboundRow {
  id: string;
  partner_id: string;
  message_id: string;
  subject: string;
  filename: string;
  content_type: string;
  payload_sha256: string;
  payload_size_bytes: number;
  purpose: string;
  relates_to_type: string | null;
  relates_to_id: string | null;
  created_at: string;
  state: OutboundDetail['state'];
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  as2_from: string | null;
  as2_to: string | null;
  request_headers: string | null;
  request_size: number | null;
  layers: string | null;
  expected_mic: string | null;
  mic_algorithm: string | null;
  mdn_mode: OutboundDetail['mdn']['mode'];
  mdn_signed_requested: number | null;
  built_at: string | null;
  sent_at: string | null;
  mdn_received_at: string | null;
  mdn_headers: string | null;
  mdn_size: number | null;
  mdn_message_id: string | null;
  mdn_disposition: string | null;
  mdn_positive: number | null;
  mdn_signature: OutboundDetail['mdn']['signature'];
  mdn_signer: string | null;
  mdn_mic: string | null;
  mdn_mic_matched: number | null;
  delivered_at: string | null;
  failure_reason: string | null;
}

async function outboundDetail(ctx: UseCaseContext, r: OutboundRow): Promise<OutboundDetail> {
  // A CONTRL/APERAK relates to an interchange (or to the inbound message itself): name that message.
  const answersInbound = r.relates_to_id
    ? ((
        await ctx.db.get<{ id: string }>(
          `SELECT m.id FROM as2_messages m WHERE m.id = ?1
            UNION ALL SELECT ei.as2_message_id FROM edi_interchanges ei WHERE ei.id = ?1 AND ei.as2_message_id IS NOT NULL LIMIT 1`,
          [r.relates_to_id],
        )
      )?.id ?? null)
    : null;
  return {
    direction: 'out',
    id: r.id,
    partner: await partnerRef(ctx.db, r.partner_id),
    messageId: r.message_id,
    subject: r.subject,
    purpose: r.purpose,
    relatesTo: r.relates_to_type && r.relates_to_id ? { type: r.relates_to_type, id: r.relates_to_id } : null,
    answersInbound,
    createdAt: r.created_at,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    failureReason: r.failure_reason,
    as2From: r.as2_from,
    as2To: r.as2_to,
    headers: headerList(r.request_headers),
    request: r.request_size === null ? null : { sizeBytes: r.request_size },
    layers: r.layers ? (JSON.parse(r.layers) as string[]) : [],
    mic: r.expected_mic ? { value: r.expected_mic, algorithm: r.mic_algorithm } : null,
    payload: { filename: r.filename, contentType: r.content_type, sha256: r.payload_sha256, sizeBytes: r.payload_size_bytes },
    builtAt: r.built_at,
    sentAt: r.sent_at,
    deliveredAt: r.delivered_at,
    mdn: {
      mode: r.mdn_mode,
      signedRequested: r.mdn_signed_requested === 1,
      receivedAt: r.mdn_received_at,
      messageId: r.mdn_message_id,
      disposition: r.mdn_disposition,
      positive: bool(r.mdn_positive),
      signature: r.mdn_signature,
      signer: r.mdn_signer,
      mic: r.mdn_mic,
      micMatched: bool(r.mdn_mic_matched),
      headers: headerList(r.mdn_headers),
      sizeBytes: r.mdn_size,
    },
  };
}

export async function getEdiMessage(ctx: UseCaseContext, actor: Actor, input: { id: string }): Promise<EdiMessageDetail> {
  readEdiLog.require(actor);
  const inbound = await ctx.db.get<InboundRow>(
    `SELECT id, partner_id, as2_from, as2_to, message_id, as2_version, subject, content_type, received_at, raw_sha256, raw_size_bytes, raw_storage_key, raw_headers, state, layers,
            signer, mic, mic_algorithm, disposition, failure_disposition, failure_reason, payload_sha256, payload_size_bytes, payload_filename, payload_content_type,
            mdn_mode, mdn_signed_requested, receipt_delivery_url, mdn_message_id, mdn_signed, mdn_headers, length(mdn_body) AS mdn_size, mdn_created_at,
            mdn_delivery_state, mdn_delivery_attempts, mdn_next_attempt_at, mdn_last_error, mdn_delivered_at, edifact_state, edifact_result, repeats
       FROM as2_messages WHERE id = ? AND direction = 'in'`,
    [input.id],
  );
  const permissions = ediMessagePermissions(actor);
  if (inbound) return { ...(await inboundDetail(ctx, actor, inbound)), permissions };
  // The BLOBs stay in the database: only their sizes are read here.
  const outbound = await ctx.db.get<OutboundRow>(
    `SELECT id, partner_id, message_id, subject, filename, content_type, payload_sha256, payload_size_bytes, purpose, relates_to_type, relates_to_id, created_at,
            state, attempts, next_attempt_at, last_error, as2_from, as2_to, request_headers, length(request_body) AS request_size, layers, expected_mic, mic_algorithm,
            mdn_mode, mdn_signed_requested, built_at, sent_at, mdn_received_at, mdn_headers, length(mdn_body) AS mdn_size, mdn_message_id, mdn_disposition,
            mdn_positive, mdn_signature, mdn_signer, mdn_mic, mdn_mic_matched, delivered_at, failure_reason
       FROM as2_outbound_messages WHERE id = ?`,
    [input.id],
  );
  if (outbound) return { ...(await outboundDetail(ctx, outbound)), permissions };
  throw new AppError('not_found', `the EDI message log has no message "${input.id}"`);
}
