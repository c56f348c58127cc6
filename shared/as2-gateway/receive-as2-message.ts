/**
 * Receives one AS2 message (RFC 4130) whose body the transport has already streamed to disk:
 * checks its headers, recognises the partner and repeats, unwraps it with our keys and the
 * partner's certificates, enforces the partner's profile, stores the message, payload and
 * audit entry in one transaction, and only then builds the MDN (see answer-stored-message.ts).
 *
 * An unknown AS2-From is refused with HTTP 403 and no MDN (RFC 4130 §7.5.3 leaves the choice
 * between a negative MDN and an HTTP error): a sender we cannot authenticate gets no signed
 * receipt, no async MDN is POSTed to a URL a stranger chose, and its bytes are not kept (the
 * audit trail records the attempt with the body's SHA-256 and size).
 */
import { readFile } from 'node:fs/promises';
import { bytesToLatin1, unwrapAs2, type As2Disposition, type As2KeyPair, type HeaderList, type UnwrapSuccess } from '../as2/index.ts';
import { recordAudit } from '../audit/record-audit.ts';
import type { UseCaseContext } from '../context.ts';
import { findPartnerByAs2Id, type FoundPartner } from '../edi-partners/find-partner.ts';
import { loadAs2Keys } from '../edi-partners/load-as2-keys.ts';
import { AppError } from '../errors.ts';
import { sanitiseFilename } from '../files/store-upload.ts';
import type { Logger } from '../log.ts';
import { answerStoredMessage, replyFor, type AnswerOptions, type As2Reply } from './answer-stored-message.ts';
import { cachedCertificate, cachedKeyPair } from './parsed-key-cache.ts';
import { as2StorageKey, removeStoredBytes, writeBytesFile, type StoredBytes } from './as2-files.ts';
import { findInboundMessage, getMessageRow, insertInboundMessage, isDuplicateMessageError, type As2MessageRow, type InboundMessage } from './as2-message-rows.ts';
import { readAs2Headers, type As2RequestHeaders } from './read-as2-headers.ts';
import { wakeEdifactWorker } from '../edi-inbound/edifact-wake-up.ts';
import { isAsyncMdnRequest, receiveAsyncMdn } from './receive-async-mdn.ts';

export type As2GatewayContext = UseCaseContext & { log: Logger };

export interface As2GatewaySettings {
  /** AS2_ID: the only AS2-To we answer for. */
  ourAs2Id: string;
  /** UPLOAD_DIR: raw bodies and payloads live under its as2/ folder. */
  uploadDir: string;
}

export interface ReceiveAs2Input {
  /** The as2_messages id, chosen before the body was streamed (it names the raw file). */
  id: string;
  /** HTTP headers as received. */
  headers: HeaderList;
  /** The body as stored by streamToFile. */
  raw: StoredBytes;
}

export const reportingUa = 'Lotbridge AS2 gateway';

// Never stored: credentials a partner's HTTP client may send.
const secretHeaders = new Set(['authorization', 'proxy-authorization', 'cookie']);

type Outcome = { ok: true; unwrapped: UnwrapSuccess } | { ok: false; disposition: As2Disposition; reason: string; layers: string[] };

function partnerActor(partner: FoundPartner) {
  return { type: 'partner' as const, id: partner.id, name: partner.as2Id };
}

/** The profile's expectations (RFC 4130 leaves them to the trading partners' agreement). */
function enforceProfile(partner: FoundPartner, u: UnwrapSuccess): Outcome {
  const layers = u.layers.length ? u.layers.join(', ') : 'none';
  if (partner.requireEncrypted && !u.encrypted) {
    return { ok: false, disposition: 'decryption-failed', reason: `partner "${partner.as2Id}" must send encrypted messages (its profile requires encryption); this one is not encrypted (layers: ${layers})`, layers: u.layers };
  }
  if (partner.requireSigned && !u.signed) {
    return { ok: false, disposition: 'authentication-failed', reason: `partner "${partner.as2Id}" must sign its messages (its profile requires a signature); this one is not signed (layers: ${layers})`, layers: u.layers };
  }
  return { ok: true, unwrapped: u };
}

function looksLikeEdifact(contentType: string, payload: Uint8Array): boolean {
  if (/^application\/(edifact|x-edifact)$/i.test(contentType)) return true;
  const head = bytesToLatin1(payload.subarray(0, 8)).replace(/^\uFEFF|^\u00EF\u00BB\u00BF/, '');
  return head.startsWith('UNA') || head.startsWith('UNB');
}

