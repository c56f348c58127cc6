/**
 * The Message Integrity Check an MDN returns (RFC 4130 §7.3.1) and the algorithm names AS2
 * peers write for it (`sha1`, `sha-256`, `SHA256`, `md5` …).
 */
import { createHash } from 'node:crypto';
import type { DigestName } from './cms-common.ts';
import { parseHeaderValue } from './mime.ts';

export interface Mic {
  /** base64 of the digest */
  value: string;
  algorithm: DigestName;
}

/** Normalises a micalg name; undefined when unknown. */
export function micAlgorithmFromName(name: string): DigestName | undefined {
  const n = name.trim().toLowerCase().replace(/^rsa-/, '').replace(/-/g, '');
  return (['sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'md5'] as const).find((d) => d === n);
}

/** The name written in `micalg=` and `Received-Content-MIC` (RFC 5751 spelling, `sha1` as RFC 4130 has it). */
export function micAlgorithmLabel(algorithm: DigestName): string {
  return algorithm === 'sha1' || algorithm === 'md5' ? algorithm : `sha-${algorithm.slice(3)}`;
}

export function computeMic(content: Uint8Array, algorithm: DigestName): Mic {
  return { value: createHash(algorithm).update(content).digest('base64'), algorithm };
}

export interface ReceiptRequest {
  /** `signed-receipt-protocol` asks for pkcs7-signature. */
  signed: boolean;
  /** `signed-receipt-micalg` values we support, in the sender's order of preference. */
  micAlgorithms: DigestName[];
  /** The algorithms asked for, as written, including those we do not support. */
  requestedMicAlgorithms: string[];
}

/** Reads `Disposition-Notification-Options: signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256, sha1`. */
export function parseDispositionNotificationOptions(header: string | undefined): ReceiptRequest {
  if (!header) return { signed: false, micAlgorithms: [], requestedMicAlgorithms: [] };
  const params = parseHeaderValue(`x; ${header}`).params;
  const listOf = (name: string): string[] => (params[name] ?? '').split(',').map((s) => s.trim()).filter(Boolean).slice(1); // first item is the importance
  const protocols = listOf('signed-receipt-protocol').map((p) => p.toLowerCase());
  const requestedMicAlgorithms = listOf('signed-receipt-micalg');
  return {
    signed: protocols.includes('pkcs7-signature'),
    micAlgorithms: requestedMicAlgorithms.map(micAlgorithmFromName).filter((a): a is DigestName => a !== undefined),
    requestedMicAlgorithms,
  };
}
