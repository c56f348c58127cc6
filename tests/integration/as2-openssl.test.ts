/**
 * OpenSSL as the independent AS2 peer, at library level: OpenSSL signs, encrypts (several
 * ciphers, PKCS#1 v1.5 and OAEP, AES-GCM AuthEnvelopedData) and we unwrap; we wrap and
 * OpenSSL decrypts and verifies; OpenSSL verifies our signed MDN and refuses a tampered one.
 * This machine's OpenSSL is built without zlib (`openssl list -disabled` lists ZLIB), so it
 * cannot compress: our CompressedData is checked with `openssl asn1parse` and Python's zlib,
 * and inbound compression with real mendelson/Sterling messages in as2-fixtures.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildMdn,
  compressData,
  loadCertificates,
  loadKeyPair,
  parseMdn,
  parseMimeEntity,
  decodedBody,
  signData,
  splitMultipartSigned,
  unwrapAs2,
  wrapAs2,
  type As2Certificate,
  type As2KeyPair,
  type CipherName,
  type UnwrapResult,
} from '../../shared/as2/index.ts';
import { loadPkcs12 } from '../../shared/as2/pkcs12-openssl.ts';
import { makeTestPki, OpensslDir } from '../support/openssl.ts';

const payload = Buffer.from("UNA:+.? '\r\nUNB+UNOC:3+SUPPLIER:14+LOTBRIDGE:14+261125:2318+42'\r\nUNH+1+DESADV:D:96A:UN:EAN005'\r\nUNT+2+1'\r\nUNZ+1+42'\r\n", 'latin1');
// "Lieferschein-Ä.edi" as an RFC 2047 encoded-word, as some partners send non-ASCII names.
const entity = Buffer.concat([
  Buffer.from('Content-Type: application/edifact\r\nContent-Transfer-Encoding: binary\r\nContent-Disposition: attachment; filename="=?utf-8?B?TGllZmVyc2NoZWluLcOELmVkaQ==?="\r\n\r\n', 'latin1'),
  payload,
]);

let ssl: OpensslDir;
let us: As2KeyPair;
let partner: As2KeyPair;
let partnerCert: As2Certificate[];
let ca: As2Certificate[];
// Taken after the test PKI exists: its certificates are valid from the second they were made.
let now: Date;
let receive: { decryptionKeys: As2KeyPair[]; trustedCertificates: As2Certificate[]; now: Date };

beforeAll(() => {
  ssl = new OpensslDir();
  makeTestPki(ssl);
  us = loadKeyPair(ssl.read('us.key'), ssl.read('us.pem'));
  partner = loadKeyPair(ssl.read('partner.key'), ssl.read('partner.pem'));
  partnerCert = [partner.certificate];
  ca = loadCertificates(ssl.read('ca.pem'));
  ssl.write('entity.eml', entity);
  now = new Date(Math.ceil(Date.now() / 1000) * 1000 + 1000);
  receive = { decryptionKeys: [], trustedCertificates: [], now };
});

afterAll(() => ssl?.remove());

/** An OpenSSL S/MIME output file: its headers become the HTTP headers, the rest the body. */
function smime(file: string) {
  const parsed = parseMimeEntity(ssl.read(file));
  return { headers: parsed.headers, body: parsed.rawBody };
}

function der(file: string, smimeType: string) {
  return { headers: [['Content-Type', `application/pkcs7-mime; smime-type=${smimeType}; name=smime.p7m`]] as [string, string][], body: ssl.read(file) };
}

function success(result: UnwrapResult) {
  if (!result.ok) throw new Error(`expected success, got ${result.disposition}: ${result.reason}`);
  return result;
}

function failure(result: UnwrapResult) {
  if (result.ok) throw new Error(`expected a refusal, got ${result.layers.join(', ')}`);
  return result;
}

/** The MIC computed by OpenSSL over a file, in the form an MDN carries it. */
function opensslMic(file: string, digest: string): string {
  return ssl.ok(['dgst', `-${digest}`, '-binary', file]).toString('base64');
}


