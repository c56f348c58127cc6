/**
 * Makes one of our AS2 key pairs: RSA-2048 from Web Crypto and a self-signed X.509 certificate
 * built with pkijs (partners pin it, as AS2 peers do, rather than chain it to a CA).
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { parseCertificateDer, toPem, type ParsedCertificate } from '../partners/x509.ts';

export const identityValidityYears = 3;

export interface GeneratedIdentityKey {
  /** PKCS#8 PEM. Goes to the database only: never to a log, the audit trail or git. */
  privateKeyPem: string;
  certificate: ParsedCertificate;
}

// An explicit engine over Node's Web Crypto: pkijs's global default depends on what loaded first.
const engine = new pkijs.CryptoEngine({ name: 'node-webcrypto', crypto: globalThis.crypto });

/** One attribute per RDN, as CAs write names (pkijs would put them all in one multi-valued RDN). */
function nameOf(attributes: [string, string][]): pkijs.RelativeDistinguishedNames {
  const sequence = new asn1js.Sequence({
    value: attributes.map(([type, value]) => new asn1js.Set({ value: [new pkijs.AttributeTypeAndValue({ type, value: new asn1js.Utf8String({ value }) }).toSchema()] })),
  });
  return new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(sequence.toBER(false)).result });
}

/** A positive 16-byte serial (RFC 5280 §4.1.2.2: at most 20 octets, positive). */
function randomSerial(): asn1js.Integer {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0]! & 0x7f) | 0x10;
  return new asn1js.Integer({ valueHex: bytes.buffer });
}

function addYears(d: Date, years: number): Date {
  const out = new Date(d);
  out.setUTCFullYear(out.getUTCFullYear() + years);
  return out;
}

/**
 * A new key pair for `as2Id` (the certificate's CN) at `organisation` (its O), valid from
 * `now` for three years, keyUsage digitalSignature + keyEncipherment: it signs MDNs and
 * messages, and partners encrypt to it.
 */
export async function generateIdentityKey(input: { as2Id: string; organisation: string; now: Date }): Promise<GeneratedIdentityKey> {
  const keys = await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  );
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = randomSerial();
  const name: [string, string][] = [
    ['2.5.4.10', input.organisation],
    ['2.5.4.3', input.as2Id],
  ];
  cert.subject = nameOf(name);
  cert.issuer = nameOf(name);
  // Whole seconds: X.509 times carry no fraction, so the stored dates equal the certificate's.
  const notBefore = new Date(Math.floor(input.now.getTime() / 1000) * 1000);
  cert.notBefore.value = notBefore;
  cert.notAfter.value = addYears(notBefore, identityValidityYears);
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey, engine);

  const keyUsage = new asn1js.BitString({ valueHex: new Uint8Array([0xa0]).buffer, unusedBits: 5 }); // digitalSignature, keyEncipherment
  const spki = cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
  const keyId = new Uint8Array(createHash('sha1').update(spki).digest());
  cert.extensions = [
    new pkijs.Extension({ extnID: '2.5.29.19', critical: true, extnValue: new pkijs.BasicConstraints({ cA: false }).toSchema().toBER(false) }),
    new pkijs.Extension({ extnID: '2.5.29.15', critical: true, extnValue: keyUsage.toBER(false) }),
    // RFC 5280 §4.2.1.2 method 1: partners' CMS code finds our certificate by it.
    new pkijs.Extension({ extnID: '2.5.29.14', critical: false, extnValue: new asn1js.OctetString({ valueHex: keyId.buffer }).toBER(false) }),
  ];
  await cert.sign(keys.privateKey, 'SHA-256', engine);

  const der = new Uint8Array(cert.toSchema(true).toBER(false));
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { privateKeyPem: toPem(pkcs8, 'PRIVATE KEY'), certificate: parseCertificateDer(der, `the generated certificate for ${input.as2Id}`) };
}
