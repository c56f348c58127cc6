/**
 * CMS SignedData (RFC 5652 §5): verify detached (multipart/signed) or opaque signatures against
 * a partner's trusted certificates, and sign. RSA PKCS#1 v1.5 and RSASSA-PSS (RFC 4056);
 * SHA-1 and SHA-2 digests. Refusals separate a digest mismatch (integrity-check-failed) from a
 * bad, unknown, untrusted or expired signer (authentication-failed).
 */
import { constants, createHash, sign as rsaSign, verify as rsaVerify, X509Certificate } from 'node:crypto';
import { signPss, verifyPss } from '#runtime/rsa-pss';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { contentInfoDer, describeIdentifier, encapsulatedContentInfo, digestOid, digestOids, fail, identifierMatches, octetBytes, oid, parseContentInfo, rsaSignatureOids, toArrayBuffer, type DigestName } from './cms-common.ts';
import { certificateFromDer, describeCertificate, privateKeyInput, publicKeyInput, sameCertificate, validityProblem, type As2Certificate, type As2KeyPair } from './keys.ts';

export type SignatureScheme = 'rsassa-pkcs1-v1_5' | 'rsassa-pss';

export interface VerifyOptions {
  /** The partner's certificates (several while it rolls over) and CAs that issue them. */
  trustedCertificates: As2Certificate[];
  /** The clock for the certificate validity check. */
  now: Date;
  /** For a detached signature: the signed bytes, or alternatives tried in order (exact bytes first, then a canonical form). */
  detachedContent?: Uint8Array | Uint8Array[];
}

export interface VerifiedSignature {
  /** The content the signature covers (the detached alternative that matched, or the encapsulated content). */
  content: Uint8Array;
  digestAlgorithm: DigestName;
  scheme: SignatureScheme;
  signer: As2Certificate;
}

function readSignedData(der: Uint8Array): pkijs.SignedData {
  const info = parseContentInfo(der, 'signed-data');
  if (info.contentType !== oid.signedData) fail('unexpected-processing-error', `expected signed data, found CMS content type ${info.contentType}`);
  try {
    return new pkijs.SignedData({ schema: info.content });
  } catch (error) {
    return fail('unexpected-processing-error', `malformed SignedData: ${(error as Error).message}`);
  }
}

/** The certificates a SignedData carries (a sender usually includes its own). */
export function certificatesInSignedData(der: Uint8Array): As2Certificate[] {
  return (readSignedData(der).certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate).map((c) => certificateFromDer(new Uint8Array(c.toSchema().toBER(false))));
}

/** The SignedData, its first signer, trusted and valid now, and how to check its signature. */
function openSignature(der: Uint8Array, options: Pick<VerifyOptions, 'trustedCertificates' | 'now'>) {
  const signed = readSignedData(der);
  const signerInfo = signed.signerInfos[0];
  if (!signerInfo) fail('authentication-failed', 'the signed data has no signer');
  const digestAlgorithm = digestOids[signerInfo.digestAlgorithm.algorithmId];
  if (!digestAlgorithm) fail('authentication-failed', `digest algorithm ${signerInfo.digestAlgorithm.algorithmId} is not supported (supported: SHA-1, SHA-224/256/384/512)`);

  // The certificates in the message are parsed only when the signer is not a trusted certificate
  // itself (parsing them costs more than the signature check).
  const embedded = () => (signed.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate).map((c) => certificateFromDer(new Uint8Array(c.toSchema().toBER(false))));
  const signer = trustedSigner(signerInfo.sid, embedded, options.trustedCertificates);
  const validity = validityProblem(signer, options.now);
  if (validity) fail('authentication-failed', `signer ${validity}`);
  return { signed, signerInfo, digestAlgorithm, signer, signature: octetBytes(signerInfo.signature), ...signatureVerifier(signerInfo, digestAlgorithm, signer) };
}

/** The message-digest signed attribute. */
function signedDigest(signerInfo: pkijs.SignerInfo): Buffer {
  const digestAttr = signerInfo.signedAttrs!.attributes.find((a) => a.type === oid.messageDigestAttr);
  if (!digestAttr?.values[0]) fail('authentication-failed', 'the signed attributes have no message-digest attribute');
  return Buffer.from(octetBytes(digestAttr.values[0] as asn1js.OctetString));
}

/** Checks the signature over the signed attributes (signed as SET OF, transmitted as [0] IMPLICIT: RFC 5652 §5.4). */
function verifySignedAttributes(signerInfo: pkijs.SignerInfo, opened: { signature: Uint8Array; scheme: SignatureScheme; signer: As2Certificate; verifyWith: (data: Uint8Array, signature: Uint8Array) => boolean }): void {
  const signedAttrs = new Uint8Array(signerInfo.signedAttrs!.encodedValue);
  signedAttrs[0] = 0x31;
  if (!opened.verifyWith(signedAttrs, opened.signature)) fail('authentication-failed', `the ${opened.scheme} signature does not verify with ${describeCertificate(opened.signer)}`);
}

