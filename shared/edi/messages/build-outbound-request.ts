/**
 * Wraps one queued outbound message per its partner's profile (RFC 4130 §6, RFC 5402):
 * optionally compressed, signed with our newest active key, encrypted to the partner's newest
 * current encryption certificate, with the MDN request the profile asks for. Built once; the
 * sender stores the result so that every retry sends the same Message-ID, body and MIC.
 */
import { wrapAs2, type CipherName, type DigestName, type HeaderList, type KeyTransport, type SignatureScheme } from '../../as2/index.ts';
import type { Db } from '../../db/index.ts';
import type { FoundPartner } from '../partners/find-partner.ts';
import { loadAs2Keys } from '../identity/load-as2-keys.ts';
import type { PartnerOptions } from '../partners/partner-profile.ts';
import { cachedCertificate, cachedKeyPair } from './parsed-key-cache.ts';

export interface OutboundSettings {
  /** AS2_ID: our AS2-From. */
  ourAs2Id: string;
  /** Our own POST /as2 URL, where partners send async MDNs (Receipt-Delivery-Option). */
  receiptUrl: string | undefined;
}

export interface QueuedMessage {
  message_id: string;
  subject: string;
  filename: string;
  content_type: string;
  payload: ArrayBuffer | Uint8Array;
  /** Set when whoever queued the message chose where the async MDN goes. */
  receipt_url?: string | null;
}

export interface BuiltRequest {
  url: string;
  as2From: string;
  as2To: string;
  headers: HeaderList;
  body: Uint8Array;
  layers: string[];
  expectedMic: string;
  micAlgorithm: DigestName;
  mdnMode: PartnerOptions['mdn'];
  mdnSignedRequested: boolean;
}

/** A profile or key problem: the message cannot be built until an administrator fixes it. */
export class OutboundBuildError extends Error {}

const digests: Record<PartnerOptions['signingAlgorithm'], DigestName> = { 'sha-1': 'sha1', 'sha-256': 'sha256', 'sha-384': 'sha384', 'sha-512': 'sha512' };
const schemes: Record<PartnerOptions['signaturePadding'], SignatureScheme> = { 'pkcs1-v1.5': 'rsassa-pkcs1-v1_5', pss: 'rsassa-pss' };
const transports: Record<PartnerOptions['keyTransport'], KeyTransport> = { 'rsa-pkcs1-v1.5': 'rsaes-pkcs1-v1_5', 'rsa-oaep': 'rsaes-oaep' };

/** The partner's newest current certificate that may encrypt and is valid now. */
function encryptionCertificate(partner: FoundPartner) {
  const candidates = partner.certificates.filter((c) => c.removedAt === null && c.usage !== 'signing');
  const usable = candidates.find((c) => c.validity.warning !== 'expired' && c.validity.warning !== 'not_yet_valid');
  if (usable) return usable;
  if (candidates.length === 0) {
    throw new OutboundBuildError(`partner "${partner.as2Id}" has no current certificate for encryption: add one with usage "encryption" or "both" (admin pages or "lotbridge partner add --cert")`);
  }
  const states = candidates.map((c) => `"${c.subject}" (serial ${c.serialNumber}) ${c.validity.warning === 'expired' ? `expired ${c.validity.notAfter}` : `valid from ${c.validity.notBefore}`}`);
  throw new OutboundBuildError(`partner "${partner.as2Id}" has no certificate valid now to encrypt to: ${states.join('; ')}`);
}

export async function buildOutboundRequest(db: Pick<Db, 'all' | 'keys'>, now: Date, message: QueuedMessage, partner: FoundPartner, settings: OutboundSettings): Promise<BuiltRequest> {
  if (partner.state !== 'active') throw new OutboundBuildError(`partner "${partner.as2Id}" is ${partner.state}: nothing is sent to it until it is enabled again`);
  if (!partner.as2Url) throw new OutboundBuildError(`partner "${partner.as2Id}" has no AS2 URL: set where its AS2 server listens (as2_url) in its profile`);
  const { signing } = await loadAs2Keys(db, now);
  if (!signing) throw new OutboundBuildError('we have no active AS2 signing key: start the server once or run "lotbridge as2 identity"');
  const receiptUrl = message.receipt_url ?? settings.receiptUrl;
  if (partner.mdn === 'async' && !receiptUrl) {
    throw new OutboundBuildError(`partner "${partner.as2Id}" sends async MDNs, but our own /as2 URL is unknown: set PUBLIC_URL so the partner can reach us`);
  }
  const certificate = encryptionCertificate(partner);
  const digest = digests[partner.signingAlgorithm];
  const wrapped = wrapAs2({
    as2From: settings.ourAs2Id,
    as2To: partner.as2Id,
    payload: new Uint8Array(message.payload as ArrayBuffer),
    contentType: message.content_type,
    filename: message.filename,
    messageId: `<${message.message_id}>`,
    subject: message.subject,
    compress: partner.compress,
    sign: { keyPair: cachedKeyPair(signing), digest, scheme: schemes[partner.signaturePadding] },
    encrypt: {
      certificates: [cachedCertificate({ id: certificate.id, pem: certificate.pem })],
      cipher: partner.encryptionAlgorithm as CipherName,
      keyTransport: transports[partner.keyTransport],
    },
    mdn:
      partner.mdn === 'none'
        ? undefined
        : { to: settings.ourAs2Id, signed: partner.mdnSigned, micAlgorithm: digest, asyncUrl: partner.mdn === 'async' ? receiptUrl : undefined },
    date: now,
  });
  return {
    url: partner.as2Url,
    as2From: settings.ourAs2Id,
    as2To: partner.as2Id,
    headers: wrapped.headers,
    body: wrapped.body,
    layers: wrapped.layers,
    expectedMic: wrapped.expectedMic.value,
    micAlgorithm: wrapped.expectedMic.algorithm,
    mdnMode: partner.mdn,
    mdnSignedRequested: partner.mdn !== 'none' && partner.mdnSigned,
  };
}