describe('OpenSSL → unwrapAs2', () => {
  for (const [digest, pss] of [['sha1', false], ['sha256', false], ['sha512', false], ['sha256', true], ['sha384', true]] as const) {
    it(`detached signature ${digest}${pss ? ' RSASSA-PSS' : ''}: verified, payload and filename read, MIC equals openssl dgst`, () => {
      ssl.ok(['cms', '-sign', '-in', 'entity.eml', '-binary', '-signer', 'partner.pem', '-inkey', 'partner.key', '-md', digest, ...(pss ? ['-keyopt', 'rsa_padding_mode:pss'] : []), '-out', 'signed.eml']);
      const { headers, body } = smime('signed.eml');
      const result = success(unwrapAs2(headers, body, { ...receive, trustedCertificates: partnerCert }));
      expect(result.layers).toEqual([`signed:${digest}`]);
      expect(result.signatureScheme).toBe(pss ? 'rsassa-pss' : 'rsassa-pkcs1-v1_5');
      expect(Buffer.from(result.payload).equals(payload)).toBe(true);
      expect(result.filename).toBe('Lieferschein-Ä.edi');
      expect(result.mic).toEqual({ value: opensslMic('entity.eml', digest), algorithm: digest });
    });
  }

  it('signer and recipient named by subject key identifier (-keyid) are found', () => {
    ssl.ok(['cms', '-sign', '-keyid', '-in', 'entity.eml', '-binary', '-signer', 'partner.pem', '-inkey', 'partner.key', '-out', 'keyid-signed.eml']);
    ssl.ok(['cms', '-encrypt', '-keyid', '-binary', '-in', 'keyid-signed.eml', '-aes128', '-recip', 'us.pem', '-outform', 'DER', '-out', 'keyid.der']);
    const { headers, body } = der('keyid.der', 'enveloped-data');
    const result = success(unwrapAs2(headers, body, { ...receive, decryptionKeys: [us], trustedCertificates: partnerCert }));
    expect(result.layers).toEqual(['encrypted:aes-128-cbc', 'signed:sha256']);
  });

  it('opaque signed-data (-nodetach): verified; a certificate issued by a trusted CA is accepted', () => {
    ssl.ok(['cms', '-sign', '-nodetach', '-binary', '-in', 'entity.eml', '-signer', 'partner.pem', '-inkey', 'partner.key', '-outform', 'DER', '-out', 'opaque.der']);
    const { headers, body } = der('opaque.der', 'signed-data');
    const result = success(unwrapAs2(headers, body, { ...receive, trustedCertificates: ca }));
    expect(result.layers).toEqual(['signed:sha256']);
    expect(Buffer.from(result.payload).equals(payload)).toBe(true);
  });

  const ciphers: [string, CipherName][] = [
    ['-aes128', 'aes-128-cbc'],
    ['-aes192', 'aes-192-cbc'],
    ['-aes256', 'aes-256-cbc'],
    ['-des3', 'des-ede3-cbc'],
    ['-aes-128-gcm', 'aes-128-gcm'],
    ['-aes-256-gcm', 'aes-256-gcm'],
  ];
  for (const [flag, cipher] of ciphers) {
    for (const oaep of [false, true]) {
      it(`enveloped ${cipher} with ${oaep ? 'RSAES-OAEP (sha256)' : 'RSA PKCS#1 v1.5'}: decrypted`, () => {
        const keyopts = oaep ? ['-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256'] : [];
        ssl.ok(['cms', '-encrypt', '-binary', '-in', 'entity.eml', flag, '-recip', 'us.pem', ...keyopts, '-outform', 'DER', '-out', 'enc.der']);
        const { headers, body } = der('enc.der', 'enveloped-data');
        const result = success(unwrapAs2(headers, body, { ...receive, decryptionKeys: [partner, us] }));
        expect(result.layers).toEqual([`encrypted:${cipher}`]);
        expect(result.keyTransport).toBe(oaep ? 'rsaes-oaep' : 'rsaes-pkcs1-v1_5');
        expect(Buffer.from(result.payload).equals(payload)).toBe(true);
        // Encrypted, unsigned: the MIC is over the decrypted entity (RFC 4130 §7.3.1).
        expect(result.mic.value).toBe(opensslMic('entity.eml', 'sha256'));
      });
    }
  }

  it('RSAES-OAEP with OpenSSL defaults (SHA-1) is decrypted', () => {
    ssl.ok(['cms', '-encrypt', '-binary', '-in', 'entity.eml', '-aes128', '-recip', 'us.pem', '-keyopt', 'rsa_padding_mode:oaep', '-outform', 'DER', '-out', 'oaep1.der']);
    const result = success(unwrapAs2(der('oaep1.der', 'enveloped-data').headers, ssl.read('oaep1.der'), { ...receive, decryptionKeys: [us] }));
    expect(result.keyTransport).toBe('rsaes-oaep');
  });

  it('signed then encrypted (the usual AS2 order): both layers removed, MIC over the signed entity', () => {
    ssl.ok(['cms', '-sign', '-in', 'entity.eml', '-binary', '-signer', 'partner.pem', '-inkey', 'partner.key', '-out', 'se-signed.eml']);
    ssl.ok(['cms', '-encrypt', '-binary', '-in', 'se-signed.eml', '-aes256', '-recip', 'us.pem', '-outform', 'DER', '-out', 'se.der']);
    const { headers, body } = der('se.der', 'enveloped-data');
    const result = success(unwrapAs2([...headers, ['Disposition-Notification-Options', 'signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-512, sha-256']], body, { ...receive, decryptionKeys: [us], trustedCertificates: partnerCert }));
    expect(result.layers).toEqual(['encrypted:aes-256-cbc', 'signed:sha256']);
    expect(result.mic).toEqual({ value: opensslMic('entity.eml', 'sha512'), algorithm: 'sha512' });
    expect(result.signedReceiptRequested).toBe(true);
  });

  it('encrypted then signed (signed(enveloped)), S/MIME base64 inner layer: both removed', () => {
    ssl.ok(['cms', '-encrypt', '-binary', '-in', 'entity.eml', '-aes128', '-recip', 'us.pem', '-out', 'es-enc.eml']);
    ssl.ok(['cms', '-sign', '-in', 'es-enc.eml', '-signer', 'partner.pem', '-inkey', 'partner.key', '-out', 'es.eml']);
    const { headers, body } = smime('es.eml');
    const result = success(unwrapAs2(headers, body, { ...receive, decryptionKeys: [us], trustedCertificates: partnerCert }));
    expect(result.layers).toEqual(['signed:sha256', 'encrypted:aes-128-cbc']);
    expect(Buffer.from(result.payload).equals(payload)).toBe(true);
  });

  it('encrypted(signed(compressed)) with our CompressedData inside OpenSSL layers', () => {
    const compressed = Buffer.concat([Buffer.from('Content-Type: application/pkcs7-mime; smime-type=compressed-data; name=smime.p7z\r\nContent-Transfer-Encoding: binary\r\n\r\n', 'latin1'), compressData(entity)]);
    ssl.write('c.eml', compressed);
    ssl.ok(['cms', '-sign', '-in', 'c.eml', '-binary', '-signer', 'partner.pem', '-inkey', 'partner.key', '-md', 'sha384', '-out', 'c-signed.eml']);
    ssl.ok(['cms', '-encrypt', '-binary', '-in', 'c-signed.eml', '-aes-256-gcm', '-recip', 'us.pem', '-outform', 'DER', '-out', 'csc.der']);
    const result = success(unwrapAs2(der('csc.der', 'enveloped-data').headers, ssl.read('csc.der'), { ...receive, decryptionKeys: [us], trustedCertificates: partnerCert }));
    expect(result.layers).toEqual(['encrypted:aes-256-gcm', 'signed:sha384', 'compressed']);
    expect(Buffer.from(result.payload).equals(payload)).toBe(true);
    expect(result.mic).toEqual({ value: opensslMic('c.eml', 'sha384'), algorithm: 'sha384' });
  });

  describe('refusals', () => {
    beforeAll(() => {
      ssl.ok(['cms', '-sign', '-in', 'entity.eml', '-binary', '-signer', 'partner.pem', '-inkey', 'partner.key', '-out', 'r-signed.eml']);
      ssl.ok(['cms', '-encrypt', '-binary', '-in', 'entity.eml', '-aes128', '-recip', 'partner.pem', '-outform', 'DER', '-out', 'r-enc.der']);
      ssl.ok(['cms', '-encrypt', '-binary', '-in', 'entity.eml', '-aes-128-gcm', '-recip', 'partner.pem', '-outform', 'DER', '-out', 'r-gcm.der']);
    });

    it('content altered after signing → integrity-check-failed', () => {
      const tampered = Buffer.from(ssl.read('r-signed.eml').toString('latin1').replace('DESADV', 'DESADX'), 'latin1');
      const { headers, rawBody } = parseMimeEntity(tampered);
      const result = failure(unwrapAs2(headers, rawBody, { ...receive, trustedCertificates: partnerCert }));
      expect(result.disposition).toBe('integrity-check-failed');
      expect(result.reason).toMatch(/sha256 digest .* differs from the signed digest/);
    });

    it('signer not among the partner certificates → authentication-failed naming the signer', () => {
      const { headers, body } = smime('r-signed.eml');
      const result = failure(unwrapAs2(headers, body, { ...receive, trustedCertificates: [us.certificate] }));
      expect(result.disposition).toBe('authentication-failed');
      expect(result.reason).toContain('CN=partner');
    });

    it('signer certificate expired or not yet valid at `now` → authentication-failed with that reason', () => {
      const { headers, body } = smime('r-signed.eml');
      const later = failure(unwrapAs2(headers, body, { ...receive, trustedCertificates: partnerCert, now: new Date(Date.now() + 60 * 86_400_000) }));
      expect(later.disposition).toBe('authentication-failed');
      expect(later.reason).toContain('certificate expired on');
      const earlier = failure(unwrapAs2(headers, body, { ...receive, trustedCertificates: partnerCert, now: new Date(Date.now() - 2 * 86_400_000) }));
      expect(earlier.reason).toContain('certificate not valid before');
    });

    it('encrypted for another certificate → decryption-failed naming it; altered ciphertext → decryption-failed', () => {
      const { headers, body } = der('r-enc.der', 'enveloped-data');
      const notOurs = failure(unwrapAs2(headers, body, { ...receive, decryptionKeys: [us] }));
      expect(notOurs.disposition).toBe('decryption-failed');
      expect(notOurs.reason).toContain(`serial ${partner.certificate.serialHex}`);
      expect(notOurs.reason).toContain('CN=us');
      // GCM: an altered ciphertext always fails its tag. (CBC has no integrity: a flipped byte
      // fails the padding check only most of the time; the signature layer catches the rest.)
      const altered = Buffer.from(ssl.read('r-gcm.der'));
      altered[altered.length - 30]! ^= 0xff;
      const bad = failure(unwrapAs2(headers, altered, { ...receive, decryptionKeys: [partner] }));
      expect(bad.disposition).toBe('decryption-failed');
      expect(bad.reason).toContain('aes-128-gcm decryption of the content failed');
    });

    it('not CMS at all → unexpected-processing-error', () => {
      const result = failure(unwrapAs2([['Content-Type', 'application/pkcs7-mime; smime-type=enveloped-data']], Buffer.from('hello'), { ...receive, decryptionKeys: [us] }));
      expect(result.disposition).toBe('unexpected-processing-error');
    });
  });

  it('keys in other formats made by OpenSSL: PKCS#1 PEM and PKCS#12 decrypt the same message', () => {
    ssl.ok(['cms', '-encrypt', '-binary', '-in', 'entity.eml', '-aes128', '-recip', 'us.pem', '-outform', 'DER', '-out', 'k.der']);
    const { headers, body } = der('k.der', 'enveloped-data');
    expect(ssl.read('us.rsa.key').toString('latin1')).toContain('BEGIN RSA PRIVATE KEY');
    success(unwrapAs2(headers, body, { ...receive, decryptionKeys: [loadKeyPair(ssl.read('us.rsa.key'), ssl.read('us.pem'))] }));
    success(unwrapAs2(headers, body, { ...receive, decryptionKeys: [loadPkcs12(ssl.read('us.p12'), 'secret')] }));
  });
});