/**
 * A detached signature over content too large to hold, given the content's digests as they were
 * computed while it streamed (`digestsOf(algorithm)`: one per alternative form, or undefined when
 * that algorithm was not computed). Returns which alternative the signature covers; undefined
 * when the digests cannot decide (no signed attributes, another algorithm, or no alternative
 * matches): the caller then checks the content in memory as verifySignedData does.
 */
export function verifyDetachedDigests(der: Uint8Array, options: Pick<VerifyOptions, 'trustedCertificates' | 'now'>, digestsOf: (algorithm: DigestName) => Uint8Array[] | undefined): { alternative: number; digestAlgorithm: DigestName; scheme: SignatureScheme; signer: As2Certificate } | undefined {
  const opened = openSignature(der, options);
  if (opened.signed.encapContentInfo.eContent || !opened.signerInfo.signedAttrs) return undefined;
  const expected = signedDigest(opened.signerInfo);
  const alternative = digestsOf(opened.digestAlgorithm)?.findIndex((d) => expected.equals(d)) ?? -1;
  if (alternative < 0) return undefined;
  verifySignedAttributes(opened.signerInfo, opened);
  return { alternative, digestAlgorithm: opened.digestAlgorithm, scheme: opened.scheme, signer: opened.signer };
}

export function verifySignedData(der: Uint8Array, options: VerifyOptions): VerifiedSignature {
  const opened = openSignature(der, options);
  const { signed, signerInfo, digestAlgorithm, signer, signature, scheme, verifyWith } = opened;

  const alternatives = signed.encapContentInfo.eContent
    ? [octetBytes(signed.encapContentInfo.eContent)]
    : options.detachedContent === undefined
      ? fail('unexpected-processing-error', 'detached signature but no signed content was given')
      : Array.isArray(options.detachedContent)
        ? options.detachedContent
        : [options.detachedContent];

  if (signerInfo.signedAttrs) {
    const expected = signedDigest(signerInfo);
    const content = alternatives.find((c) => createHash(digestAlgorithm).update(c).digest().equals(expected));
    if (!content) {
      const actual = createHash(digestAlgorithm).update(alternatives[0]!).digest('hex');
      fail('integrity-check-failed', `the content's ${digestAlgorithm} digest ${actual} differs from the signed digest ${expected.toString('hex')}: the content was altered after signing`);
    }
    verifySignedAttributes(signerInfo, opened);
    return { content, digestAlgorithm, scheme, signer };
  }
  const content = alternatives.find((c) => verifyWith(c, signature));
  if (!content) fail('integrity-check-failed', `the ${scheme}/${digestAlgorithm} signature over the content does not verify with ${describeCertificate(signer)}: the content was altered or signed with another key`);
  return { content, digestAlgorithm, scheme, signer };
}

/**
 * Finds the signer's certificate and decides trust: it must be one of the trusted certificates,
 * or be issued (directly or through certificates in the message) by one of them.
 */
function trustedSigner(sid: unknown, inMessage: () => As2Certificate[], trusted: As2Certificate[]): As2Certificate {
  const fromTrusted = trusted.find((c) => identifierMatches(sid, c));
  if (fromTrusted) return fromTrusted;
  const embedded = inMessage();
  const fromMessage = embedded.find((c) => identifierMatches(sid, c));
  const trustedNames = trusted.map(describeCertificate).join('; ') || 'none configured';
  if (!fromMessage) fail('authentication-failed', `the signer's certificate (${describeIdentifier(sid)}) is neither in the message nor among the trusted partner certificates: ${trustedNames}`);
  if (chainsToTrusted(fromMessage, embedded, trusted, 0)) return fromMessage;
  return fail('authentication-failed', `the message is signed by ${describeCertificate(fromMessage)}, which is not a trusted partner certificate nor issued by one (trusted: ${trustedNames})`);
}

function chainsToTrusted(cert: As2Certificate, embedded: As2Certificate[], trusted: As2Certificate[], depth: number): boolean {
  if (trusted.some((t) => sameCertificate(t, cert))) return true;
  if (depth > 5) return false;
  const x509 = new X509Certificate(cert.der);
  for (const issuer of [...trusted, ...embedded]) {
    if (sameCertificate(issuer, cert) || issuer.subject !== cert.issuer) continue;
    if (!x509.verify(issuer.publicKey)) continue;
    if (trusted.some((t) => sameCertificate(t, issuer)) || chainsToTrusted(issuer, embedded, trusted, depth + 1)) return true;
  }
  return false;
}

