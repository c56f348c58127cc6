/**
 * Reading X.509 certificates that operators hand us (a partner's .cer/.pem/.der file, our own
 * generated certificate) with pkijs + asn1js, into the facts a partner profile stores. Every
 * refusal says which file and what is wrong with it.
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { problem, type Problem } from '../../errors.ts';

export type CertificateUsage = 'signing' | 'encryption' | 'both';
export const certificateUsages: readonly CertificateUsage[] = ['signing', 'encryption', 'both'];

export interface ParsedCertificate {
  pem: string;
  der: Uint8Array;
  /** Lower-case hex SHA-256 of the DER encoding. */
  fingerprintSha256: string;
  subject: string;
  issuer: string;
  /** Lower-case hex, without the sign byte DER may add. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** What the keyUsage extension allows; undefined when the certificate has none (anything goes). */
  keyUsage?: { signing: boolean; encryption: boolean };
  pkijs: pkijs.Certificate;
}

/** A file that is not one usable certificate; `message` names the file and the reason, `problem` says it as data. */
export class CertificateFileError extends Error {
  override name = 'CertificateFileError';
  constructor(
    message: string,
    readonly problem: Problem,
  ) {
    super(message);
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 #]+)-----\r?\n?([\s\S]*?)-----END \1-----/g;

const dnNames: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.42': 'GN',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
};

const rsaKeyAlgorithms = new Set(['1.2.840.113549.1.1.1', '1.2.840.113549.1.1.10']);

/** "CN=…, O=…" in the order the certificate encodes them (as `openssl x509 -subject` prints). */
export function distinguishedName(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => {
      const block = tv.value.valueBlock as { value?: unknown };
      const value = typeof block.value === 'string' ? block.value : Buffer.from(tv.value.valueBeforeDecodeView).toString('hex');
      return `${dnNames[tv.type] ?? tv.type}=${value}`;
    })
    .join(', ');
}

export function toPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}

/** "AB:CD:…" as OpenSSL prints a fingerprint, from the stored lower-case hex. */
export function colonFingerprint(hex: string): string {
  return hex.toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

function keyUsageOf(cert: pkijs.Certificate): ParsedCertificate['keyUsage'] {
  const ext = cert.extensions?.find((e) => e.extnID === '2.5.29.15');
  if (!ext) return undefined;
  const parsed = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView);
  if (!(parsed.result instanceof asn1js.BitString)) return undefined;
  const first = parsed.result.valueBlock.valueHexView[0] ?? 0;
  // RFC 5280 §4.2.1.3: bit 0 digitalSignature, 1 nonRepudiation, 2 keyEncipherment (bit 0 = 0x80).
  return { signing: (first & 0xc0) !== 0, encryption: (first & 0x20) !== 0 };
}

/** Parses one DER certificate; `what` names it in the refusal. */
export function parseCertificateDer(der: Uint8Array, what: string): ParsedCertificate {
  const asn1 = asn1js.fromBER(der);
  if (asn1.offset === -1) throw new CertificateFileError(`${what} is not a certificate: not valid DER/BER (${asn1.result.error || 'unreadable ASN.1'})`, problem('partners.certNotDer', { file: what }));
  if (asn1.offset !== der.byteLength) throw new CertificateFileError(`${what} is not a certificate: ${der.byteLength - asn1.offset} bytes follow the ASN.1 structure`, problem('partners.certTrailingBytes', { file: what, count: der.byteLength - asn1.offset }));
  let cert: pkijs.Certificate;
  try {
    cert = new pkijs.Certificate({ schema: asn1.result });
  } catch {
    throw new CertificateFileError(`${what} is not a certificate: the ASN.1 structure is not an X.509 Certificate (a key, a PKCS#7 or a PKCS#12 file?)`, problem('partners.certNotX509', { file: what }));
  }
  const keyAlgorithm = cert.subjectPublicKeyInfo.algorithm.algorithmId;
  if (!rsaKeyAlgorithms.has(keyAlgorithm)) {
    throw new CertificateFileError(`${what} has a non-RSA public key (algorithm ${keyAlgorithm}); AS2 here signs and encrypts with RSA keys only`, problem('partners.certNotRsa', { file: what, algorithm: keyAlgorithm }));
  }
  const serial = Buffer.from(cert.serialNumber.valueBlock.valueHexView).toString('hex').replace(/^(00)+(?=..)/, '');
  return {
    pem: toPem(der),
    der,
    fingerprintSha256: createHash('sha256').update(der).digest('hex'),
    subject: distinguishedName(cert.subject),
    issuer: distinguishedName(cert.issuer),
    serialNumber: serial,
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    keyUsage: keyUsageOf(cert),
    pkijs: cert,
  };
}