describe('wrapAs2 → OpenSSL', () => {
  const variants: { cipher?: CipherName; keyTransport?: 'rsaes-oaep'; digest?: 'sha1' | 'sha512' }[] = [
    {},
    { cipher: 'aes-128-cbc', digest: 'sha1' },
    { cipher: 'des-ede3-cbc' },
    { cipher: 'aes-256-gcm', keyTransport: 'rsaes-oaep', digest: 'sha512' },
    { cipher: 'aes-192-cbc', keyTransport: 'rsaes-oaep' },
  ];
  for (const v of variants) {
    it(`signed (${v.digest ?? 'sha256'}) + encrypted (${v.cipher ?? 'aes-256-cbc'}, ${v.keyTransport ?? 'rsaes-pkcs1-v1_5'}): openssl cms -decrypt then -verify -CAfile yields the payload`, () => {
      const wrapped = wrapAs2({
        as2From: 'LOTBRIDGE',
        as2To: 'PARTNER',
        payload,
        filename: 'desadv.edi',
        sign: { keyPair: us, digest: v.digest },
        encrypt: { certificates: [partner.certificate], cipher: v.cipher, keyTransport: v.keyTransport },
        mdn: { to: 'edi@lotbridge.example', signed: true },
      });
      expect(wrapped.headers).toContainEqual(['Content-Type', 'application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m']);
      expect(wrapped.headers).toContainEqual(['Disposition-Notification-Options', `signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, ${v.digest === 'sha1' ? 'sha1' : `sha-${(v.digest ?? 'sha256').slice(3)}`}`]);
      ssl.write('out.der', wrapped.body);
      ssl.ok(['cms', '-decrypt', '-inform', 'DER', '-in', 'out.der', '-recip', 'partner.pem', '-inkey', 'partner.key', '-out', 'out-dec.eml']);
      ssl.ok(['cms', '-verify', '-in', 'out-dec.eml', '-CAfile', 'ca.pem', '-out', 'out-content.eml']);
      const content = parseMimeEntity(ssl.read('out-content.eml'));
      expect(Buffer.from(decodedBody(content)).equals(payload)).toBe(true);
      expect(content.headers.get('content-disposition')).toBe('attachment; filename=desadv.edi');
      // The MIC we expect back is the digest of the entity OpenSSL verified.
      expect(wrapped.expectedMic.value).toBe(opensslMic('out-content.eml', v.digest ?? 'sha256'));
    });
  }

  it('RSASSA-PSS signature (sha512) verifies with openssl cms -verify; a tampered copy does not', () => {
    const wrapped = wrapAs2({ as2From: 'LOTBRIDGE', as2To: 'PARTNER', payload, sign: { keyPair: us, digest: 'sha512', scheme: 'rsassa-pss' } });
    const contentType = wrapped.headers.find(([n]) => n === 'Content-Type')![1];
    const file = Buffer.concat([Buffer.from(`Content-Type: ${contentType}\r\n\r\n`, 'latin1'), wrapped.body]);
    ssl.write('pss.eml', file);
    ssl.ok(['cms', '-verify', '-in', 'pss.eml', '-CAfile', 'ca.pem', '-out', 'pss-content.eml']);
    ssl.write('pss-bad.eml', Buffer.from(file.toString('latin1').replace('DESADV', 'DESADX'), 'latin1'));
    expect(ssl.run(['cms', '-verify', '-in', 'pss-bad.eml', '-CAfile', 'ca.pem', '-out', 'pss-bad-content.eml']).status).not.toBe(0);
  });

  it('compressed + signed: OpenSSL verifies; the CompressedData is zlib (checked with openssl asn1parse and Python zlib)', () => {
    const wrapped = wrapAs2({ as2From: 'LOTBRIDGE', as2To: 'PARTNER', payload, filename: 'desadv.edi', compress: true, sign: { keyPair: us } });
    expect(wrapped.layers).toEqual(['compressed', 'signed:sha256']);
    const contentType = wrapped.headers.find(([n]) => n === 'Content-Type')![1];
    ssl.write('cs.eml', Buffer.concat([Buffer.from(`Content-Type: ${contentType}\r\n\r\n`, 'latin1'), wrapped.body]));
    ssl.ok(['cms', '-verify', '-in', 'cs.eml', '-CAfile', 'ca.pem', '-out', 'cs-content.eml']);
    const compressedEntity = parseMimeEntity(ssl.read('cs-content.eml'));
    expect(compressedEntity.headers.get('content-type')).toContain('smime-type=compressed-data');
    ssl.write('cs.der', decodedBody(compressedEntity));
    const listing = ssl.ok(['asn1parse', '-inform', 'DER', '-in', 'cs.der']).toString('latin1');
    expect(listing).toContain('id-smime-ct-compressedData');
    expect(listing).toContain('zlib compression');
    // The last OCTET STRING holds the zlib stream: slice it out by the offsets asn1parse printed.
    const octet = [...listing.matchAll(/^\s*(\d+):d=\d+\s+hl=(\d+)\s+l=\s*(\d+)\s+prim:\s+OCTET STRING/gm)].pop()!;
    const start = Number(octet[1]) + Number(octet[2]);
    const zlibStream = ssl.read('cs.der').subarray(start, start + Number(octet[3]));
    const inflated = spawnSync('python3', ['-c', 'import sys,zlib; sys.stdout.buffer.write(zlib.decompress(sys.stdin.buffer.read()))'], { input: zlibStream });
    expect(inflated.status).toBe(0);
    const inner = parseMimeEntity(inflated.stdout);
    expect(Buffer.from(decodedBody(inner)).equals(payload)).toBe(true);
  });
});

