/**
 * An async MDN (RFC 4130 §7.3) a partner POSTs to our /as2 for one of our outbound messages:
 * recognised by its content (a multipart/report, possibly inside multipart/signed, and no MDN
 * request of its own), matched by Original-Message-ID to our message, judged against the
 * partner's certificates and our MIC, recorded once and answered with HTTP 200.
 *
 * Anyone can POST to /as2, so an MDN whose signature is refused, or that is unsigned when we
 * asked for a signed receipt, is refused (HTTP 403) and changes nothing: otherwise a stranger
 * who saw a Message-ID could mark our message failed. The refusal is audited.
 */
import { bytesToLatin1, MimeHeaders, parseMdn, As2Failure, contentTypeOf, type DigestName, type HeaderList } from '../../as2/index.ts';
import { recordAudit } from '../../audit/record-audit.ts';
import { findPartnerByAs2Id } from '../partners/find-partner.ts';
import { AppError } from '../../errors.ts';
import type { As2Reply } from './answer-stored-message.ts';
import type { StoredBytes } from './as2-files.ts';
import type { FileStorage } from '../../files/file-storage.ts';
import { judgeOutboundMdn } from './judge-outbound-mdn.ts';
import { cachedCertificate } from './parsed-key-cache.ts';
import { unquoteAs2Name } from './read-as2-headers.ts';
import { recordOutboundMdn } from './record-outbound-mdn.ts';
import type { As2GatewayContext } from './receive-as2-message.ts';

/** True when the request is an MDN, not a message: decided from the headers and the body's first bytes. */
export async function isAsyncMdnRequest(files: FileStorage, headers: HeaderList, raw: StoredBytes): Promise<boolean> {
  const h = MimeHeaders.from(headers);
  if (h.get('disposition-notification-to')) return false; // an MDN never asks for an MDN
  const mediaType = contentTypeOf(h).mediaType;
  if (mediaType === 'multipart/report') return true;
  if (mediaType !== 'multipart/signed') return false;
  // A signed MDN: its first part is the multipart/report (within the first few kB).
  const head = await files.get(raw.storageKey, { length: 4096 });
  return /^content-type:[ \t]*multipart\/report/im.test(bytesToLatin1(head));
}

interface OutboundForMdn {
  id: string;
  partner_id: string;
  organisation_id: string;
  message_id: string;
  state: string;
  expected_mic: string | null;
  mic_algorithm: string | null;
  mdn_mode: string | null;
  mdn_signed_requested: number | null;
  mdn_body: ArrayBuffer | null;
}

// Never stored: credentials a partner's HTTP client may send.
const secretHeaders = new Set(['authorization', 'proxy-authorization', 'cookie']);

function refuse(code: 'invalid_input' | 'forbidden' | 'not_found' | 'conflict', message: string): never {
  throw new AppError(code, message);
}

export async function receiveAsyncMdn(ctx: As2GatewayContext, input: { headers: HeaderList; raw: StoredBytes }): Promise<As2Reply> {
  const headers = MimeHeaders.from(input.headers);
  const as2From = unquoteAs2Name(headers.get('as2-from') ?? '');
  if (!as2From) refuse('invalid_input', 'AS2-From is missing: an async MDN names the partner that sends it');
  const now = ctx.clock.now();
  const partner = await findPartnerByAs2Id(ctx.db, as2From, now);
  if (!partner) refuse('forbidden', `AS2-From "${as2From}" is not a partner of this gateway: its MDN is refused`);
  const body = await ctx.files.get(input.raw.storageKey);
  const trusted = partner.certificates.filter((c) => c.usage !== 'encryption').map((c) => cachedCertificate({ id: c.id, pem: c.pem }));
  let originalMessageId: string | undefined;
  try {
    originalMessageId = parseMdn(input.headers, body, { trustedCertificates: [], now }).originalMessageId?.trim().replace(/^<(.*)>$/, '$1');
  } catch (e) {
    if (!(e instanceof As2Failure)) throw e;
    refuse('invalid_input', `the request looks like an MDN but cannot be read: ${e.message}`);
  }
  if (!originalMessageId) refuse('invalid_input', 'the MDN has no Original-Message-ID: it cannot be matched to a message we sent');
  const message = await ctx.db.get<OutboundForMdn>(
    `SELECT m.id, m.partner_id, p.organisation_id, m.message_id, m.state, m.expected_mic, m.mic_algorithm, m.mdn_mode, m.mdn_signed_requested, m.mdn_body
       FROM as2_outbound_messages m JOIN edi_partners p ON p.id = m.partner_id WHERE m.message_id = ?`,
    [originalMessageId],
  );
  const log = { as2From, originalMessageId, requestId: ctx.requestId };
  if (!message) {
    ctx.log.warn('async mdn for an unknown message', log);
    refuse('not_found', `Original-Message-ID <${originalMessageId}> is not a message we sent`);
  }
  if (message.partner_id !== partner.id) refuse('forbidden', `<${originalMessageId}> was not sent to "${as2From}": its MDN must come from the partner we sent it to`);
  if (message.mdn_body !== null) {
    ctx.log.info('async mdn repeated', { ...log, as2OutboundId: message.id });
    return { kind: 'ack', status: 200, text: `the MDN for <${originalMessageId}> was recorded before; nothing changed\r\n` };
  }
  if (message.expected_mic === null || !['sending', 'sent'].includes(message.state)) {
    refuse('conflict', `<${originalMessageId}> is ${message.state}: it is not waiting for an MDN`);
  }

  const verdict = judgeOutboundMdn(
    input.headers,
    body,
    { messageId: message.message_id, expectedMic: message.expected_mic, micAlgorithm: message.mic_algorithm as DigestName, signedRequested: message.mdn_signed_requested === 1 },
    trusted,
    now,
  );
  const unproven = verdict.signature === 'invalid' || (verdict.signature === 'unsigned' && message.mdn_signed_requested === 1);
  if (unproven) {
    await ctx.db.transaction((tx) =>
      recordAudit(tx, ctx.clock, {
        actor: { type: 'partner', id: partner.id, name: partner.as2Id },
        organisationId: partner.organisationId,
        action: 'as2.mdn_refused',
        entityType: 'as2_outbound_message',
        entityId: message.id,
        newValues: { messageId: message.message_id, signature: verdict.signature, sha256: input.raw.sha256 },
        reason: verdict.failure ?? undefined,
        requestId: ctx.requestId,
      }),
    );
    ctx.log.warn('async mdn refused', { ...log, reason: verdict.failure });
    refuse('forbidden', `the MDN for <${originalMessageId}> is refused and not recorded: ${verdict.failure}`);
  }
  const state = await ctx.db.transaction((tx) =>
    recordOutboundMdn(tx, ctx.clock, { id: message.id, messageId: message.message_id, organisationId: message.organisation_id, partnerAs2Id: partner.as2Id }, { headers: input.headers.filter(([n]) => !secretHeaders.has(n.toLowerCase())), body, how: 'async', requestId: ctx.requestId }, verdict),
  );
  if (state === undefined) return { kind: 'ack', status: 200, text: `the MDN for <${originalMessageId}> was recorded before; nothing changed\r\n` };
  ctx.log.info(state === 'delivered' ? 'as2 message delivered' : 'as2 message failed', { ...log, as2OutboundId: message.id, reason: verdict.failure });
  return { kind: 'ack', status: 200, text: `MDN for <${originalMessageId}> recorded: ${state === 'delivered' ? 'delivered' : `failed: ${verdict.failure}`}\r\n` };
}