function signatureVerifier(signerInfo: pkijs.SignerInfo, digest: DigestName, signer: As2Certificate): { scheme: SignatureScheme; verifyWith: (data: Uint8Array, signature: Uint8Array) => boolean } {
  const algorithm = signerInfo.signatureAlgorithm;
  if (algorithm.algorithmId === oid.rsaEncryption || rsaSignatureOids[algorithm.algorithmId]) {
    const hash = rsaSignatureOids[algorithm.algorithmId] ?? digest;
    return { scheme: 'rsassa-pkcs1-v1_5', verifyWith: (data, sig) => safeVerify(() => rsaVerify(hash, data, { ...publicKeyInput(signer), padding: constants.RSA_PKCS1_PADDING }, sig)) };
  }
  if (algorithm.algorithmId === oid.rsaPss) {
    const params = algorithm.algorithmParams ? new pkijs.RSASSAPSSParams({ schema: algorithm.algorithmParams }) : new pkijs.RSASSAPSSParams();
    const hash = digestOids[params.hashAlgorithm.algorithmId];
    if (!hash) fail('authentication-failed', `RSASSA-PSS hash ${params.hashAlgorithm.algorithmId} is not supported`);
    return {
      scheme: 'rsassa-pss',
      verifyWith: (data, sig) => safeVerify(() => verifyPss(hash, data, signer, sig, params.saltLength)),
    };
  }
  return fail('authentication-failed', `signature algorithm ${algorithm.algorithmId} is not supported (supported: RSA PKCS#1 v1.5, RSASSA-PSS)`);
}

function safeVerify(run: () => boolean): boolean {
  try {
    return run();
  } catch {
    return false;
  }
}

export interface SignOptions {
  digest?: DigestName;
  scheme?: SignatureScheme;
  /** Detached (multipart/signed) by default; false encapsulates the content (opaque signed-data). */
  detached?: boolean;
  includeCertificate?: boolean;
  signingTime?: Date;
}

const digestLengths: Record<DigestName, number> = { md5: 16, sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 };

/** Signs `content` with signed attributes (content type, signing time, message digest); returns the ContentInfo DER. */
export function signData(content: Uint8Array, signer: As2KeyPair, options: SignOptions = {}): Uint8Array {
  const digest = options.digest ?? 'sha256';
  const scheme = options.scheme ?? 'rsassa-pkcs1-v1_5';
  const digestAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: digestOid(digest), algorithmParams: new asn1js.Null() });
  const attributes = [
    new pkijs.Attribute({ type: oid.contentTypeAttr, values: [new asn1js.ObjectIdentifier({ value: oid.data })] }),
    new pkijs.Attribute({ type: oid.signingTimeAttr, values: [new asn1js.UTCTime({ valueDate: options.signingTime ?? new Date() })] }),
    new pkijs.Attribute({ type: oid.messageDigestAttr, values: [new asn1js.OctetString({ valueHex: toArrayBuffer(createHash(digest).update(content).digest()) })] }),
  ];
  const toSign = new Uint8Array(new asn1js.Set({ value: attributes.map((a) => a.toSchema()) }).toBER(false));

  let signatureAlgorithm: pkijs.AlgorithmIdentifier;
  let signature: Uint8Array;
  if (scheme === 'rsassa-pss') {
    const saltLength = digestLengths[digest];
    const params = new pkijs.RSASSAPSSParams({
      hashAlgorithm: digestAlgorithm,
      maskGenAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: oid.mgf1, algorithmParams: digestAlgorithm.toSchema() }),
      saltLength,
    });
    signatureAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: oid.rsaPss, algorithmParams: params.toSchema() });
    signature = signPss(digest, toSign, signer.key, saltLength);
  } else {
    signatureAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: oid.rsaEncryption, algorithmParams: new asn1js.Null() });
    signature = rsaSign(digest, toSign, { ...privateKeyInput(signer.key), padding: constants.RSA_PKCS1_PADDING });
  }

  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: signer.certificate.pkijs.issuer, serialNumber: signer.certificate.pkijs.serialNumber }),
    digestAlgorithm,
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes }),
    signatureAlgorithm,
    signature: new asn1js.OctetString({ valueHex: toArrayBuffer(signature) }),
  });
  const detached = options.detached ?? true;
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [digestAlgorithm],
    encapContentInfo: encapsulatedContentInfo(oid.data, detached ? undefined : content),
    certificates: options.includeCertificate === false ? undefined : [signer.certificate.pkijs],
    signerInfos: [signerInfo],
  });
  return contentInfoDer(oid.signedData, signedData.toSchema(true));
}