describe('signed MDN → OpenSSL', () => {
  function mdnFile(name: string, mdn: { headers: [string, string][]; body: Uint8Array }): Buffer {
    const contentType = mdn.headers.find(([n]) => n === 'Content-Type')![1];
    const file = Buffer.concat([Buffer.from(`MIME-Version: 1.0\r\nContent-Type: ${contentType}\r\n\r\n`, 'latin1'), mdn.body]);
    ssl.write(name, file);
    return file;
  }

  it('a message from OpenSSL gets our signed MDN; openssl cms -verify and smime -verify accept it, a tampered copy fails; we read it back', () => {
    ssl.ok(['cms', '-sign', '-in', 'entity.eml', '-binary', '-signer', 'partner.pem', '-inkey', 'partner.key', '-out', 'm-signed.eml']);
    const { headers, body } = smime('m-signed.eml');
    const received = success(unwrapAs2(headers, body, { ...receive, trustedCertificates: partnerCert }));
    const mdn = buildMdn({
      as2From: 'LOTBRIDGE',
      as2To: 'PARTNER',
      messageId: '<mdn-1@lotbridge>',
      originalMessageId: '<msg-1@partner>',
      finalRecipient: 'LOTBRIDGE',
      originalRecipient: 'LOTBRIDGE',
      reportingUa: 'Lotbridge AS2',
      outcome: { status: 'processed' },
      mic: received.mic,
      sign: { keyPair: us },
    });
    const file = mdnFile('mdn.eml', mdn);
    ssl.ok(['cms', '-verify', '-in', 'mdn.eml', '-CAfile', 'ca.pem', '-out', 'mdn-content.eml']);
    ssl.ok(['smime', '-verify', '-in', 'mdn.eml', '-CAfile', 'ca.pem', '-out', 'mdn-content2.eml']);
    ssl.write('mdn-bad.eml', Buffer.from(file.toString('latin1').replace('MDN-sent-automatically; processed', 'MDN-sent-automatically; processeD'), 'latin1'));
    expect(ssl.run(['cms', '-verify', '-in', 'mdn-bad.eml', '-CAfile', 'ca.pem', '-out', 'mdn-bad-content.eml']).status).not.toBe(0);

    const parsed = parseMdn(mdn.headers, mdn.body, { trustedCertificates: [us.certificate], now });
    expect(parsed.signature.status).toBe('verified');
    expect(parsed.originalMessageId).toBe('<msg-1@partner>');
    expect(parsed.positive).toBe(true);
    expect(parsed.receivedContentMic).toBe(opensslMic('entity.eml', 'sha256'));
    expect(parsed.micAlgorithm).toBe('sha256');
    expect(parsed.fields.get('received-content-mic')).toBe(`${opensslMic('entity.eml', 'sha256')}, sha-256`);
  });

  it('an error MDN names the disposition; unsigned MDNs parse; a tampered signed MDN is refused by parseMdn too', () => {
    const mdn = buildMdn({
      as2From: 'LOTBRIDGE',
      as2To: 'PARTNER',
      messageId: '<mdn-2@lotbridge>',
      originalMessageId: 'msg-2@partner',
      finalRecipient: 'LOTBRIDGE',
      reportingUa: 'Lotbridge AS2',
      outcome: { status: 'error', error: 'decryption-failed' },
      sign: { keyPair: us, digest: 'sha1' },
    });
    const file = mdnFile('mdn-err.eml', mdn);
    ssl.ok(['cms', '-verify', '-in', 'mdn-err.eml', '-CAfile', 'ca.pem', '-out', 'mdn-err-content.eml']);
    const parsed = parseMdn(mdn.headers, mdn.body, { trustedCertificates: [us.certificate], now });
    expect(parsed.disposition).toBe('automatic-action/MDN-sent-automatically; processed/error: decryption-failed');
    expect(parsed.modifiers.error).toBe('decryption-failed');
    expect(parsed.positive).toBe(false);

    const tampered = Buffer.from(file.toString('latin1').replace('decryption-failed', 'decryption-failex'), 'latin1');
    const { headers, rawBody } = parseMimeEntity(tampered);
    const refused = parseMdn(headers, rawBody, { trustedCertificates: [us.certificate], now });
    expect(refused.signature).toMatchObject({ status: 'refused', disposition: 'integrity-check-failed' });

    const unsigned = buildMdn({ as2From: 'A', as2To: 'B', messageId: 'x@y', originalMessageId: 'o@p', finalRecipient: 'A', reportingUa: 'UA', outcome: { status: 'processed', warning: 'duplicate-document' } });
    const read = parseMdn(unsigned.headers, unsigned.body, { trustedCertificates: [], now });
    expect(read.signature.status).toBe('unsigned');
    expect(read.modifiers.warning).toBe('duplicate-document');
    expect(read.positive).toBe(true);
  });
});

