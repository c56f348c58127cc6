/**
 * Receives one AS2 message (RFC 4130) whose headers were screened before its body was
 * streamed to the file storage (screen-as2-request.ts): recognises repeats, unwraps it with our keys and
 * the partner's certificates within the profile's limits (compression layers, AS2_MAX_MB of
 * inflated content), enforces the partner's profile, stores the message, payload and audit
 * entry in one transaction, and only then builds the MDN (see answer-stored-message.ts).
 *
 * An unknown AS2-From is refused with HTTP 403 and no MDN (RFC 4130 §7.5.3 leaves the choice
 * between a negative MDN and an HTTP error): a sender we cannot authenticate gets no signed
 * receipt, no async MDN is POSTed to a URL a stranger chose, and its bytes are not kept.
 *
 * A message from a known partner that does not authenticate (no valid signature where one is
 * required, or it cannot be decrypted) gets its negative MDN, and its row is the refusal
 * record (headers, SHA-256, size, reason); its body is not kept. A repeated Message-ID gets
 * the stored MDN only when the repeat itself authenticates: the stored MDN carries the MIC of
 * the original, which is not for whoever replays its Message-ID.
 */
import { bytesToLatin1, MimeHeaders, type As2Disposition, type HeaderList, type StreamedUnwrapSuccess } from '../../as2/index.ts';
import { as2Crypto } from '#runtime/as2-crypto';
import type { UnwrappedMessage } from './as2-crypto-work.ts';
import { recordAudit } from '../../audit/record-audit.ts';
import type { FilesContext } from '../../context.ts';
import type { FoundPartner } from '../partners/find-partner.ts';
import { loadAs2Keys, type StoredKeyPair } from '../identity/load-as2-keys.ts';
import { problem, refusal } from '../../errors.ts';
import { sanitiseFilename } from '../../files/store-upload.ts';
import type { Logger } from '../../log.ts';
import { answerStoredMessage, replyFor, type AnswerOptions, type As2Reply } from './answer-stored-message.ts';
import { as2StorageKey, type StoredBytes } from './as2-files.ts';
import { findInboundMessage, getMessageRow, insertInboundMessage, isDuplicateMessageError, type As2MessageRow, type InboundMessage } from './as2-message-rows.ts';
import type { As2RequestHeaders } from './read-as2-headers.ts';
import { countAs2Refusal } from './count-as2-refusal.ts';
import { screenAs2Request, type ScreenedAs2Request } from './screen-as2-request.ts';
import { wakeEdifactWorker } from '../inbound/edifact-wake-up.ts';
import { isAsyncMdnRequest, receiveAsyncMdn } from './receive-async-mdn.ts';
import { unwrapLargeAs2 } from './unwrap-large-as2.ts';
import { cachedCertificate, cachedKeyPair } from './parsed-key-cache.ts';

export type As2GatewayContext = FilesContext & { log: Logger };

export interface As2GatewaySettings {
  /** AS2_ID: the only AS2-To we answer for. */
  ourAs2Id: string;
  /** AS2_MAX_MB in bytes: the body, and also the most its compressed layers may inflate to. */
  maxBytes: number;
}

export interface ReceiveAs2Input {
  /** The as2_messages id, chosen before the body was streamed (it names the raw file). */
  id: string;
  /** HTTP headers as received. */
  headers: HeaderList;
  /** The body as stored by storeAs2Body. */
  raw: StoredBytes;
  /** The client address, or 'unknown' (refusals are counted per source). */
  source: string;
  /** What screenAs2Request found before the body was read; screened here when absent. */
  screened?: ScreenedAs2Request;
}

export const reportingUa = 'Lotbridge AS2 gateway';

// Never stored: credentials a partner's HTTP client may send.
const secretHeaders = new Set(['authorization', 'proxy-authorization', 'cookie']);

/** A message unwrapped in memory (on a worker thread) or as a stream (a large body, its payload already stored). */
type Unwrapped = UnwrappedMessage | (Omit<StreamedUnwrapSuccess, 'signer'> & { signer: string | null });
type Outcome = { ok: true; unwrapped: Unwrapped } | { ok: false; disposition: As2Disposition; reason: string; layers: string[] };

function partnerActor(partner: FoundPartner) {
  return { type: 'partner' as const, id: partner.id, name: partner.as2Id };
}

