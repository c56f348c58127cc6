/**
 * Every AS2 message and MDN in the fixture folders, from other implementations (mendelson,
 * IBM Sterling B2Bi via pyas2-lib, phase2, ph-OpenAS2, libas2), read with shared/as2.
 * Permissive files are copied into tests/fixtures/as2; the copyleft (GPL) ones are read from
 * ../shared/fixtures/as2/copyleft and that block is disabled when the folder is absent (tests/support/fixtures.ts).
 */
import { verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  certificatesInSignedData,
  decodedBody,
  KeyLoadError,
  loadCertificates,
  loadKeyPair,
  loadKeyPairPem,
  loadPrivateKey,
  MimeHeaders,
  parseHeaderText,
  parseMimeEntity,
  parseMdn,
  sameCertificate,
  splitMultipartSigned,
  toCryptoKey,
  unwrapAs2,
  wrapAs2,
  type As2Certificate,
  type As2KeyPair,
} from '../../shared/as2/index.ts';
import { loadPkcs12 } from '../../shared/as2/pkcs12-openssl.ts';
import { readCapture } from '../support/as2-capture.ts';
import { localFixture, needs, sharedFixture } from '../support/fixtures.ts';

const permissiveDir = localFixture('as2');
const copyleftDir = sharedFixture('as2', 'copyleft');

const P = (name: string): Buffer => readFileSync(join(permissiveDir, name));
const C = (name: string): Buffer => readFileSync(join(copyleftDir, name));
const now = new Date();

function manifestFiles(dir: string): string[] {
  return readFileSync(join(dir, 'MANIFEST.txt'), 'latin1')
    .split('\n')
    .filter((l) => l.includes(' | ') && !l.startsWith('#'))
    .map((l) => l.split(' | ')[0]!.trim());
}

function expectFailure(result: ReturnType<typeof unwrapAs2>) {
  if (result.ok) throw new Error(`expected a refusal, got layers ${result.layers.join(', ')}`);
  return result;
}

function expectSuccess(result: ReturnType<typeof unwrapAs2>) {
  if (!result.ok) throw new Error(`expected success, got ${result.disposition}: ${result.reason}`);
  return result;
}

