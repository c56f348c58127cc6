/** Object identifiers and ASN.1 helpers shared by the CMS files (RFC 5652, 5083, 5084, 3274, 3560, 4056). */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { As2Failure, type As2Disposition } from './failure.ts';
import type { As2Certificate } from './keys.ts';
import { concatBytes } from './mime.ts';

export const oid = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  authEnvelopedData: '1.2.840.113549.1.9.16.1.23',
  compressedData: '1.2.840.113549.1.9.16.1.9',
  zlib: '1.2.840.113549.1.9.16.3.8',
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsaOaep: '1.2.840.113549.1.1.7',
  rsaPss: '1.2.840.113549.1.1.10',
  mgf1: '1.2.840.113549.1.1.8',
  contentTypeAttr: '1.2.840.113549.1.9.3',
  messageDigestAttr: '1.2.840.113549.1.9.4',
  signingTimeAttr: '1.2.840.113549.1.9.5',
} as const;

export type DigestName = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512' | 'md5';

export const digestOids: Record<string, DigestName> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '1.2.840.113549.2.5': 'md5',
};

export function digestOid(name: DigestName): string {
  const found = Object.entries(digestOids).find(([, n]) => n === name);
  if (!found) throw new Error(`unknown digest ${name}`);
  return found[0];
}

/** Signature algorithm OIDs that fix the digest (`sha256WithRSAEncryption` …). */
export const rsaSignatureOids: Record<string, DigestName> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.14': 'sha224',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.113549.1.1.4': 'md5',
};

export type CipherName = 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc' | 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm' | 'des-ede3-cbc';

export const cipherOids: Record<string, { name: CipherName; keyLength: number }> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLength: 32 },
  '2.16.840.1.101.3.4.1.6': { name: 'aes-128-gcm', keyLength: 16 },
  '2.16.840.1.101.3.4.1.26': { name: 'aes-192-gcm', keyLength: 24 },
  '2.16.840.1.101.3.4.1.46': { name: 'aes-256-gcm', keyLength: 32 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyLength: 24 },
};

export function cipherOid(name: CipherName): { oid: string; keyLength: number } {
  const found = Object.entries(cipherOids).find(([, c]) => c.name === name);
  if (!found) throw new Error(`unknown cipher ${name}`);
  return { oid: found[0], keyLength: found[1].keyLength };
}

/** Reads a ContentInfo; malformed DER is an unexpected-processing-error naming where it came from. */
export function parseContentInfo(der: Uint8Array, what: string): pkijs.ContentInfo {
  // asn1js refuses input over 16 MiB and 10,000 nodes by default; AS2 messages may be far
  // larger (and BER may stream the content in many chunks), so the limits follow the input.
  const parsed = asn1js.fromBER(der, { maxContentLength: der.length, maxNodes: 10_000 + Math.ceil(der.length / 64) });
  if (parsed.offset === -1) {
    const damaged = Buffer.from(der).includes(Buffer.from([0xef, 0xbf, 0xbd]));
    const hint = damaged ? '; it contains UTF-8 replacement characters (EF BF BD): the binary data was damaged by a text conversion' : '';
    throw new As2Failure('unexpected-processing-error', `${what}: not valid BER/DER (${parsed.result.error})${hint}`);
  }
  try {
    return new pkijs.ContentInfo({ schema: parsed.result });
  } catch (error) {
    throw new As2Failure('unexpected-processing-error', `${what}: not a CMS ContentInfo (${(error as Error).message})`);
  }
}

export function fail(disposition: As2Disposition, reason: string): never {
  throw new As2Failure(disposition, reason);
}

/** The bytes of an OCTET STRING, joining the chunks of a constructed (BER, indefinite-length) one. */
export function octetBytes(value: asn1js.BaseBlock): Uint8Array {
  if (value.idBlock.isConstructed) {
    const chunks = (value.valueBlock as unknown as { value: asn1js.BaseBlock[] }).value;
    return concatBytes(...chunks.map(octetBytes));
  }
  return new Uint8Array((value.valueBlock as unknown as { valueHexView: Uint8Array }).valueHexView);
}

/** Does an IssuerAndSerialNumber or a [0] SubjectKeyIdentifier name this certificate? */
export function identifierMatches(id: unknown, cert: As2Certificate): boolean {
  if (id instanceof pkijs.IssuerAndSerialNumber) {
    return id.issuer.isEqual(cert.pkijs.issuer) && id.serialNumber.isEqual(cert.pkijs.serialNumber);
  }
  if (id instanceof asn1js.BaseBlock && cert.subjectKeyIdHex) {
    return Buffer.from(octetBytes(id)).toString('hex') === cert.subjectKeyIdHex;
  }
  return false;
}

export function describeIdentifier(id: unknown): string {
  if (id instanceof pkijs.IssuerAndSerialNumber) {
    const issuer = id.issuer.typesAndValues.map((tv) => `${shortName(tv.type)}=${String(tv.value.valueBlock.value)}`).join(', ');
    return `issuer "${issuer}" serial ${Buffer.from(id.serialNumber.valueBlock.valueHexView).toString('hex').replace(/^00(?=[89a-f])/, '')}`;
  }
  if (id instanceof asn1js.BaseBlock) return `subject key identifier ${Buffer.from(octetBytes(id)).toString('hex')}`;
  return 'an unknown identifier';
}

function shortName(type: string): string {
  return ({ '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU', '1.2.840.113549.1.9.1': 'emailAddress' } as Record<string, string>)[type] ?? type;
}

export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export function derOf(schema: { toBER(sizeOnly?: boolean): ArrayBuffer }): Uint8Array {
  return new Uint8Array(schema.toBER(false));
}

/**
 * EncapsulatedContentInfo with the content in one primitive OCTET STRING, as DER has it.
 * pkijs's own constructor splits `eContent` into a constructed OCTET STRING of 64 KiB pieces
 * (a BER form) that DER readers such as pyas2lib refuse; built from a schema it keeps ours.
 * Reading accepts both forms (`octetBytes`).
 */
export function encapsulatedContentInfo(eContentType: string, content?: Uint8Array): pkijs.EncapsulatedContentInfo {
  const value: asn1js.BaseBlock[] = [new asn1js.ObjectIdentifier({ value: eContentType })];
  if (content) value.push(new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.OctetString({ valueHex: toArrayBuffer(content) })] }));
  return new pkijs.EncapsulatedContentInfo({ schema: new asn1js.Sequence({ value }) });
}

/** Wraps a CMS content in ContentInfo and returns its DER. */
export function contentInfoDer(contentType: string, content: asn1js.BaseBlock): Uint8Array {
  return derOf(new pkijs.ContentInfo({ contentType, content }).toSchema());
}