/** The profile's expectations (RFC 4130 leaves them to the trading partners' agreement). */
function enforceProfile(partner: FoundPartner, u: Unwrapped): Outcome {
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

/** Small messages of repeated segments compress far better than real ones: the ratio limit starts past 1 MiB. */
const inflateRatio = { maxRatio: 100, ratioFloorBytes: 1024 * 1024 };

async function unwrapFor(ctx: As2GatewayContext, settings: As2GatewaySettings, partner: FoundPartner, headers: HeaderList, raw: StoredBytes): Promise<Outcome> {
  if (partner.state !== 'active') return { ok: false, disposition: 'authentication-failed', reason: `partner "${partner.as2Id}" is ${partner.state} in Lotbridge: its messages are not accepted`, layers: [] };
  // The profile first, where the outside shows it: an unencrypted body is not verified or inflated for a partner that must encrypt.
  const outerType = MimeHeaders.from(headers).get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (partner.requireEncrypted && outerType !== 'application/pkcs7-mime' && outerType !== 'application/x-pkcs7-mime') {
    return { ok: false, disposition: 'decryption-failed', reason: `partner "${partner.as2Id}" must send encrypted messages (its profile requires encryption); this one is not encrypted (it is ${outerType || 'without a Content-Type'})`, layers: [] };
  }
  const now = ctx.clock.now();
  const keys = await loadAs2Keys(ctx.db, now);
  const trustedCertificates = partner.certificates.filter((c) => c.usage !== 'encryption');
  const limits = { now, maxCompressionLayers: partner.maxCompressionLayers, inflateLimits: { maxOutputBytes: settings.maxBytes, ...inflateRatio } };
  // A large body streams, its payload stored as it is unwrapped (unwrap-large-as2.ts).
  const streamed = await unwrapLargeAs2(ctx.files, headers, raw, { ...limits, decryptionKeys: keys.decryption.map(cachedKeyPair), trustedCertificates: trustedCertificates.map(cachedCertificate) });
  if (streamed?.ok) {
    const outcome = enforceProfile(partner, { ...streamed, signer: streamed.signer ? streamed.signer.subject : null });
    if (!outcome.ok) await ctx.files.delete(streamed.payloadFile.key);
    return outcome;
  }
  if (streamed) return streamed;
  // A small one is unwrapped in memory, on a worker thread where there are threads (#runtime/as2-crypto).
  const result = await as2Crypto.unwrap({
    ...limits,
    headers,
    body: await ctx.files.get(raw.storageKey),
    decryptionKeys: keys.decryption,
    trustedCertificates: trustedCertificates.map(({ id, pem }) => ({ id, pem })),
  });
  return result.ok ? enforceProfile(partner, result) : result;
}

/** Did the sender prove who it is? A verified signature does; without one, only a message that meets a profile asking for none. */
function authenticated(outcome: Outcome): boolean {
  return outcome.ok || outcome.layers.some((l) => l.startsWith('signed:'));
}

async function signingKey(ctx: As2GatewayContext): Promise<StoredKeyPair | undefined> {
  return (await loadAs2Keys(ctx.db, ctx.clock.now())).signing;
}

/**
 * A Message-ID the partner sent before: the original answer again, nothing processed twice,
 * once the repeat authenticates; else a refusal (HTTP 403) that gives nothing of the original.
 */
async function answerRepeat(ctx: As2GatewayContext, settings: As2GatewaySettings, partner: FoundPartner, existing: As2MessageRow, request: As2RequestHeaders, input: ReceiveAs2Input, outcome: Outcome): Promise<As2Reply> {
  const raw = input.raw;
  await ctx.files.delete(raw.storageKey);
  if (outcome.ok && 'payloadFile' in outcome.unwrapped) await ctx.files.delete(outcome.unwrapped.payloadFile.key);
  if (!authenticated(outcome)) {
    const why = outcome.ok ? '' : `${outcome.disposition}: ${outcome.reason}`;
    const text = `Message-ID <${request.messageId}> from "${request.as2From}" was received before, and this repeat does not authenticate (${why}): it is refused, and the original MDN is not sent again`;
    await countAs2Refusal(ctx, {
      source: input.source,
      reason: 'unauthenticated_repeat',
      text,
      values: { as2From: request.as2From, messageId: request.messageId, sha256: raw.sha256, sizeBytes: raw.sizeBytes, as2MessageRowId: existing.id },
      partner: { id: partner.id, organisationId: partner.organisationId, as2Id: partner.as2Id },
    });
    ctx.log.warn('as2 repeat refused', { as2MessageRowId: existing.id, as2From: request.as2From, messageId: request.messageId, reason: why });
    throw refusal('forbidden', text, { 'Message-ID': problem('as2.repeatNotAuthenticated', { value: request.messageId }) });
  }
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
  // The body of a sender that did not authenticate is not kept: its SHA-256 and size are the record.
  const keepRaw = authenticated(outcome);
  const payloadFile = u ? ('payloadFile' in u ? u.payloadFile : await ctx.files.put(as2StorageKey(input.id, receivedAt, 'payload'), u.payload)) : undefined;
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
    raw: { storageKey: keepRaw ? input.raw.storageKey : null, sha256: input.raw.sha256, sizeBytes: input.raw.sizeBytes, headers: input.headers.filter(([n]) => !secretHeaders.has(n.toLowerCase())) },
    layers: u ? u.layers : outcome.ok ? [] : outcome.layers,
    signer: u?.signer ?? null,
    mic: u ? { value: u.mic.value, algorithm: u.mic.algorithm } : null,
    failure: outcome.ok ? null : { disposition: outcome.disposition, reason: outcome.reason },
    payload: u && payloadFile ? { storageKey: payloadFile.key, sha256: payloadFile.sha256, sizeBytes: payloadFile.sizeBytes, filename: u.filename ? sanitiseFilename(u.filename) : null, contentType: u.contentType } : null,
    mdnMode: request.mdnMode,
    mdnSignedRequested: request.receipt.signed,
    receiptDeliveryUrl: request.receiptDeliveryUrl ?? null,
    edifactWaiting: u ? looksLikeEdifact(u.contentType, 'payloadFile' in u ? u.payloadHead : u.payload) : false,
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
          rawKept: keepRaw,
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
    if (payloadFile) await ctx.files.delete(payloadFile.key);
    if (isDuplicateMessageError(e)) return 'duplicate';
    throw e;
  }
}

