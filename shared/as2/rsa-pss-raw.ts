// RSASSA-PSS on workerd (`workerd` of `#runtime/rsa-pss`): workerd's node:crypto signs PKCS#1
// v1.5 whatever PSS padding is asked for, so the EMSA-PSS encoding (RFC 8017 §9.1) is done here
// and only the raw RSA operation (no padding, which workerd does) is left to node:crypto.
// rsa-pss.test.ts checks it against Node's own PSS, both ways.
import { constants, createHash, privateDecrypt, publicEncrypt, randomBytes } from 'node:crypto';
import type { DigestName } from './cms-common.ts';
import { privateKeyInput, publicKeyInput } from './keys.ts';
import type { RsaPss } from './rsa-pss.ts';

const hash = (name: DigestName, ...parts: Uint8Array[]): Buffer => {
  const h = createHash(name);
  for (const p of parts) h.update(p);
  return h.digest();
};

/** MGF1 (RFC 8017 B.2.1). */
function mgf1(name: DigestName, seed: Uint8Array, length: number): Buffer {
  const out: Buffer[] = [];
  const counter = Buffer.alloc(4);
  for (let i = 0, have = 0; have < length; i++, have += out[out.length - 1]!.length) {
    counter.writeUInt32BE(i);
    out.push(hash(name, seed, counter));
  }
  return Buffer.concat(out).subarray(0, length);
}

function modulusBits(key: { asymmetricKeyDetails?: { modulusLength?: number } }): number {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (!bits) throw new Error('the RSA key does not tell its modulus length');
  return bits;
}

export const signPss: RsaPss['signPss'] = (name, data, key, saltLength) => {
  const modBits = modulusBits(key.keyObject);
  const k = Math.ceil(modBits / 8);
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const mHash = hash(name, data);
  const hLen = mHash.length;
  if (emLen < hLen + saltLength + 2) throw new Error(`a ${modBits}-bit RSA key is too short for PSS with ${name} and ${saltLength} bytes of salt`);
  const salt = randomBytes(saltLength);
  const h = hash(name, Buffer.alloc(8), mHash, salt);
  const db = Buffer.concat([Buffer.alloc(emLen - saltLength - hLen - 2), Buffer.from([0x01]), salt]);
  const mask = mgf1(name, h, emLen - hLen - 1);
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!;
  db[0]! &= 0xff >> (8 * emLen - emBits);
  const em = Buffer.concat([Buffer.alloc(k - emLen), db, h, Buffer.from([0xbc])]);
  return new Uint8Array(privateDecrypt({ ...privateKeyInput(key), padding: constants.RSA_NO_PADDING }, em));
};

export const verifyPss: RsaPss['verifyPss'] = (name, data, cert, signature, saltLength) => {
  const modBits = modulusBits(cert.publicKey);
  const k = Math.ceil(modBits / 8);
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  if (signature.length > k || signature.length === 0) return false;
  // A signer that drops leading zero bytes sends fewer than k: the same number, as OpenSSL (Node) reads it.
  const s = signature.length === k ? signature : Buffer.concat([Buffer.alloc(k - signature.length), signature]);
  let m: Buffer;
  try {
    m = publicEncrypt({ ...publicKeyInput(cert), padding: constants.RSA_NO_PADDING }, s);
  } catch {
    return false; // the signature is not below the modulus
  }
  if (m.subarray(0, k - emLen).some((b) => b !== 0)) return false;
  const em = m.subarray(k - emLen);
  const mHash = hash(name, data);
  const hLen = mHash.length;
  if (emLen < hLen + saltLength + 2 || em[emLen - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLen - hLen - 1);
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  const topBits = 0xff >> (8 * emLen - emBits);
  if ((maskedDb[0]! & ~topBits) !== 0) return false;
  const mask = mgf1(name, h, maskedDb.length);
  const db = Buffer.from(maskedDb.map((b, i) => b ^ mask[i]!));
  db[0]! &= topBits;
  const padEnd = emLen - hLen - saltLength - 2;
  if (db.subarray(0, padEnd).some((b) => b !== 0) || db[padEnd] !== 0x01) return false;
  const salt = db.subarray(db.length - saltLength);
  return hash(name, Buffer.alloc(8), mHash, salt).equals(h);
};