describe('permissive AS2 fixtures (tests/fixtures/as2)', () => {
  const libas2Key: As2KeyPair = loadKeyPair(P('libas2_libas2community.key'), P('libas2_libas2community.cer'));
  const libas2Cert = loadCertificates(P('libas2_libas2community.cer'));
  const as2testing = loadCertificates(P('libas2_as2testing.cer'));
  const edi = P('libas2_sample_edi.edi');

  it('covers every file its MANIFEST lists', () => {
    const covered = new Set([
      'libas2_content.signed.txt', 'libas2_content.encrypted.txt', 'libas2_content.mime.txt', 'libas2_content.txt', 'libas2_sample_edi.edi',
      'libas2_libas2community.cer', 'libas2_libas2community.key', 'libas2_as2testing.cer', 'libas2_mdn.signed.txt',
      'phase2server_issue12-1.txt', 'phase2_mendelson_key3.pfx', 'phase2_mendelson_key4.cer', 'phase2_mendelson_testcontent.attachment',
      'phase2_mdn_20190925-david.header', 'phase2_mdn_20190925-david.payload', 'phase2_mdn_20190925-david.pem',
      'phase2_mdn_4af6f84c-d882-4466-8e0c-305a7fbe37b3.header', 'phase2_mdn_4af6f84c-d882-4466-8e0c-305a7fbe37b3.payload', 'phase2_mdn_4af6f84c-d882-4466-8e0c-305a7fbe37b3.pem',
      'phase2_mdn_issue97.header', 'phase2_mdn_issue97.payload',
    ]);
    expect(manifestFiles(permissiveDir).filter((f) => !covered.has(f))).toEqual([]);
  });

  it('libas2 signed message (sha256, detached): verified with the partner certificate, payload = sample_edi.edi', () => {
    const { headers, body } = readCapture(P('libas2_content.signed.txt'));
    const result = expectSuccess(unwrapAs2(headers, body, { decryptionKeys: [], trustedCertificates: libas2Cert, now }));
    expect(result.layers).toEqual(['signed:sha256']);
    expect(Buffer.from(result.payload).equals(edi)).toBe(true);
    expect(Buffer.from(result.payload).equals(Buffer.from(decodedBody(parseMimeEntity(P('libas2_content.mime.txt')))))).toBe(true);
    expect(result.filename).toBe('message.edi');
    expect(result.signer && sameCertificate(result.signer, libas2Cert[0]!)).toBe(true);
    // The MIC the as2testing server returned for this very message in libas2_mdn.signed.txt.
    expect(result.mic).toEqual({ value: 'bIwxkbRLLtHWlniKxMReISQ/GvEve0LV/hxdl9OD0E8=', algorithm: 'sha256' });
  });

  it('libas2 signed message is refused when the partner has rolled to another certificate only', () => {
    const { headers, body } = readCapture(P('libas2_content.signed.txt'));
    const result = expectFailure(unwrapAs2(headers, body, { decryptionKeys: [], trustedCertificates: as2testing, now }));
    expect(result.disposition).toBe('authentication-failed');
    expect(result.reason).toContain('CN=libas2community');
    // Both the old and the new certificate registered: any may match.
    expectSuccess(unwrapAs2(headers, body, { decryptionKeys: [], trustedCertificates: [...as2testing, ...libas2Cert], now }));
  });

  it('libas2 encrypted message (aes-128-cbc, RSAES-OAEP): decrypted, payload = sample_edi.edi', () => {
    const { headers, body } = readCapture(P('libas2_content.encrypted.txt'));
    const result = expectSuccess(unwrapAs2(headers, body, { decryptionKeys: [libas2Key], trustedCertificates: [], now }));
    expect(result.layers).toEqual(['encrypted:aes-128-cbc']);
    expect(result.keyTransport).toBe('rsaes-oaep');
    expect(Buffer.from(result.payload).equals(edi)).toBe(true);
    expect(result.filename).toBe('message.edi');
  });

  it('libas2 encrypted message without our key: decryption-failed naming the recipient', () => {
    const { headers, body } = readCapture(P('libas2_content.encrypted.txt'));
    const result = expectFailure(unwrapAs2(headers, body, { decryptionKeys: [], trustedCertificates: [], now }));
    expect(result.disposition).toBe('decryption-failed');
    expect(result.reason).toContain('libas2community');
  });

  it('libas2 private key (PKCS#8 PEM) imports into Web Crypto and signs what its certificate verifies', async () => {
    const cryptoKey = await toCryptoKey(libas2Key.key, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, ['sign']);
    const data = new Uint8Array(P('libas2_content.txt'));
    const signature = new Uint8Array(await globalThis.crypto.subtle.sign('RSASSA-PKCS1-v1_5', cryptoKey, data));
    expect(verify('sha256', data, libas2Key.certificate.publicKey, signature)).toBe(true);
  });

  it('libas2_content.txt is the plain text payload the libas2 suite starts from', () => {
    expect(P('libas2_content.txt').toString('latin1')).toBe('This is a test message.');
  });

  it('phase2 issue12 request (OpenAS2, sha1): refused until the sender certificate is registered, then payload read', () => {
    const { headers, body } = readCapture(P('phase2server_issue12-1.txt'));
    expect(headers.get('ediint-features')).toBe('multiple-attachments, AS2-Reliability');
    const refused = expectFailure(unwrapAs2(headers, body, { decryptionKeys: [], trustedCertificates: [], now }));
    expect(refused.disposition).toBe('authentication-failed');
    expect(refused.reason).toContain('CN=OpenAS2B');
    const senderCert = certificatesInSignedData(splitMultipartSigned({ headers, rawBody: body }).signatureDer);
    const result = expectSuccess(unwrapAs2(headers, body, { decryptionKeys: [], trustedCertificates: senderCert, now }));
    expect(result.layers).toEqual(['signed:sha1']);
    expect(result.filename).toBe('test_data_2.edi');
    expect(result.contentType).toBe('application/edi-x12');
    const text = Buffer.from(result.payload).toString('latin1');
    expect(text.startsWith('ISA*00*')).toBe(true);
    expect(text.trimEnd().endsWith('IEA*1*000000001')).toBe(true);
    expect(text).toContain('ST*850*000040001');
    expect(result.mic.algorithm).toBe('sha1'); // signed-receipt-micalg=optional, sha1
    expect(result.signedReceiptRequested).toBe(true);
  });

  it('mendelson key3.pfx (password "test") opens, and a message signed+encrypted with it round-trips; key4.cer loads', () => {
    const key3 = loadPkcs12(P('phase2_mendelson_key3.pfx'), 'test');
    expect(key3.certificate.subject).toContain('CN=mendelson test key 3');
    const key4 = loadCertificates(P('phase2_mendelson_key4.cer'));
    expect(key4[0]!.subject).toContain('CN=mendelson test key 4');
    const content = P('phase2_mendelson_testcontent.attachment');
    const wrapped = wrapAs2({ as2From: 'mendelsontestAS2', as2To: 'mycompanyAS2', payload: content, filename: 'testcontent.attachment', sign: { keyPair: key3 }, encrypt: { certificates: [key3.certificate] }, compress: true });
    const result = expectSuccess(unwrapAs2(wrapped.headers, wrapped.body, { decryptionKeys: [key3], trustedCertificates: [key3.certificate], now }));
    expect(Buffer.from(result.payload).equals(content)).toBe(true);
    expect(result.mic).toEqual(wrapped.expectedMic);
    expect(() => loadPkcs12(P('phase2_mendelson_key3.pfx'), 'wrong')).toThrow(KeyLoadError);
  });

  describe('MDNs', () => {
    const phase2 = (name: string) => ({ headers: parseHeaderText(P(`phase2_mdn_${name}.header`).toString('latin1')), body: P(`phase2_mdn_${name}.payload`) });

    it('libas2 signed MDN from as2testing: verified, MIC and original message read', () => {
      const { headers, body } = readCapture(P('libas2_mdn.signed.txt'));
      const mdn = parseMdn(headers, body, { trustedCertificates: as2testing, now });
      expect(mdn.signature.status).toBe('verified');
      expect(mdn.signer && sameCertificate(mdn.signer, as2testing[0]!)).toBe(true);
      expect(mdn.positive).toBe(true);
      expect(mdn.receivedContentMic).toBe('bIwxkbRLLtHWlniKxMReISQ/GvEve0LV/hxdl9OD0E8=');
      expect(mdn.micAlgorithm).toBe('sha256');
      expect(mdn.originalMessageId).toBe('<51dac186-d7d2-8440-392e-d9153a830125@DESKTOP-BTP8V2E>');
    });

    it('phase2 20190925-david: refused as expired (2021-02-11); inside the validity window the digest does not match (OpenSSL agrees)', () => {
      const { headers, body } = phase2('20190925-david');
      const trusted = loadCertificates(P('phase2_mdn_20190925-david.pem'));
      const today = parseMdn(headers, body, { trustedCertificates: trusted, now });
      expect(today.signature).toMatchObject({ status: 'refused', disposition: 'authentication-failed' });
      expect(today.signature.status === 'refused' && today.signature.reason).toContain('expired on 2021-02-11');
      expect(today.disposition).toBe('automatic-action/MDN-sent-automatically; processed/Error:unexpected-processing-error');
      expect(today.modifiers.error).toBe('unexpected-processing-error');
      expect(today.positive).toBe(false);
      expect(today.receivedContentMic).toBe('rjNsE2kpJPol7lf4jVDSkxbqT40=');
      expect(today.micAlgorithm).toBe('sha1');
      expect(today.originalMessageId).toBe('<54a4867b-77ff-4edd-9fdb-a1e8e5b63860@1569357558959>');
      // The capture's text was altered after signing: `openssl cms -verify` also reports a content verify error.
      const inWindow = parseMdn(headers, body, { trustedCertificates: trusted, now: new Date('2019-09-25T00:00:00Z') });
      expect(inWindow.signature).toMatchObject({ status: 'refused', disposition: 'integrity-check-failed' });
    });

    it('phase2 4af6f84c (Sterling): fields read; the signature, damaged by a UTF-8 conversion, is refused as such', () => {
      const { headers, body } = phase2('4af6f84c-d882-4466-8e0c-305a7fbe37b3');
      const mdn = parseMdn(headers, body, { trustedCertificates: loadCertificates(P('phase2_mdn_4af6f84c-d882-4466-8e0c-305a7fbe37b3.pem')), now: new Date('2019-01-01') });
      expect(mdn.signature).toMatchObject({ status: 'refused', disposition: 'unexpected-processing-error' });
      expect(mdn.signature.status === 'refused' && mdn.signature.reason).toContain('EF BF BD');
      expect(mdn.positive).toBe(true);
      expect(mdn.receivedContentMic).toBe('BNIQV5N+hShfIa+06dXMM4fkS8A=');
      expect(mdn.originalMessageId).toBe('4af6f84c-d882-4466-8e0c-305a7fbe37b3@QVALIA-PSE000094');
      expect(mdn.finalRecipient).toBe('POP000046');
    });

    it('phase2 issue97 (ph-OpenAS2, quoted header values): read; signer unknown → refused; trusted → digest mismatch (OpenSSL agrees)', () => {
      const { headers, body } = phase2('issue97');
      const refused = parseMdn(headers, body, { trustedCertificates: [], now });
      expect(refused.signature).toMatchObject({ status: 'refused', disposition: 'authentication-failed' });
      expect(refused.signature.status === 'refused' && refused.signature.reason).toContain('CN=CTM_MFT');
      expect(refused.receivedContentMic).toBe('WX3WE/vT631XugOIxrcgSd1YPVo=');
      expect(refused.positive).toBe(true);
      const embedded: As2Certificate[] = certificatesInSignedData(splitMultipartSigned({ headers: MimeHeaders.from(headers), rawBody: body }).signatureDer);
      const inWindow = new Date((embedded[0]!.notBefore.getTime() + embedded[0]!.notAfter.getTime()) / 2);
      const verified = parseMdn(headers, body, { trustedCertificates: embedded, now: inWindow });
      // The stored capture no longer matches its signature: `openssl cms -verify` reports a content verify error too.
      expect(verified.signature).toMatchObject({ status: 'refused', disposition: 'integrity-check-failed' });
    });
  });
});

