/**
 * The CPU work of an AS2 receive, over plain data that can cross to a worker thread: unwrapping
 * a message (CMS parse, decryption, signature verification, MIC) and building its MDN (with its
 * signature). Keys and certificates arrive as their stored rows (id and PEM) and are parsed once
 * per thread (parsed-key-cache.ts). `#runtime/as2-crypto` runs this on a pool of worker threads
 * on Node (as2-crypto-pool.ts) and inline on workerd (as2-crypto-inline.ts).
 */
import { buildMdn, streamedUnwrapBytes, unwrapAs2, type BuildMdnInput, type BuiltMdn, type DigestName, type HeaderList, type Mic, type UnwrapFailure } from '../../as2/index.ts';
import type { InflateLimits } from '../../as2/cms-compressed.ts';
import type { StoredKeyPair } from '../identity/load-as2-keys.ts';
import { cachedCertificate, cachedKeyPair } from './parsed-key-cache.ts';

export interface UnwrapRequest {
  headers: HeaderList;
  body: Uint8Array;
  decryptionKeys: StoredKeyPair[];
  trustedCertificates: { id: string; pem: string }[];
  now: Date;
  maxCompressionLayers?: number;
  inflateLimits?: InflateLimits;
}

/** What the receive keeps of an unwrapped message (unwrap.ts's UnwrapSuccess, as plain data). */
export interface UnwrappedMessage {
  ok: true;
  payload: Uint8Array;
  contentType: string;
  filename?: string;
  layers: string[];
  signed: boolean;
  encrypted: boolean;
  /** The verified signer's certificate subject. */
  signer: string | null;
  mic: Mic;
}

export type UnwrapOutcome = UnwrappedMessage | UnwrapFailure;

/** buildMdn's input with the signing key pair as its stored row. */
export type MdnRequest = Omit<BuildMdnInput, 'sign'> & { sign?: { keyPair: StoredKeyPair; digest: DigestName } };

export interface As2Crypto {
  unwrap(request: UnwrapRequest): Promise<UnwrapOutcome>;
  buildMdn(request: MdnRequest): Promise<BuiltMdn>;
}

export function unwrapStored(request: UnwrapRequest): UnwrapOutcome {
  const result = unwrapAs2(request.headers, request.body, {
    decryptionKeys: request.decryptionKeys.map(cachedKeyPair),
    trustedCertificates: request.trustedCertificates.map(cachedCertificate),
    now: request.now,
    maxCompressionLayers: request.maxCompressionLayers,
    inflateLimits: request.inflateLimits,
  });
  if (!result.ok) return result;
  const { payload, contentType, filename, layers, signed, encrypted, signer, mic } = result;
  return { ok: true, payload, contentType, filename, layers, signed, encrypted, signer: signer ? signer.subject : null, mic };
}

export function buildMdnStored(request: MdnRequest): BuiltMdn {
  const { sign, ...rest } = request;
  return buildMdn({ ...rest, sign: sign && { keyPair: cachedKeyPair(sign.keyPair), digest: sign.digest } });
}

/**
 * A body (or payload) this large, of a large message the stream left to the in-memory unwrap, is
 * moved to a worker thread and back, not copied: a copy per crossing doubled the memory such a
 * message takes. The sender must not use it after. Small ones are copied (they may share a pooled buffer).
 */
export function movable(bytes: Uint8Array): ArrayBuffer[] {
  return bytes.byteLength >= streamedUnwrapBytes && bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : [];
}

