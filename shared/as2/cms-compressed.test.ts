import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';
import { decompressData } from './cms-compressed.ts';

const content = Buffer.from(randomBytes(150 * 1024).toString('base64'), 'latin1');

/** DER of a definite-length TLV (tag byte, content). */
function tlv(tag: number, body: Uint8Array): Buffer {
  return Buffer.from(new asn1js.Primitive({ idBlock: { tagClass: 1, tagNumber: 0 }, valueHex: body }).toBER(false)).fill(tag, 0, 1);
}

const oidDer = (value: string) => Buffer.from(new asn1js.ObjectIdentifier({ value }).toBER(false));

/**
 * CompressedData as streaming BER writers send it (OpenSSL -stream, BouncyCastle): indefinite
 * lengths and the zlib stream in a constructed OCTET STRING of 32 KiB pieces.
 */
function streamedBer(zlib: Uint8Array): Buffer {
  const pieces: Buffer[] = [];
  for (let at = 0; at < zlib.length; at += 32 * 1024) pieces.push(tlv(0x04, zlib.subarray(at, at + 32 * 1024)));
  const eoc = Buffer.from([0, 0]);
  return Buffer.concat([
    Buffer.from([0x30, 0x80]),
    oidDer('1.2.840.113549.1.9.16.1.9'),
    Buffer.from([0xa0, 0x80, 0x30, 0x80, 0x02, 0x01, 0x00]),
    tlv(0x30, oidDer('1.2.840.113549.1.9.16.3.8')),
    Buffer.from([0x30, 0x80]),
    oidDer('1.2.840.113549.1.7.1'),
    Buffer.from([0xa0, 0x80, 0x24, 0x80]),
    ...pieces,
    eoc, eoc, eoc, eoc, eoc, eoc,
  ]);
}

// What we write (DER, primitive OCTET STRING) is checked with openssl asn1parse in
// tests/integration/as2-openssl.test.ts; reading must still take the BER form peers stream.
describe('CompressedData', () => {
  it('we still read the BER form: indefinite lengths, content in a constructed OCTET STRING', () => {
    const ber = streamedBer(deflateSync(content));
    expect(ber.includes(Buffer.from([0x24, 0x80]))).toBe(true);
    expect(Buffer.from(decompressData(ber)).equals(content)).toBe(true);
  });
});