describe(`copyleft AS2 fixtures (${copyleftDir})`, needs(copyleftDir), () => {
  const testKey = () => loadKeyPairPem(C('pyas2lib_cert_test.pem'), 'test');
  const mecas2 = () => loadCertificates(C('pyas2lib_cert_mecas2_public.pem'));
  const sb2bi = () => [...loadCertificates(C('pyas2lib_cert_sb2bi_public.pem')), ...loadCertificates(C('pyas2lib_cert_sb2bi_public.ca'))];
  const payload = () => C('pyas2lib_payload.txt');

  it('covers every file its MANIFEST lists', () => {
    const covered = new Set([
      'pyas2lib_mecas2_compressed.as2', 'pyas2lib_mecas2_compressed_signed_encrypted.as2', 'pyas2lib_mecas2_encrypted.as2', 'pyas2lib_mecas2_signed.as2', 'pyas2lib_mecas2_signed_encrypted.as2',
      'pyas2lib_mecas2_signed.mdn', 'pyas2lib_mecas2_unsigned.mdn', 'pyas2lib_sb2bi_signed.mdn', 'pyas2lib_sb2bi_signed_cmp.msg',
      'pyas2lib_payload.txt', 'pyas2lib_payload_dos.txt', 'pyas2lib_payload.binary',
      'pyas2lib_cert_test.p12', 'pyas2lib_cert_test.pem', 'pyas2lib_cert_test_public.pem', 'pyas2lib_cert_mecas2_public.pem',
      'pyas2lib_cert_sb2bi_public.pem', 'pyas2lib_cert_sb2bi_public.ca', 'pyas2lib_cert_oldpyas2_private.pem', 'pyas2lib_cert_oldpyas2_public.pem',
    ]);
    expect(manifestFiles(copyleftDir).filter((f) => !covered.has(f))).toEqual([]);
  });

  it('keys: PEM with password, PKCS#12 (RC2-40, via openssl -legacy) and the public certificate agree', () => {
    const pem = testKey();
    const p12 = loadPkcs12(C('pyas2lib_cert_test.p12'), 'test');
    const pub = loadCertificates(C('pyas2lib_cert_test_public.pem'))[0]!;
    expect(sameCertificate(pem.certificate, pub)).toBe(true);
    expect(sameCertificate(p12.certificate, pub)).toBe(true);
    expect(() => loadPrivateKey(C('pyas2lib_cert_test.pem'))).toThrow(/no password was given/);
    const old = loadKeyPairPem(C('pyas2lib_cert_oldpyas2_private.pem'), 'password');
    expect(old.certificate.subject).toContain('CN=as2server');
    expect(loadCertificates(C('pyas2lib_cert_oldpyas2_public.pem'))[0]!.notAfter.toISOString()).toBe('2018-04-04T05:48:40.000Z');
  });

  const mecas2Cases: [string, string[]][] = [
    ['pyas2lib_mecas2_signed.as2', ['signed:sha256']],
    ['pyas2lib_mecas2_encrypted.as2', ['encrypted:des-ede3-cbc']],
    ['pyas2lib_mecas2_signed_encrypted.as2', ['encrypted:des-ede3-cbc', 'signed:sha256']],
    ['pyas2lib_mecas2_compressed.as2', ['signed:sha256', 'compressed']],
    ['pyas2lib_mecas2_compressed_signed_encrypted.as2', ['encrypted:des-ede3-cbc', 'signed:sha256', 'compressed']],
  ];
  for (const [file, layers] of mecas2Cases) {
    it(`mendelson ${file}: ${layers.join(' → ')}, payload = payload.txt`, () => {
      const { headers, body } = readCapture(C(file));
      const result = expectSuccess(unwrapAs2(headers, body, { decryptionKeys: [testKey()], trustedCertificates: mecas2(), now }));
      expect(result.layers).toEqual(layers);
      expect(Buffer.from(result.payload).equals(payload())).toBe(true);
      expect(result.filename).toBe('payload.txt');
      if (layers.some((l) => l.startsWith('signed'))) expect(result.signer?.subject).toContain('CN=mendelson test key 3');
    });
  }

  it('mendelson encrypted message with the PKCS#12 key as well; without any key → decryption-failed', () => {
    const { headers, body } = readCapture(C('pyas2lib_mecas2_encrypted.as2'));
    expectSuccess(unwrapAs2(headers, body, { decryptionKeys: [loadPkcs12(C('pyas2lib_cert_test.p12'), 'test')], trustedCertificates: [], now }));
    const refused = expectFailure(unwrapAs2(headers, body, { decryptionKeys: [loadKeyPairPem(C('pyas2lib_cert_oldpyas2_private.pem'), 'password')], trustedCertificates: [], now }));
    expect(refused.disposition).toBe('decryption-failed');
    expect(refused.reason).toContain('pyas2lib');
  });

  it('mendelson signed message from an unregistered partner → authentication-failed', () => {
    const { headers, body } = readCapture(C('pyas2lib_mecas2_signed.as2'));
    const refused = expectFailure(unwrapAs2(headers, body, { decryptionKeys: [], trustedCertificates: sb2bi(), now }));
    expect(refused.disposition).toBe('authentication-failed');
  });

  it('Sterling B2Bi signed+compressed message: read inside the certificate window, refused as expired today', () => {
    const { headers, body } = readCapture(C('pyas2lib_sb2bi_signed_cmp.msg'));
    const result = expectSuccess(unwrapAs2(headers, body, { decryptionKeys: [], trustedCertificates: sb2bi(), now: new Date('2018-01-26T13:48:25Z') }));
    expect(result.layers).toEqual(['signed:sha1', 'compressed']);
    expect(result.filename).toBe('Mclane_850_494457167');
    expect(Buffer.from(result.payload).toString('latin1').startsWith('ISA*')).toBe(true);
    expect(result.mic.algorithm).toBe('sha1');
    const expired = expectFailure(unwrapAs2(headers, body, { decryptionKeys: [], trustedCertificates: sb2bi(), now }));
    expect(expired.disposition).toBe('authentication-failed');
    expect(expired.reason).toContain('expired on 2020-06-23');
  });

  it('mendelson signed MDN: signed by an embedded CN=mecas2 certificate that is not the registered one → refused; MIC still read', () => {
    const { headers, body } = readCapture(C('pyas2lib_mecas2_signed.mdn'));
    const mdn = parseMdn(headers, body, { trustedCertificates: mecas2(), now });
    expect(mdn.signature).toMatchObject({ status: 'refused', disposition: 'authentication-failed' });
    expect(mdn.signature.status === 'refused' && mdn.signature.reason).toContain('CN=mecas2');
    expect(mdn.receivedContentMic).toBe('O4bvrm5t2YunRfwvZicNdEUmPaPZ9vUslX8loVLDck0=');
    expect(mdn.micAlgorithm).toBe('sha256');
    expect(mdn.positive).toBe(true);
  });

  it('mendelson unsigned MDN: processed/error: authentication-failed', () => {
    const { headers, body } = readCapture(C('pyas2lib_mecas2_unsigned.mdn'));
    const mdn = parseMdn(headers, body, { trustedCertificates: mecas2(), now });
    expect(mdn.signature.status).toBe('unsigned');
    expect(mdn.modifiers.error).toBe('authentication-failed');
    expect(mdn.positive).toBe(false);
    expect(mdn.humanText).toContain('Error verifying the senders digital signature');
  });

  it('Sterling B2Bi signed MDN (LF headers, binary signature without CTE): verified in the window, refused as expired today', () => {
    const { headers, body } = readCapture(C('pyas2lib_sb2bi_signed.mdn'));
    const inWindow = parseMdn(headers, body, { trustedCertificates: sb2bi(), now: new Date('2018-01-26T13:48:25Z') });
    expect(inWindow.signature.status).toBe('verified');
    expect(inWindow.receivedContentMic).toBe('wNh76aEicfBurg/et2wio4zk/2I=');
    expect(inWindow.micAlgorithm).toBe('sha1');
    expect(inWindow.originalMessageId).toBe('<151694007918.24690.7052273208458909245@ip-172-31-14-209.ec2.internal>');
    const today = parseMdn(headers, body, { trustedCertificates: sb2bi(), now });
    expect(today.signature).toMatchObject({ status: 'refused', disposition: 'authentication-failed' });
    expect(today.signature.status === 'refused' && today.signature.reason).toContain('expired on 2020-06-23');
  });

  it('payload_dos.txt (CRLF) and payload.binary survive wrap → unwrap byte for byte, MIC agreed', () => {
    const key = testKey();
    for (const file of ['pyas2lib_payload_dos.txt', 'pyas2lib_payload.binary']) {
      const content = C(file);
      const wrapped = wrapAs2({ as2From: 'a', as2To: 'b', payload: content, contentType: 'application/octet-stream', sign: { keyPair: key }, encrypt: { certificates: [key.certificate], cipher: 'des-ede3-cbc' } });
      const result = expectSuccess(unwrapAs2(wrapped.headers, wrapped.body, { decryptionKeys: [key], trustedCertificates: [key.certificate], now }));
      expect(Buffer.from(result.payload).equals(content)).toBe(true);
      expect(result.mic).toEqual(wrapped.expectedMic);
    }
  });
});
