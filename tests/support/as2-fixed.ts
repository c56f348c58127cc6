/**
 * An AS2 message with the same bytes on every run, for cases first seen on OpenSSL's messages
 * (whose keys, IVs and RSA paddings change each run, so a seeded mutation lands elsewhere each
 * time): a multipart/signed EDIFACT entity signed with the libas2 test key at a fixed time,
 * enveloped (AES-128-CBC) to the same key with a fixed content key, IV and RSA padding.
 */
import { constants, createCipheriv, publicEncrypt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { cipherOid, contentInfoDer, oid, toArrayBuffer } from '../../shared/as2/cms-common.ts';
import { signData } from '../../shared/as2/cms-signed.ts';
import { loadKeyPair, publicKeyInput, type As2KeyPair } from '../../shared/as2/keys.ts';
import { buildMultipartBody, bytesToBase64, concatBytes, latin1ToBytes, serializeEntity } from '../../shared/as2/mime.ts';
import { localFixture } from './fixtures.ts';
import { prng } from './prng.ts';

/** The libas2 community test key pair (tests/fixtures/as2, MIT): signer and recipient. */
export function libas2KeyPair(): As2KeyPair {
  return loadKeyPair(readFileSync(localFixture('as2', 'libas2_libas2community.key')), readFileSync(localFixture('as2', 'libas2_libas2community.cer')));
}

/** Within the libas2 certificate's validity (2020-05-02 to 2030-05-03). */
export const fixedNow = new Date('2026-06-01T00:00:00Z');

export interface FixedMessage {
  headers: Record<string, string>;
  body: Buffer;
  /** Where the RSA-encrypted content key starts in `body` (256 bytes). */
  encryptedKeyAt: number;
  /** The content key it carries. */
  cek: Buffer;
  /** The entity that was signed (its exact bytes: the MIC is over them). */
  signedEntity: Buffer;
}

/** Seeded bytes, none zero (RSA PKCS#1 v1.5 padding). */
function nonZero(length: number, seed: number): Buffer {
  const random = prng(seed);
  return Buffer.from(Array.from({ length }, () => 1 + Math.floor(random() * 255)));
}

export function fixedSignedAndEncrypted(pair = libas2KeyPair()): FixedMessage {
  const payload = Buffer.concat([Buffer.from("UNA:+.? 'UNB+UNOC:3+PARTNER:ZZZ+LOTBRIDGE:ZZZ+261125:2318+1'\r\n"), nonZero(2_000, 3)]);
  const signedEntity = Buffer.from(serializeEntity([['Content-Type', 'application/edifact'], ['Content-Disposition', 'attachment; filename="fixed.edi"']], payload));
  const signature = signData(signedEntity, pair, { signingTime: new Date('2026-05-01T12:00:00Z') });
  const signaturePart = serializeEntity([['Content-Type', 'application/pkcs7-signature; name=smime.p7s'], ['Content-Transfer-Encoding', 'base64']], latin1ToBytes(`${bytesToBase64(signature)}\r\n`));
  const boundary = '----=_lotbridge_fixed';
  const entity = concatBytes(
    latin1ToBytes(`Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="${boundary}"\r\n\r\n`),
    buildMultipartBody([signedEntity, signaturePart], boundary),
  );

  const cek = nonZero(16, 5);
  const iv = nonZero(16, 6);
  const encryptor = createCipheriv('aes-128-cbc', cek, iv);
  const encrypted = Buffer.concat([encryptor.update(entity), encryptor.final()]);
  // RSAES-PKCS1-v1_5 by hand (00 02, padding, 00, key) so that it comes out the same each run.
  const block = Buffer.concat([Buffer.from([0x00, 0x02]), nonZero(256 - 3 - cek.length, 4), Buffer.from([0x00]), cek]);
  const encryptedKey = publicEncrypt({ ...publicKeyInput(pair.certificate), padding: constants.RSA_NO_PADDING }, block);

  const recipient = new pkijs.RecipientInfo({
    variant: 1,
    value: new pkijs.KeyTransRecipientInfo({
      version: 0,
      rid: new pkijs.IssuerAndSerialNumber({ issuer: pair.certificate.pkijs.issuer, serialNumber: pair.certificate.pkijs.serialNumber }),
      keyEncryptionAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: oid.rsaEncryption, algorithmParams: new asn1js.Null() }),
      encryptedKey: new asn1js.OctetString({ valueHex: toArrayBuffer(encryptedKey) }),
    }),
  });
  const enveloped = new pkijs.EnvelopedData({
    version: 0,
    recipientInfos: [recipient],
    encryptedContentInfo: new pkijs.EncryptedContentInfo({
      contentType: oid.data,
      contentEncryptionAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: cipherOid('aes-128-cbc').oid, algorithmParams: new asn1js.OctetString({ valueHex: toArrayBuffer(iv) }) }),
      encryptedContent: new asn1js.OctetString({ valueHex: toArrayBuffer(encrypted) }),
      disableSplit: true,
    }),
  });
  const body = Buffer.from(contentInfoDer(oid.envelopedData, enveloped.toSchema()));
  return {
    headers: { 'content-type': 'application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m', 'disposition-notification-options': 'signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256' },
    body,
    encryptedKeyAt: body.indexOf(encryptedKey),
    cek,
    signedEntity,
  };
}

/** `body` with bit `bit` of byte `at` flipped. */
export function flipBit(body: Buffer, at: number, bit: number): Buffer {
  const out = Buffer.from(body);
  out[at] = out[at]! ^ (1 << bit);
  return out;
}
