/**
 * Certificates and private keys for AS2. Certificates become pkijs objects (for CMS issuer/serial
 * matching) plus a node KeyObject; private keys become a node KeyObject (Web Crypto has neither
 * RSA PKCS#1 v1.5 decryption nor 3DES, which AS2 partners still use) with `toCryptoKey` for
 * callers that want a Web Crypto key. Runs on Node and workerd alike; PKCS#12 files, which need
 * the OpenSSL command, are opened by pkcs12-openssl.ts (Node only).
 */
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { bytesToLatin1 } from './mime.ts';

export interface As2Certificate {
  der: Uint8Array;
  pkijs: pkijs.Certificate;
  publicKey: KeyObject;
  /** The public key as SubjectPublicKeyInfo DER (what `publicKeyInput` hands to node:crypto). */
  spki: Uint8Array;
  subject: string;
  issuer: string;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  /** Subject key identifier, hex, when the certificate carries one. */
  subjectKeyIdHex?: string;
}

export interface As2PrivateKey {
  keyObject: KeyObject;
  /** PKCS#8 DER, for Web Crypto import. */
  pkcs8: Uint8Array;
}

/** A private key with the certificate that names it (for decryption and signing). */
export interface As2KeyPair {
  key: As2PrivateKey;
  certificate: As2Certificate;
}

export class KeyLoadError extends Error {}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

function pemBlocks(text: string): { label: string; der: Uint8Array; pem: string }[] {
  return [...text.matchAll(PEM_BLOCK)].map((m) => ({
    label: m[1]!,
    der: new Uint8Array(Buffer.from(m[2]!.replace(/^[A-Za-z-]+:.*$/gm, '').replace(/\s+/g, ''), 'base64')),
    pem: m[0],
  }));
}

function asBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? new TextEncoder().encode(data) : data;
}

function isPem(bytes: Uint8Array): boolean {
  return bytesToLatin1(bytes.subarray(0, Math.min(bytes.length, 4096))).includes('-----BEGIN ');
}

/** Reads every certificate in a PEM file (one or many) or one DER certificate. */
export function loadCertificates(data: Uint8Array | string): As2Certificate[] {
  const bytes = asBytes(data);
  if (!isPem(bytes)) return [certificateFromDer(bytes)];
  const certs = pemBlocks(bytesToLatin1(bytes)).filter((b) => b.label === 'CERTIFICATE' || b.label === 'X509 CERTIFICATE' || b.label === 'TRUSTED CERTIFICATE');
  if (certs.length === 0) throw new KeyLoadError('no "BEGIN CERTIFICATE" block found in the PEM data');
  return certs.map((b) => certificateFromDer(b.der));
}

export function loadCertificate(data: Uint8Array | string): As2Certificate {
  return loadCertificates(data)[0]!;
}

export function certificateFromDer(der: Uint8Array): As2Certificate {
  let x509: X509Certificate;
  let cert: pkijs.Certificate;
  try {
    x509 = new X509Certificate(der);
    cert = pkijs.Certificate.fromBER(new Uint8Array(der));
  } catch (error) {
    throw new KeyLoadError(`not an X.509 certificate: ${(error as Error).message}`);
  }
  const ski = cert.extensions?.find((e) => e.extnID === '2.5.29.14');
  let subjectKeyIdHex: string | undefined;
  if (ski) {
    const parsed = asn1js.fromBER(ski.extnValue.valueBlock.valueHexView);
    if (parsed.result instanceof asn1js.OctetString) subjectKeyIdHex = Buffer.from(parsed.result.valueBlock.valueHexView).toString('hex');
  }
  return {
    der: new Uint8Array(der),
    pkijs: cert,
    publicKey: x509.publicKey,
    spki: new Uint8Array(x509.publicKey.export({ format: 'der', type: 'spki' })),
    subject: x509.subject.split('\n').join(', '),
    issuer: x509.issuer.split('\n').join(', '),
    // From the DER value, as CMS identifiers carry it (a sign-padding 00 byte dropped).
    serialHex: Buffer.from(cert.serialNumber.valueBlock.valueHexView).toString('hex').replace(/^00(?=[89a-f])/, ''),
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
    subjectKeyIdHex,
  };
}

/** One line naming a certificate in refusals and logs. */
export function describeCertificate(cert: As2Certificate): string {
  return `"${cert.subject}" (serial ${cert.serialHex}, issued by "${cert.issuer}", valid ${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()})`;
}

