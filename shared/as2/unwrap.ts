/**
 * Unwraps an inbound AS2 message (RFC 4130): peels encryption, signatures and compression in
 * whatever legal order the sender nested them, down to the payload, and computes the MIC the
 * MDN must return. Failures come back typed with the MDN disposition they map to.
 */
import { decompressData, defaultInflateLimits, type InflateLimits } from './cms-compressed.ts';
import { decryptEnvelopedData, type KeyTransport } from './cms-enveloped.ts';
import { verifySignedData, type SignatureScheme, type VerifiedSignature } from './cms-signed.ts';
import { cmsBytes, verifyMultipartSigned } from './multipart-signed.ts';
import { As2Failure, type As2Disposition } from './failure.ts';
import type { As2Certificate, As2KeyPair } from './keys.ts';
import { computeMic, parseDispositionNotificationOptions, type Mic } from './mic.ts';
import { canonicalizeEntity, contentTypeOf, decodedBody, filenameOf, MimeHeaders, parseMimeEntity, type HeaderInput, type MimeEntity } from './mime.ts';

export interface UnwrapOptions {
  /** Our key pairs that partners may have encrypted to (several during a rollover). */
  decryptionKeys: As2KeyPair[];
  /** The partner's certificates (and CAs) a signature must come from. */
  trustedCertificates: As2Certificate[];
  now: Date;
  /** Most layers accepted before the message is refused as malformed. Default 8. */
  maxDepth?: number;
  /** Most CompressedData layers (the partner profile's; RFC 5402 uses one). Default 1. */
  maxCompressionLayers?: number;
  /**
   * How far compressed layers may inflate: `maxOutputBytes` is the total over all of them
   * (AS2_MAX_MB), the ratio applies to each. Defaults: defaultInflateLimits.
   */
  inflateLimits?: InflateLimits;
}

export interface UnwrapSuccess {
  ok: true;
  payload: Uint8Array;
  payloadHeaders: MimeHeaders;
  contentType: string;
  filename?: string;
  /** Layers in the order they were removed, e.g. ['encrypted:aes-128-cbc', 'signed:sha256', 'compressed']. */
  layers: string[];
  signed: boolean;
  encrypted: boolean;
  compressed: boolean;
  signer?: As2Certificate;
  signatureScheme?: SignatureScheme;
  keyTransport?: KeyTransport;
  /** The MIC to return in the MDN (RFC 4130 §7.3.1). */
  mic: Mic;
  /** Whether Disposition-Notification-Options asked for a signed receipt. */
  signedReceiptRequested: boolean;
}

export interface UnwrapFailure {
  ok: false;
  disposition: As2Disposition;
  reason: string;
  /** The layers removed before the failure. */
  layers: string[];
}

export type UnwrapResult = UnwrapSuccess | UnwrapFailure;

export const PKCS7_MIME = new Set(['application/pkcs7-mime', 'application/x-pkcs7-mime']);
export const ENVELOPE_NAMES = new Set(['smime.p7m', 'smime.p7s', 'smime.p7z']);

export function unwrapAs2(headers: HeaderInput, body: Uint8Array, options: UnwrapOptions): UnwrapResult {
  const layers: string[] = [];
  const httpHeaders = MimeHeaders.from(headers);
  try {
    return peel({ headers: httpHeaders, rawBody: body }, httpHeaders, body, layers, options);
  } catch (error) {
    if (error instanceof As2Failure) return { ok: false, disposition: error.disposition, reason: error.message, layers };
    return { ok: false, disposition: 'unexpected-processing-error', reason: `malformed message: ${(error as Error).message}`, layers };
  }
}