/**
 * Reads a certificate file, PEM or DER. Exactly one certificate is expected: a chain or a
 * private key in the file is refused (we never want a partner's private key).
 */
export function parseCertificateFile(fileName: string, data: Uint8Array | string): ParsedCertificate {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  if (bytes.byteLength === 0) throw new CertificateFileError(`${fileName} is empty`, problem('partners.certEmpty', { file: fileName }));
  const text = Buffer.from(bytes.subarray(0, Math.min(bytes.byteLength, 1 << 20))).toString('latin1');
  if (!text.includes('-----BEGIN ')) return parseCertificateDer(bytes, fileName);

  const blocks = [...text.matchAll(PEM_BLOCK)].map((m) => ({ label: m[1]!, body: m[2]! }));
  if (blocks.some((b) => b.label.includes('PRIVATE KEY'))) {
    throw new CertificateFileError(`${fileName} contains a private key; give only the partner's public certificate (and treat that key as compromised)`, problem('partners.certPrivateKey', { file: fileName }));
  }
  const certs = blocks.filter((b) => b.label === 'CERTIFICATE' || b.label === 'X509 CERTIFICATE' || b.label === 'TRUSTED CERTIFICATE');
  if (certs.length === 0) {
    const labels = blocks.map((b) => `"${b.label}"`).join(', ');
    const found = blocks.length ? `it holds ${labels}` : 'no complete PEM block was found';
    throw new CertificateFileError(
      `${fileName} is not a certificate: ${found}, not "BEGIN CERTIFICATE"`,
      blocks.length ? problem('partners.certWrongPem', { file: fileName, labels }) : problem('partners.certNoPem', { file: fileName }),
    );
  }
  if (certs.length > 1) throw new CertificateFileError(`${fileName} holds ${certs.length} certificates; give the partner's own certificate as one file per certificate`, problem('partners.certMany', { file: fileName, count: certs.length }));
  const body = certs[0]!.body.replace(/^[A-Za-z-]+:.*$/gm, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw new CertificateFileError(`${fileName} is not a certificate: the PEM block is not base64`, problem('partners.certNotBase64', { file: fileName }));
  return parseCertificateDer(new Uint8Array(Buffer.from(body, 'base64')), fileName);
}

/** The keyUsage bits the certificate lacks for `usage` (digitalSignature, keyEncipherment); none when it can be used. */
export function missingKeyUsage(cert: ParsedCertificate, usage: CertificateUsage): string[] {
  if (!cert.keyUsage) return [];
  const needs = usage === 'both' ? ['signing', 'encryption'] : [usage];
  return needs.filter((n) => !cert.keyUsage![n as 'signing' | 'encryption']).map((m) => (m === 'signing' ? 'digitalSignature' : 'keyEncipherment'));
}

/** The usage a certificate's keyUsage extension allows ('both' without the extension). */
export function impliedUsage(cert: ParsedCertificate): CertificateUsage {
  if (!cert.keyUsage) return 'both';
  if (cert.keyUsage.signing && !cert.keyUsage.encryption) return 'signing';
  if (cert.keyUsage.encryption && !cert.keyUsage.signing) return 'encryption';
  return 'both';
}