async function unwrapFor(ctx: As2GatewayContext, partner: FoundPartner, headers: HeaderList, raw: StoredBytes): Promise<Outcome> {
  if (partner.state !== 'active') return { ok: false, disposition: 'authentication-failed', reason: `partner "${partner.as2Id}" is ${partner.state} in Lotbridge: its messages are not accepted`, layers: [] };
  const now = ctx.clock.now();
  const keys = await loadAs2Keys(ctx.db, now);
  const decryptionKeys = keys.decryption.map(cachedKeyPair);
  const trustedCertificates = partner.certificates.filter((c) => c.usage !== 'encryption').map(cachedCertificate);
  // The library works on bytes in memory: read once, no copy (a Buffer is a Uint8Array).
  const result = unwrapAs2(headers, await readFile(raw.path), { decryptionKeys, trustedCertificates, now });
  return result.ok ? enforceProfile(partner, result) : result;
}

async function signingKey(ctx: As2GatewayContext): Promise<As2KeyPair | undefined> {
  const { signing } = await loadAs2Keys(ctx.db, ctx.clock.now());
  return signing && cachedKeyPair(signing);
}

/** A Message-ID the partner sent before: the original answer again, nothing processed twice. */
async function answerRepeat(ctx: As2GatewayContext, settings: As2GatewaySettings, partner: FoundPartner, existing: As2MessageRow, request: As2RequestHeaders, raw: StoredBytes): Promise<As2Reply> {
  await removeStoredBytes(settings.uploadDir, raw.storageKey);
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction(async (tx) => {
    await tx.run('UPDATE as2_messages SET repeats = repeats + 1 WHERE id = ?', [existing.id]);
    await recordAudit(tx, ctx.clock, {
      actor: partnerActor(partner),
      organisationId: partner.organisationId,
      action: 'as2.message_repeated',
      entityType: 'as2_message',
      entityId: existing.id,
      oldValues: { repeats: existing.repeats },
      newValues: { repeats: existing.repeats + 1, sha256: raw.sha256, sameBytes: raw.sha256 === existing.raw_sha256, mdnMode: request.mdnMode },
      reason: `Message-ID <${request.messageId}> from "${request.as2From}" was received before: answered with the original MDN, not processed again`,
      requestId: ctx.requestId,
    });
  });
  ctx.log.info('as2 message repeated', { as2MessageRowId: existing.id, as2From: request.as2From, messageId: request.messageId });
  const options = await answerOptions(ctx, settings);
  await answerStoredMessage(ctx, existing.id, partner.organisationId, options);
  const row = await getMessageRow(ctx.db, existing.id);
  if (request.mdnMode === 'sync' && row.mdn_body !== null) return replyFor({ ...row, mdn_mode: 'sync' });
  if (request.mdnMode === 'async' && row.mdn_body !== null) {
    // The stored MDN goes again, to where this repeat asks for it.
    await ctx.db.run(
      "UPDATE as2_messages SET receipt_delivery_url = ?, mdn_delivery_state = 'pending', mdn_delivery_attempts = 0, mdn_next_attempt_at = ?, mdn_last_error = NULL WHERE id = ?",
      [request.receiptDeliveryUrl!, now, existing.id],
    );
    return replyFor({ ...row, mdn_mode: 'async', receipt_delivery_url: request.receiptDeliveryUrl! });
  }
  return replyFor({ ...row, mdn_mode: 'none' });
}

async function answerOptions(ctx: As2GatewayContext, settings: As2GatewaySettings): Promise<AnswerOptions> {
  return { ourAs2Id: settings.ourAs2Id, signingKey: await signingKey(ctx), reportingUa };
}

/** Stores the payload file and the message row (state `received`) with its audit entry, in one transaction. */
async function storeMessage(ctx: As2GatewayContext, settings: As2GatewaySettings, partner: FoundPartner, input: ReceiveAs2Input, request: As2RequestHeaders, outcome: Outcome): Promise<'stored' | 'duplicate'> {
  const receivedAt = ctx.clock.now();
  const u = outcome.ok ? outcome.unwrapped : undefined;
  const payloadFile = u ? await writeBytesFile(settings.uploadDir, as2StorageKey(input.id, receivedAt, 'payload'), u.payload) : undefined;
  const message: InboundMessage = {
    id: input.id,
    partnerId: partner.id,
    organisationId: partner.organisationId,
    as2From: request.as2From,
    as2To: request.as2To,
    messageId: request.messageId,
    as2Version: request.as2Version,
    subject: request.subject ?? null,
    contentType: request.contentType,
    receivedAt: receivedAt.toISOString(),
    raw: { storageKey: input.raw.storageKey, sha256: input.raw.sha256, sizeBytes: input.raw.sizeBytes, headers: input.headers.filter(([n]) => !secretHeaders.has(n.toLowerCase())) },
    layers: u ? u.layers : outcome.ok ? [] : outcome.layers,
    signer: u?.signer ? u.signer.subject : null,
    mic: u ? { value: u.mic.value, algorithm: u.mic.algorithm } : null,
    failure: outcome.ok ? null : { disposition: outcome.disposition, reason: outcome.reason },
    payload: u && payloadFile ? { storageKey: payloadFile.storageKey, sha256: payloadFile.sha256, sizeBytes: payloadFile.sizeBytes, filename: u.filename ? sanitiseFilename(u.filename) : null, contentType: u.contentType } : null,
    mdnMode: request.mdnMode,
    mdnSignedRequested: request.receipt.signed,
    receiptDeliveryUrl: request.receiptDeliveryUrl ?? null,
    edifactWaiting: u ? looksLikeEdifact(u.contentType, u.payload) : false,
  };
  try {
    await ctx.db.transaction(async (tx) => {
      await insertInboundMessage(tx, message);
      await recordAudit(tx, ctx.clock, {
        actor: partnerActor(partner),
        organisationId: partner.organisationId,
        action: outcome.ok ? 'as2.message_received' : 'as2.message_refused',
        entityType: 'as2_message',
        entityId: message.id,
        newValues: {
          as2From: message.as2From,
          as2To: message.as2To,
          messageId: message.messageId,
          sha256: message.raw.sha256,
          sizeBytes: message.raw.sizeBytes,
          layers: message.layers,
          signer: message.signer,
          mic: message.mic,
          payload: message.payload && { sha256: message.payload.sha256, sizeBytes: message.payload.sizeBytes, filename: message.payload.filename, contentType: message.payload.contentType },
          mdnMode: message.mdnMode,
          failure: message.failure?.disposition ?? null,
        },
        reason: message.failure?.reason,
        requestId: ctx.requestId,
      });
    });
    return 'stored';
  } catch (e) {
    if (payloadFile) await removeStoredBytes(settings.uploadDir, payloadFile.storageKey);
    if (isDuplicateMessageError(e)) return 'duplicate';
    throw e;
  }
}