/** Why a certificate may not be used at `now`, or undefined when it is inside its validity window. */
export function validityProblem(cert: As2Certificate, now: Date): string | undefined {
  if (now.getTime() > cert.notAfter.getTime()) return `certificate expired on ${cert.notAfter.toISOString()}: ${describeCertificate(cert)}`;
  if (now.getTime() < cert.notBefore.getTime()) return `certificate not valid before ${cert.notBefore.toISOString()}: ${describeCertificate(cert)}`;
  return undefined;
}

/**
 * Reads a private key: PKCS#8 PEM ("PRIVATE KEY"), encrypted PKCS#8 ("ENCRYPTED PRIVATE KEY",
 * with `password`), PKCS#1 ("RSA PRIVATE KEY", also with Proc-Type encryption), or DER PKCS#8/PKCS#1.
 */
export function loadPrivateKey(data: Uint8Array | string, password?: string): As2PrivateKey {
  const bytes = asBytes(data);
  let keyObject: KeyObject;
  try {
    if (isPem(bytes)) {
      const block = pemBlocks(bytesToLatin1(bytes)).find((b) => b.label.endsWith('PRIVATE KEY'));
      if (!block) throw new KeyLoadError('no "BEGIN … PRIVATE KEY" block found in the PEM data');
      keyObject = createPrivateKey({ key: block.pem, format: 'pem', passphrase: password });
    } else {
      const buffer = Buffer.from(bytes);
      try {
        keyObject = createPrivateKey({ key: buffer, format: 'der', type: 'pkcs8', passphrase: password });
      } catch {
        keyObject = createPrivateKey({ key: buffer, format: 'der', type: 'pkcs1' });
      }
    }
  } catch (error) {
    if (error instanceof KeyLoadError) throw error;
    const hint = password === undefined ? ' (is it encrypted? no password was given)' : ' (wrong password?)';
    throw new KeyLoadError(`cannot read the private key: ${(error as Error).message}${hint}`);
  }
  if (keyObject.asymmetricKeyType !== 'rsa' && keyObject.asymmetricKeyType !== 'rsa-pss') {
    throw new KeyLoadError(`private key type ${keyObject.asymmetricKeyType} is not supported; AS2 here uses RSA keys`);
  }
  return { keyObject, pkcs8: new Uint8Array(keyObject.export({ format: 'der', type: 'pkcs8' })) };
}

/** A PEM file holding both a private key and its certificate (pyAS2's layout). */
export function loadKeyPairPem(data: Uint8Array | string, password?: string): As2KeyPair {
  return pairUp(loadPrivateKey(data, password), loadCertificates(data));
}

export function loadKeyPair(keyData: Uint8Array | string, certData: Uint8Array | string, password?: string): As2KeyPair {
  return pairUp(loadPrivateKey(keyData, password), loadCertificates(certData));
}

/** Picks the certificate whose public key belongs to the private key. */
function pairUp(key: As2PrivateKey, certificates: As2Certificate[]): As2KeyPair {
  const publicDer = createPublicKey(key.keyObject).export({ format: 'der', type: 'spki' });
  const certificate = certificates.find((c) => publicDer.equals(c.spki));
  if (!certificate) throw new KeyLoadError(`none of the ${certificates.length} certificate(s) matches the private key`);
  return { key, certificate };
}

/**
 * The key for node:crypto's sign/privateDecrypt options (`{ ...privateKeyInput(key), padding }`):
 * DER bytes, not the KeyObject, which workerd's node:crypto refuses inside an options object.
 */
export function privateKeyInput(key: As2PrivateKey): { key: Buffer; format: 'der'; type: 'pkcs8' } {
  return { key: Buffer.from(key.pkcs8), format: 'der', type: 'pkcs8' };
}

/** The certificate's public key for node:crypto's verify/publicEncrypt options (see privateKeyInput). */
export function publicKeyInput(cert: As2Certificate): { key: Buffer; format: 'der'; type: 'spki' } {
  return { key: Buffer.from(cert.spki), format: 'der', type: 'spki' };
}

/** Imports the key into Web Crypto for the given algorithm (e.g. `{ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }`). */
export function toCryptoKey(key: As2PrivateKey, algorithm: RsaHashedImportParams, usages: KeyUsage[]): Promise<CryptoKey> {
  return globalThis.crypto.subtle.importKey('pkcs8', new Uint8Array(key.pkcs8), algorithm, false, usages);
}

export function sameCertificate(a: As2Certificate, b: As2Certificate): boolean {
  return Buffer.from(a.der).equals(Buffer.from(b.der));
}
