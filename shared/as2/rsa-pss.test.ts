// RSASSA-PSS: the encoding over the raw RSA operation (what workerd runs) against node:crypto's
// own PSS (what Node runs), both ways, for each hash, salt lengths and a modulus whose bit length
// is not a multiple of 8 (the encoded message is then a byte shorter than the modulus).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpensslDir } from '../../tests/support/openssl.ts';
import type { DigestName } from './cms-common.ts';
import { loadKeyPair, type As2KeyPair } from './keys.ts';
import * as native from './rsa-pss-native.ts';
import * as raw from './rsa-pss-raw.ts';
import * as chosen from '#runtime/rsa-pss';

const ssl = new OpensslDir('rsa-pss-');
const pairs = new Map<number, As2KeyPair>();

beforeAll(() => {
  for (const bits of [2048, 2049]) {
    ssl.ok(['req', '-x509', '-newkey', `rsa:${bits}`, '-nodes', '-keyout', `${bits}.key`, '-out', `${bits}.pem`, '-subj', `/CN=pss-${bits}`, '-days', '2']);
    pairs.set(bits, loadKeyPair(ssl.read(`${bits}.key`), ssl.read(`${bits}.pem`)));
  }
});

afterAll(() => ssl.remove());

const data = new TextEncoder().encode('UNB+UNOC:3+LOTBRIDGE+PARTNER\r\n');
const other = new TextEncoder().encode('UNB+UNOC:3+LOTBRIDGE+PARTNEr\r\n');
const sides = { native, raw };
const cases: [DigestName, number][] = [
  ['sha1', 20],
  ['sha256', 32],
  ['sha256', 20],
  ['sha384', 48],
  ['sha512', 64],
  ['sha256', 0],
];

describe('RSASSA-PSS, native and over raw RSA', () => {
  for (const bits of [2048, 2049]) {
    for (const [hash, salt] of cases) {
      it(`${bits}-bit key, ${hash}, ${salt}-byte salt: each side verifies the other's signature; altered data or another salt length fails`, () => {
        const pair = pairs.get(bits)!;
        for (const [signer, signs] of Object.entries(sides)) {
          const signature = signs.signPss(hash, data, pair.key, salt);
          for (const [verifier, verifies] of Object.entries(sides)) {
            const label = `${signer} signs, ${verifier} verifies`;
            expect(verifies.verifyPss(hash, data, pair.certificate, signature, salt), label).toBe(true);
            expect(verifies.verifyPss(hash, other, pair.certificate, signature, salt), label).toBe(false);
            expect(verifies.verifyPss(hash, data, pair.certificate, signature, salt + 1), label).toBe(false);
          }
        }
      });
    }
  }

  it('refuses a PKCS#1 v1.5 signature, a signature from another key and garbage', async () => {
    const { sign, constants } = await import('node:crypto');
    const { key, certificate } = pairs.get(2048)!;
    const pkcs1 = sign('sha256', data, { key: Buffer.from(key.pkcs8), format: 'der', type: 'pkcs8', padding: constants.RSA_PKCS1_PADDING });
    const otherKey = native.signPss('sha256', data, pairs.get(2049)!.key, 32);
    for (const side of Object.values(sides)) {
      expect(side.verifyPss('sha256', data, certificate, pkcs1, 32)).toBe(false);
      expect(side.verifyPss('sha256', data, certificate, otherKey, 32)).toBe(false);
      expect(side.verifyPss('sha256', data, certificate, otherKey.subarray(0, 256), 32)).toBe(false);
      expect(side.verifyPss('sha256', data, certificate, new Uint8Array(256).fill(0xff), 32)).toBe(false);
    }
  });

  it('gives the same answer on both sides for a signature whose leading zero byte the signer dropped', () => {
    // One signature in 256 starts with a zero byte; a signer that writes the value without it
    // (its minimal octets) sends k - 1 bytes. OpenSSL (Node) reads it as the same number and
    // accepts it; the side Workers run must not refuse a partner's message that Node accepts.
    const { key, certificate } = pairs.get(2048)!;
    let found: { message: Uint8Array; signature: Uint8Array } | undefined;
    for (let i = 0; !found && i < 20_000; i++) {
      const message = new TextEncoder().encode(`UNB+UNOC:3+LOTBRIDGE+PARTNER+${i}\r\n`);
      const signature = native.signPss('sha256', message, key, 32);
      if (signature[0] === 0) found = { message, signature: signature.subarray(1) };
    }
    expect(found, 'a signature with a leading zero byte').toBeDefined();
    for (const [name, side] of Object.entries(sides)) {
      expect(side.verifyPss('sha256', found!.message, certificate, found!.signature, 32), name).toBe(true);
      expect(side.verifyPss('sha256', other, certificate, found!.signature, 32), name).toBe(false);
    }
  });

  it('takes node:crypto PSS on Node (`default` of #runtime/rsa-pss)', () => {
    expect(chosen.signPss).toBe(native.signPss);
    expect(chosen.verifyPss).toBe(native.verifyPss);
  });
});