/**
 * pyas2lib (and other DER readers) refuse a CMS whose content sits in a constructed (BER)
 * OCTET STRING. Every CMS blob we send is read by `openssl asn1parse` (no constructed OCTET
 * STRING, no indefinite length) while OpenSSL peels the message as a peer does: -decrypt,
 * -verify, and for CompressedData (this OpenSSL has no zlib, so no -uncompress) -cmsout -print
 * plus Python's zlib on the OCTET STRING asn1parse located.
 */
describe('everything we send is DER: content in primitive OCTET STRINGs', () => {
  // Over 64 KiB even compressed: pkijs would split such content into 64 KiB pieces.
  const lines = randomBytes(96 * 1024).toString('base64').match(/.{1,60}/g)!;
  const big = Buffer.from(`UNB+UNOC:3+LOTBRIDGE:14+PARTNER:14+261204:2359+77'\r\n${lines.map((l) => `FTX+AAI+++${l}'`).join('\r\n')}\r\nUNZ+1+77'\r\n`, 'latin1');
  let blobs = 0;

  /** asn1parse of one CMS blob we produced: DER, every OCTET STRING primitive. Returns the listing. */
  function assertDer(name: string, blob: Uint8Array): string {
    ssl.write(name, blob);
    blobs++;
    const listing = ssl.ok(['asn1parse', '-inform', 'DER', '-in', name]).toString('latin1');
    expect(listing, name).toContain('prim: OCTET STRING');
    expect(listing.split('\n').filter((line) => /cons:\s+OCTET STRING/.test(line)), `${name}: constructed OCTET STRING`).toEqual([]);
    expect(listing, `${name}: indefinite length`).not.toMatch(/l=inf/);
    return listing;
  }

  /** Unwraps what we sent the way a peer does, layer by layer; returns the layers met and the innermost body. */
  function peel(name: string, contentType: string, body: Uint8Array): { layers: string[]; inner: Buffer } {
    let entity: Buffer = Buffer.concat([Buffer.from(`Content-Type: ${contentType}\r\n\r\n`, 'latin1'), body]);
    const layers: string[] = [];
    for (let depth = 0; ; depth++) {
      const step = `${name}-${depth}`;
      const parsed = parseMimeEntity(entity);
      const type = parsed.headers.get('content-type') ?? '';
      if (type.startsWith('multipart/signed')) {
        // OpenSSL's S/MIME reader is line-based and changes bare LFs in binary content, so the
        // signed part goes to it as exact bytes (-content) beside the detached signature.
        const { content, signatureDer } = splitMultipartSigned(parsed);
        assertDer(`${step}.p7s`, signatureDer);
        ssl.write(`${step}.content`, content);
        ssl.ok(['cms', '-verify', '-binary', '-inform', 'DER', '-in', `${step}.p7s`, '-content', `${step}.content`, '-CAfile', 'ca.pem', '-out', `${step}.out`]);
        layers.push('signed');
      } else if (type.includes('smime-type=enveloped-data')) {
        assertDer(`${step}.p7m`, decodedBody(parsed));
        ssl.ok(['cms', '-decrypt', '-binary', '-inform', 'DER', '-in', `${step}.p7m`, '-recip', 'partner.pem', '-inkey', 'partner.key', '-out', `${step}.out`]);
        layers.push('encrypted');
      } else if (type.includes('smime-type=compressed-data')) {
        const listing = assertDer(`${step}.p7z`, decodedBody(parsed));
        expect(ssl.ok(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', `${step}.p7z`]).toString('latin1')).toContain('zlib compression');
        const octets = [...listing.matchAll(/^\s*(\d+):d=\d+\s+hl=(\d+)\s+l=\s*(\d+)\s+prim:\s+OCTET STRING/gm)];
        expect(octets).toHaveLength(1);
        const start = Number(octets[0]![1]) + Number(octets[0]![2]);
        const zlibStream = ssl.read(`${step}.p7z`).subarray(start, start + Number(octets[0]![3]));
        const inflated = spawnSync('python3', ['-c', 'import sys,zlib; sys.stdout.buffer.write(zlib.decompress(sys.stdin.buffer.read()))'], { input: zlibStream, maxBuffer: 64 * 1024 * 1024 });
        expect(inflated.status).toBe(0);
        ssl.write(`${step}.out`, inflated.stdout);
        layers.push('compressed');
      } else {
        return { layers, inner: Buffer.from(decodedBody(parsed)) };
      }
      entity = ssl.read(`${step}.out`);
    }
  }

  const variants: { name: string; compress?: boolean; compressAfterSigning?: boolean; sign?: boolean; cipher?: CipherName; peeled: string[] }[] = [
    { name: 'compressed', compress: true, peeled: ['compressed'] },
    { name: 'signed', sign: true, peeled: ['signed'] },
    { name: 'encrypted', cipher: 'aes-256-cbc', peeled: ['encrypted'] },
    { name: 'encrypted-gcm', cipher: 'aes-128-gcm', peeled: ['encrypted'] },
    { name: 'compressed-signed', compress: true, sign: true, peeled: ['signed', 'compressed'] },
    { name: 'signed-compressed', compress: true, compressAfterSigning: true, sign: true, peeled: ['compressed', 'signed'] },
    { name: 'compressed-encrypted', compress: true, cipher: 'des-ede3-cbc', peeled: ['encrypted', 'compressed'] },
    { name: 'compressed-signed-encrypted', compress: true, sign: true, cipher: 'aes-256-cbc', peeled: ['encrypted', 'signed', 'compressed'] },
    { name: 'signed-compressed-encrypted', compress: true, compressAfterSigning: true, sign: true, cipher: 'aes-256-gcm', peeled: ['encrypted', 'compressed', 'signed'] },
  ];
  for (const v of variants) {
    it(`wrapAs2 ${v.name}: every CMS layer is DER and OpenSSL unwraps it to the payload`, () => {
      const wrapped = wrapAs2({
        as2From: 'LOTBRIDGE',
        as2To: 'PARTNER',
        payload: big,
        filename: 'big.edi',
        compress: v.compress,
        compressAfterSigning: v.compressAfterSigning,
        sign: v.sign ? { keyPair: us } : undefined,
        encrypt: v.cipher ? { certificates: [partner.certificate], cipher: v.cipher } : undefined,
      });
      const { layers, inner } = peel(v.name, wrapped.headers.find(([n]) => n === 'Content-Type')![1], wrapped.body);
      expect(layers).toEqual(v.peeled);
      expect(inner.equals(big)).toBe(true);
    });
  }

  it('our signed MDN: its signature is DER and OpenSSL verifies it', () => {
    const mdn = buildMdn({
      as2From: 'LOTBRIDGE',
      as2To: 'PARTNER',
      messageId: '<mdn-der@lotbridge>',
      originalMessageId: '<msg-der@partner>',
      finalRecipient: 'LOTBRIDGE',
      reportingUa: 'Lotbridge AS2',
      outcome: { status: 'processed' },
      mic: { value: 'AAAA', algorithm: 'sha256' },
      sign: { keyPair: us },
    });
    const { layers, inner } = peel('mdn', mdn.headers.find(([n]) => n === 'Content-Type')![1], mdn.body);
    expect(layers).toEqual(['signed']);
    expect(inner.toString('latin1')).toContain('<msg-der@partner>');
  });

  it('opaque signed-data (signData without detaching): DER, and openssl cms -verify yields the content', () => {
    const der = assertDer('opaque-ours.der', signData(big, us, { detached: false }));
    expect(der).toContain('pkcs7-signedData');
    ssl.ok(['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'opaque-ours.der', '-CAfile', 'ca.pem', '-out', 'opaque-ours.out']);
    expect(ssl.read('opaque-ours.out').equals(big)).toBe(true);
  });

  afterAll(() => {
    // 9 wrapped variants carry 16 CMS layers, the MDN 1, the opaque signature 1.
    expect(blobs).toBe(18);
  });
});