export async function receiveAs2Message(ctx: As2GatewayContext, settings: As2GatewaySettings, input: ReceiveAs2Input): Promise<As2Reply> {
  let kept = false;
  try {
    let screened = input.screened ?? (await screenAs2Request(ctx, settings.ourAs2Id, input.headers, input.source));
    if (screened.kind === 'maybe-mdn') {
      // An async MDN for a message we sent is no message: see receive-async-mdn.ts.
      if (await isAsyncMdnRequest(ctx.files, input.headers, input.raw)) return await receiveAsyncMdn(ctx, input);
      screened = await screenAs2Request(ctx, settings.ourAs2Id, input.headers, input.source, true);
      if (screened.kind !== 'message') throw new Error('screenAs2Request(asMessage) returned no message');
    }
    const { request, partner } = screened;

    const outcome = await unwrapFor(ctx, settings, partner, input.headers, input.raw);
    const existing = await findInboundMessage(ctx.db, request.as2From, request.messageId);
    if (existing) return await answerRepeat(ctx, settings, partner, existing, request, input, outcome);

    const stored = await storeMessage(ctx, settings, partner, input, request, outcome);
    if (stored === 'duplicate') {
      // A twin of this request was stored while we unwrapped: answer as a repeat.
      return await answerRepeat(ctx, settings, partner, (await findInboundMessage(ctx.db, request.as2From, request.messageId))!, request, input, outcome);
    }
    kept = authenticated(outcome);
    const log = { as2MessageRowId: input.id, as2From: request.as2From, messageId: request.messageId, sizeBytes: input.raw.sizeBytes, mdnMode: request.mdnMode };
    if (outcome.ok) ctx.log.info('as2 message received', { ...log, layers: outcome.unwrapped.layers });
    else ctx.log.warn('as2 message refused', { ...log, disposition: outcome.disposition, reason: outcome.reason, bodyKept: kept });
    const options = await answerOptions(ctx, settings);
    if (request.receipt.signed && !options.signingKey) ctx.log.warn('as2 mdn sent unsigned: no active AS2 signing key (start the server once, or "lotbridge as2 identity")', log);
    return await answerStoredMessage(ctx, input.id, partner.organisationId, options).finally(wakeEdifactWorker);
  } finally {
    if (!kept) await ctx.files.delete(input.raw.storageKey).catch(() => undefined);
  }
}
