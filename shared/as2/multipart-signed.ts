/** multipart/signed (RFC 1847, RFC 5751 §3.4.3) over CMS detached signatures: read and build. */
import type { DigestName } from './cms-common.ts';
import { signData, verifySignedData, type SignatureScheme, type VerifiedSignature } from './cms-signed.ts';
import { As2Failure } from './failure.ts';
import type { As2Certificate, As2KeyPair } from './keys.ts';
import { micAlgorithmLabel } from './mic.ts';
import {
  base64ToBytes,
  buildMultipartBody,
  bytesToBase64,
  bytesToLatin1,
  canonicalizeHeaders,
  canonicalizeLineEndings,
  contentTypeOf,
  decodedBody,
  formatParam,
  latin1ToBytes,
  newBoundary,
  parseMimeEntity,
  serializeEntity,
  splitMultipart,
  type MimeEntity,
} from './mime.ts';

const PKCS7_SIGNATURE = new Set(['application/pkcs7-signature', 'application/x-pkcs7-signature']);

export interface SignedParts {
  /** The exact bytes of the first part (the signed entity). */
  content: Uint8Array;
  signatureDer: Uint8Array;
}

export function splitMultipartSigned(entity: MimeEntity): SignedParts {
  const { params } = contentTypeOf(entity.headers);
  if (!params.boundary) throw new As2Failure('unexpected-processing-error', 'multipart/signed without a boundary parameter');
  const { parts } = splitMultipart(entity.rawBody, params.boundary);
  if (parts.length !== 2) throw new As2Failure('unexpected-processing-error', `multipart/signed must have 2 parts (content, signature), found ${parts.length}`);
  const signaturePart = parseMimeEntity(parts[1]!);
  const signatureType = contentTypeOf(signaturePart.headers).mediaType;
  if (!PKCS7_SIGNATURE.has(signatureType)) throw new As2Failure('unexpected-processing-error', `the second part of multipart/signed is ${signatureType}, not application/pkcs7-signature`);
  return { content: parts[0]!, signatureDer: cmsBytes(signaturePart, 'the signature part') };
}

/**
 * Verifies a multipart/signed entity. The exact bytes are tried first; a capture that lost its
 * CRs still verifies in canonical form (headers only, as binary bodies are signed, then all).
 */
export function verifyMultipartSigned(entity: MimeEntity, trustedCertificates: As2Certificate[], now: Date): VerifiedSignature {
  const { content, signatureDer } = splitMultipartSigned(entity);
  const alternatives = [content, canonicalizeHeaders(content), canonicalizeLineEndings(content)].filter((c, i, all) => all.indexOf(c) === i);
  return verifySignedData(signatureDer, { trustedCertificates, now, detachedContent: alternatives });
}

/** The DER of a CMS body: base64 when declared (or when it plainly is base64 text), else the raw bytes. */
export function cmsBytes(entity: MimeEntity, what: string): Uint8Array {
  const bytes = decodedBody(entity);
  if (bytes[0] === 0x30) return bytes;
  const text = bytesToLatin1(bytes.subarray(0, Math.min(bytes.length, 256))).trim();
  if (/^[A-Za-z0-9+/=\r\n]+$/.test(text)) {
    const decoded = base64ToBytes(bytesToLatin1(bytes));
    if (decoded[0] === 0x30) return decoded;
  }
  throw new As2Failure('unexpected-processing-error', `${what}: the body is neither DER nor base64 of DER (first byte 0x${(bytes[0] ?? 0).toString(16)})`);
}

export interface SignedEntity {
  /** The Content-Type header value of the multipart/signed entity. */
  contentType: string;
  body: Uint8Array;
}

/** Signs a serialised MIME entity (CRLF canonical) into a multipart/signed body. */
export function buildMultipartSigned(contentEntity: Uint8Array, signer: As2KeyPair, digest: DigestName = 'sha256', scheme: SignatureScheme = 'rsassa-pkcs1-v1_5'): SignedEntity {
  const signature = signData(contentEntity, signer, { digest, scheme, detached: true });
  const signaturePart = serializeEntity(
    [
      ['Content-Type', 'application/pkcs7-signature; name=smime.p7s; smime-type=signed-data'],
      ['Content-Transfer-Encoding', 'base64'],
      ['Content-Disposition', 'attachment; filename="smime.p7s"'],
    ],
    latin1ToBytes(`${bytesToBase64(signature)}\r\n`),
  );
  const boundary = newBoundary('signed');
  return {
    contentType: `multipart/signed; protocol="application/pkcs7-signature"; micalg=${micAlgorithmLabel(digest)}; ${formatParam('boundary', boundary)}`,
    body: buildMultipartBody([contentEntity, signaturePart], boundary),
  };
}