function peel(top: MimeEntity, httpHeaders: MimeHeaders, body: Uint8Array, layers: string[], options: UnwrapOptions): UnwrapSuccess {
  const maxDepth = options.maxDepth ?? 8;
  const maxCompressionLayers = options.maxCompressionLayers ?? 1;
  const inflateLimits = options.inflateLimits ?? defaultInflateLimits;
  // What compressed layers may still inflate to, all together.
  let inflateBudget = inflateLimits.maxOutputBytes;
  let entity = top;
  // The outermost signature decides the MIC and names the signer (RFC 4130 §7.3.1, RFC 5402 §3).
  let outerSignature: VerifiedSignature | undefined;
  let decryptedContent: Uint8Array | undefined;
  let keyTransport: KeyTransport | undefined;
  const filenames: string[] = [];
  const signatureLayer = (verified: VerifiedSignature): MimeEntity => {
    layers.push(`signed:${verified.digestAlgorithm}`);
    outerSignature ??= verified;
    return parseMimeEntity(verified.content);
  };

  for (let depth = 0; ; depth++) {
    const name = filenameOf(entity.headers);
    if (name) filenames.push(name);
    const { mediaType, params } = contentTypeOf(entity.headers);
    const isSigned = mediaType === 'multipart/signed';
    const isCms = PKCS7_MIME.has(mediaType);
    if (!isSigned && !isCms) break;
    if (depth >= maxDepth) throw new As2Failure('unexpected-processing-error', `the message nests more than ${maxDepth} security layers (${layers.join(', ')}, …)`);

    if (isSigned) {
      entity = signatureLayer(verifyMultipartSigned(entity, options.trustedCertificates, options.now));
      continue;
    }

    const der = cmsBytes(entity, mediaType);
    const smimeType = (params['smime-type'] ?? sniffSmimeType(der)).toLowerCase();
    if (smimeType === 'enveloped-data' || smimeType === 'authenveloped-data') {
      const decrypted = decryptEnvelopedData(der, options.decryptionKeys);
      layers.push(`encrypted:${decrypted.cipher}`);
      keyTransport ??= decrypted.keyTransport;
      decryptedContent ??= decrypted.content;
      entity = parseMimeEntity(decrypted.content);
    } else if (smimeType === 'compressed-data') {
      const compressedLayers = layers.filter((l) => l === 'compressed').length;
      if (compressedLayers >= maxCompressionLayers) {
        throw new As2Failure(
          'decompression-failed',
          maxCompressionLayers === 0
            ? 'the message is compressed, and the partner profile accepts no compressed layer'
            : `the message nests more than ${maxCompressionLayers} compressed layer(s) (${[...layers, 'compressed'].join(', ')}, …); the partner profile accepts ${maxCompressionLayers}`,
        );
      }
      const inflated = decompressData(der, { ...inflateLimits, maxOutputBytes: inflateBudget });
      inflateBudget -= inflated.length;
      layers.push('compressed');
      entity = parseMimeEntity(inflated);
    } else if (smimeType === 'signed-data') {
      entity = signatureLayer(verifySignedData(der, { trustedCertificates: options.trustedCertificates, now: options.now }));
    } else {
      throw new As2Failure('unexpected-processing-error', `smime-type ${smimeType} is not supported (enveloped-data, signed-data, compressed-data are)`);
    }
  }

  const request = parseDispositionNotificationOptions(httpHeaders.get('disposition-notification-options'));
  const signature = outerSignature as VerifiedSignature | undefined; // TS cannot see the closure's assignment
  const micAlgorithm = request.micAlgorithms[0] ?? signature?.digestAlgorithm ?? 'sha256';
  // RFC 4130 §7.3.1: signed → over the signed entity (headers included); encrypted only →
  // over the decrypted entity, canonicalised; neither → over the content without headers.
  const micContent = signature?.content ?? (decryptedContent ? canonicalizeEntity(decryptedContent) : body);
  const payloadName = filenameOf(entity.headers) ?? filenames.find((n) => !ENVELOPE_NAMES.has(n.toLowerCase()));
  return {
    ok: true,
    payload: decodedBody(entity),
    payloadHeaders: entity.headers,
    contentType: contentTypeOf(entity.headers).mediaType,
    filename: payloadName,
    layers,
    signed: layers.some((l) => l.startsWith('signed:')),
    encrypted: layers.some((l) => l.startsWith('encrypted:')),
    compressed: layers.includes('compressed'),
    signer: signature?.signer,
    signatureScheme: signature?.scheme,
    keyTransport,
    mic: computeMic(micContent, micAlgorithm),
    signedReceiptRequested: request.signed,
  };
}

/** Without an smime-type parameter, read the ContentInfo's content type OID. */
function sniffSmimeType(der: Uint8Array): string {
  const hex = Buffer.from(der.subarray(0, 32)).toString('hex');
  if (hex.includes('06092a864886f70d010703')) return 'enveloped-data';
  if (hex.includes('06092a864886f70d010702')) return 'signed-data';
  if (hex.includes('060b2a864886f70d0109100109')) return 'compressed-data';
  if (hex.includes('060b2a864886f70d0109100117')) return 'authenveloped-data';
  return 'unknown';
}
