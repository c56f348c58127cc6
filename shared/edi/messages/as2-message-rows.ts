/** The as2_messages table as the gateway reads and writes it. */
import type { Tx } from '../../db/index.ts';
import type { As2Disposition, HeaderList } from '../../as2/index.ts';
import type { MdnMode } from './read-as2-headers.ts';

export interface InboundMessage {
  id: string;
  partnerId: string;
  organisationId: string;
  as2From: string;
  as2To: string;
  messageId: string;
  as2Version: string;
  subject: string | null;
  contentType: string;
  receivedAt: string;
  /** storageKey null: the body was not kept (the sender did not authenticate). */
  raw: { storageKey: string | null; sha256: string; sizeBytes: number; headers: HeaderList };
  layers: string[];
  signer: string | null;
  mic: { value: string; algorithm: string } | null;
  failure: { disposition: As2Disposition; reason: string } | null;
  payload: { storageKey: string; sha256: string; sizeBytes: number; filename: string | null; contentType: string } | null;
  mdnMode: MdnMode;
  mdnSignedRequested: boolean;
  receiptDeliveryUrl: string | null;
  edifactWaiting: boolean;
}

export interface As2MessageRow {
  id: string;
  partner_id: string | null;
  as2_from: string;
  as2_to: string;
  message_id: string;
  state: 'received' | 'processed' | 'failed';
  layers: string;
  mic: string | null;
  mic_algorithm: string | null;
  disposition: string | null;
  failure_disposition: As2Disposition | null;
  failure_reason: string | null;
  raw_sha256: string;
  mdn_mode: MdnMode;
  mdn_signed_requested: number;
  receipt_delivery_url: string | null;
  mdn_message_id: string | null;
  mdn_signed: number;
  mdn_headers: string | null;
  mdn_body: ArrayBuffer | Uint8Array | null;
  mdn_delivery_state: 'pending' | 'delivered' | 'exhausted' | null;
  repeats: number;
}

const rowColumns = `id, partner_id, as2_from, as2_to, message_id, state, layers, mic, mic_algorithm, disposition, failure_disposition, failure_reason,
  raw_sha256, mdn_mode, mdn_signed_requested, receipt_delivery_url, mdn_message_id, mdn_signed, mdn_headers, mdn_body, mdn_delivery_state, repeats`;

export async function findInboundMessage(db: Pick<Tx, 'get'>, as2From: string, messageId: string): Promise<As2MessageRow | undefined> {
  return db.get<As2MessageRow>(`SELECT ${rowColumns} FROM as2_messages WHERE as2_from = ? AND message_id = ?`, [as2From, messageId]);
}

export async function getMessageRow(db: Pick<Tx, 'get'>, id: string): Promise<As2MessageRow> {
  const row = await db.get<As2MessageRow>(`SELECT ${rowColumns} FROM as2_messages WHERE id = ?`, [id]);
  if (!row) throw new Error(`as2_messages has no row ${id}`);
  return row;
}

/** Inserts a received message in state `received`: durable before any MDN is built. */
export async function insertInboundMessage(tx: Tx, m: InboundMessage): Promise<void> {
  await tx.run(
    `INSERT INTO as2_messages (id, direction, partner_id, as2_from, as2_to, message_id, as2_version, subject, content_type, received_at,
       raw_storage_key, raw_sha256, raw_size_bytes, raw_headers, state, layers, signer, mic, mic_algorithm, failure_disposition, failure_reason,
       payload_storage_key, payload_sha256, payload_size_bytes, payload_filename, payload_content_type,
       mdn_mode, mdn_signed_requested, receipt_delivery_url, edifact_state)
     VALUES (?, 'in', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'received', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      m.id,
      m.partnerId,
      m.as2From,
      m.as2To,
      m.messageId,
      m.as2Version,
      m.subject,
      m.contentType,
      m.receivedAt,
      m.raw.storageKey,
      m.raw.sha256,
      m.raw.sizeBytes,
      JSON.stringify(m.raw.headers),
      JSON.stringify(m.layers),
      m.signer,
      m.mic?.value ?? null,
      m.mic?.algorithm ?? null,
      m.failure?.disposition ?? null,
      m.failure?.reason ?? null,
      m.payload?.storageKey ?? null,
      m.payload?.sha256 ?? null,
      m.payload?.sizeBytes ?? null,
      m.payload?.filename ?? null,
      m.payload?.contentType ?? null,
      m.mdnMode,
      m.mdnSignedRequested ? 1 : 0,
      m.receiptDeliveryUrl,
      m.edifactWaiting ? 'waiting' : null,
    ],
  );
}

/** Is this the UNIQUE(as2_from, message_id) conflict of a repeat sent while the first was in flight? */
export function isDuplicateMessageError(e: unknown): boolean {
  return /UNIQUE constraint failed: as2_messages\.as2_from, as2_messages\.message_id/.test(String((e as Error)?.message ?? e));
}