export async function receiveAs2Message(ctx: As2GatewayContext, settings: As2GatewaySettings, input: ReceiveAs2Input): Promise<As2Reply> {
  let kept = false;
  try {
    // An async MDN for a message we sent is no message: see receive-async-mdn.ts.
    if (await isAsyncMdnRequest(input.headers, input.raw)) return await receiveAsyncMdn(ctx, input);
    let request: As2RequestHeaders;
    try {
      request = readAs2Headers(input.headers, settings.ourAs2Id);
    } catch (e) {
      ctx.log.warn('as2 request refused', { reason: (e as Error).message, sizeBytes: input.raw.sizeBytes });
      throw e;
    }
    const partner = await findPartnerByAs2Id(ctx.db, request.as2From, ctx.clock.now());
    if (!partner) {
      await ctx.db.transaction((tx) =>
        recordAudit(tx, ctx.clock, {
          actor: { type: 'system', name: 'AS2 gateway' },
          organisationId: null,
          action: 'as2.message_refused',
          entityType: 'as2_message',
          entityId: null,
          newValues: { as2From: request.as2From, messageId: request.messageId, sha256: input.raw.sha256, sizeBytes: input.raw.sizeBytes },
          reason: `unknown AS2-From "${request.as2From}": no partner has this AS2 id`,
          requestId: ctx.requestId,
        }),
      );
      ctx.log.warn('as2 message refused', { as2From: request.as2From, messageId: request.messageId, reason: 'unknown partner' });
      throw new AppError('forbidden', `AS2-From "${request.as2From}" is not a partner of this gateway: the sender cannot be authenticated, so the message is refused without an MDN; an administrator adds partners with "lotbridge partner add --as2-id …"`, { 'AS2-From': 'unknown partner' });
    }

    const existing = await findInboundMessage(ctx.db, request.as2From, request.messageId);
    if (existing) return await answerRepeat(ctx, settings, partner, existing, request, input.raw);

    const outcome = await unwrapFor(ctx, partner, input.headers, input.raw);
    if ((await storeMessage(ctx, settings, partner, input, request, outcome)) === 'duplicate') {
      // A twin of this request was stored while we unwrapped: answer as a repeat.
      return await answerRepeat(ctx, settings, partner, (await findInboundMessage(ctx.db, request.as2From, request.messageId))!, request, input.raw);
    }
    kept = true;
    const log = { as2MessageRowId: input.id, as2From: request.as2From, messageId: request.messageId, sizeBytes: input.raw.sizeBytes, mdnMode: request.mdnMode };
    if (outcome.ok) ctx.log.info('as2 message received', { ...log, layers: outcome.unwrapped.layers });
    else ctx.log.warn('as2 message refused', { ...log, disposition: outcome.disposition, reason: outcome.reason });
    const options = await answerOptions(ctx, settings);
    if (request.receipt.signed && !options.signingKey) ctx.log.warn('as2 mdn sent unsigned: no active AS2 signing key (start the server once, or "lotbridge as2 identity")', log);
    return await answerStoredMessage(ctx, input.id, partner.organisationId, options).finally(wakeEdifactWorker);
  } finally {
    if (!kept) await removeStoredBytes(settings.uploadDir, input.raw.storageKey).catch(() => undefined);
  }
}
