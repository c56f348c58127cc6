import type { DigestName } from './cms-common.ts';
import type { As2Certificate, As2PrivateKey } from './keys.ts';

/**
 * RSASSA-PSS (RFC 8017 §8.1) with MGF1 over the same hash, as CMS signatures here use it.
 * `#runtime/rsa-pss` in package.json picks an implementation: node:crypto's PSS padding on Node,
 * the encoding over the raw RSA operation on workerd, whose node:crypto ignores the PSS padding
 * option and signs PKCS#1 v1.5 instead.
 */
export interface RsaPss {
  signPss(hash: DigestName, data: Uint8Array, key: As2PrivateKey, saltLength: number): Uint8Array;
  /** True when `signature` is a PSS signature over `data` with exactly `saltLength` bytes of salt. */
  verifyPss(hash: DigestName, data: Uint8Array, cert: As2Certificate, signature: Uint8Array, saltLength: number): boolean;
}
