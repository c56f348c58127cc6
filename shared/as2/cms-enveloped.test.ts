/**
 * The content key of an enveloped message (RSAES-PKCS1-v1_5): a bad padding gets a substitute key,
 * derived from our private key and the encrypted key, so that the same bytes always get the same
 * answer (cms-enveloped.ts rsaPkcs1Decrypt). Messages from tests/support/as2-fixed.ts: the same
 * bytes every run.
 */
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import { fixedSignedAndEncrypted, flipBit, libas2KeyPair } from '../../tests/support/as2-fixed.ts';
import { parseContentInfo } from './cms-common.ts';
import { decryptEnvelopedData, openContentKey } from './cms-enveloped.ts';
import type { As2KeyPair } from './keys.ts';

function contentKey(der: Uint8Array, keys: As2KeyPair[]): Buffer {
  const enveloped = new pkijs.EnvelopedData({ schema: parseContentInfo(der, 'enveloped-data').content });
  return Buffer.from(openContentKey(enveloped.recipientInfos, enveloped.encryptedContentInfo.contentEncryptionAlgorithm, keys).cek);
}

describe('a damaged RSA-encrypted content key (implicit rejection)', () => {
  const pair = libas2KeyPair();
  const m = fixedSignedAndEncrypted(pair);

  it('the intact key is read', () => {
    expect(contentKey(m.body, [pair])).toEqual(m.cek);
  });

  it('a bad padding gets the same substitute key on every reading, another for each damage, never the real key', () => {
    // A fresh random substitute each time (as before) let the streamed and the in-memory unwrap
    // of one message decipher it differently: one by chance with a valid CBC padding, the other not.
    const substitutes = [100, 101, 200].map((at) => {
      const damaged = flipBit(m.body, m.encryptedKeyAt + at, 3);
      const first = contentKey(damaged, [pair]);
      expect(first).toHaveLength(16);
      expect(first).not.toEqual(m.cek);
      for (let i = 0; i < 3; i++) expect(contentKey(damaged, [pair])).toEqual(first);
      return first.toString('hex');
    });
    expect(new Set(substitutes).size).toBe(3);
  });

  it('what a substitute key deciphers by chance (CBC padding valid, 1 in 256) is the same each time', () => {
    // Bit 5 of the encrypted key's byte 31 is one such damage for this fixed message.
    const damaged = flipBit(m.body, m.encryptedKeyAt + 31, 5);
    const first = decryptEnvelopedData(damaged, [pair]);
    expect(Buffer.from(first.content).includes(m.signedEntity.subarray(0, 40))).toBe(false);
    for (let i = 0; i < 3; i++) expect(Buffer.from(decryptEnvelopedData(damaged, [pair]).content)).toEqual(Buffer.from(first.content));
  });
});
