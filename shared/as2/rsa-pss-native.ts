// RSASSA-PSS on Node (`default` of `#runtime/rsa-pss`): node:crypto's PSS padding.
import { constants, sign, verify } from 'node:crypto';
import { privateKeyInput, publicKeyInput } from './keys.ts';
import type { RsaPss } from './rsa-pss.ts';

export const signPss: RsaPss['signPss'] = (hash, data, key, saltLength) =>
  new Uint8Array(sign(hash, data, { ...privateKeyInput(key), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }));

export const verifyPss: RsaPss['verifyPss'] = (hash, data, cert, signature, saltLength) =>
  verify(hash, data, { ...publicKeyInput(cert), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, signature);
