/**
 * CMS EnvelopedData (RFC 5652 §6) and AuthEnvelopedData with AES-GCM (RFC 5083/5084):
 * RSA key transport (PKCS#1 v1.5 or RSAES-OAEP, RFC 3560) and AES-CBC/GCM or 3DES content.
 * Primitives come from node:crypto: Web Crypto has no RSA PKCS#1 v1.5 encryption and no 3DES.
 */
import { constants, createCipheriv, createDecipheriv, createHash, createHmac, privateDecrypt, publicEncrypt, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { cipherOid, cipherOids, contentInfoDer, describeIdentifier, digestOid, digestOids, fail, identifierMatches, octetBytes, oid, parseContentInfo, toArrayBuffer, type CipherName, type DigestName } from './cms-common.ts';
import { As2Failure } from './failure.ts';
import { describeCertificate, privateKeyInput, publicKeyInput, type As2Certificate, type As2KeyPair } from './keys.ts';

export type KeyTransport = 'rsaes-pkcs1-v1_5' | 'rsaes-oaep';

export interface DecryptedContent {
  content: Uint8Array;
  cipher: CipherName;
  keyTransport: KeyTransport;
  /** The certificate of ours the message was encrypted to. */
  recipient: As2Certificate;
}

interface EnvelopeParts {
  recipientInfos: pkijs.RecipientInfo[];
  encryptedContentInfo: pkijs.EncryptedContentInfo;
  /** AuthEnvelopedData only: DER of the authenticated attributes (the GCM AAD) and the tag. */
  aad?: Uint8Array;
  mac?: Uint8Array;
}

/** Decrypts an enveloped-data or auth-enveloped-data ContentInfo with one of our key pairs. */
export function decryptEnvelopedData(der: Uint8Array, keys: As2KeyPair[]): DecryptedContent {
  const info = parseContentInfo(der, 'enveloped-data');
  const parts = readEnvelope(info);
  const algorithm = parts.encryptedContentInfo.contentEncryptionAlgorithm;
  const { cek, cipher, keyTransport, recipient } = openContentKey(parts.recipientInfos, algorithm, keys);
  const encrypted = parts.encryptedContentInfo.encryptedContent;
  if (!encrypted) fail('decryption-failed', 'the enveloped data carries no encrypted content (detached content is not supported)');
  const content = decryptContent(cipher, cek, algorithm.algorithmParams, octetBytes(encrypted), parts);
  return { content, cipher, keyTransport, recipient };
}

/** The content-encryption key, unwrapped from the recipient info addressed to one of our key pairs. */
export function openContentKey(recipientInfos: pkijs.RecipientInfo[], algorithm: pkijs.AlgorithmIdentifier, keys: As2KeyPair[]): { cek: Uint8Array; cipher: CipherName; keyTransport: KeyTransport; recipient: As2Certificate } {
  const keyTransports = recipientInfos.filter((r) => r.variant === 1).map((r) => r.value as pkijs.KeyTransRecipientInfo);
  if (keyTransports.length === 0) fail('decryption-failed', 'the message has no RSA key-transport recipient (only key agreement/KEK/password recipients, which are not supported)');
  const candidates = keyTransports.flatMap((ktri) => keys.filter((k) => identifierMatches(ktri.rid, k.certificate)).map((key) => ({ ktri, key })));
  if (candidates.length === 0) {
    const wanted = keyTransports.map((k) => describeIdentifier(k.rid)).join('; ');
    const ours = keys.map((k) => describeCertificate(k.certificate)).join('; ') || 'none configured';
    fail('decryption-failed', `the message is encrypted for ${wanted}, which is none of our decryption certificates: ${ours}`);
  }
  const cipherInfo = cipherOids[algorithm.algorithmId];
  if (!cipherInfo) fail('decryption-failed', `content encryption algorithm ${algorithm.algorithmId} is not supported (supported: AES-CBC, AES-GCM, 3DES-CBC)`);
  const { ktri, key } = candidates[0]!;
  const { cek, keyTransport } = unwrapContentKey(ktri, key, cipherInfo.keyLength);
  return { cek, cipher: cipherInfo.name, keyTransport, recipient: key.certificate };
}

function readEnvelope(info: pkijs.ContentInfo): EnvelopeParts {
  try {
    if (info.contentType === oid.envelopedData) {
      const env = new pkijs.EnvelopedData({ schema: info.content });
      return { recipientInfos: env.recipientInfos, encryptedContentInfo: env.encryptedContentInfo };
    }
    if (info.contentType === oid.authEnvelopedData) return readAuthEnvelope(info.content as asn1js.Sequence);
  } catch (error) {
    fail('unexpected-processing-error', `malformed ${info.contentType === oid.envelopedData ? 'EnvelopedData' : 'AuthEnvelopedData'}: ${(error as Error).message}`);
  }
  return fail('unexpected-processing-error', `expected enveloped data, found CMS content type ${info.contentType}`);
}

/** AuthEnvelopedData ::= SEQUENCE { version, [0] originatorInfo OPTIONAL, recipientInfos, authEncryptedContentInfo, [1] authAttrs OPTIONAL, mac, [2] unauthAttrs OPTIONAL } */
function readAuthEnvelope(seq: asn1js.Sequence): EnvelopeParts {
  const items = [...seq.valueBlock.value];
  items.shift(); // version
  if (items[0]?.idBlock.tagClass === 3 && items[0].idBlock.tagNumber === 0) items.shift();
  const recipientSet = items.shift() as asn1js.Set;
  const recipientInfos = recipientSet.valueBlock.value.map((schema) => new pkijs.RecipientInfo({ schema }));
  const encryptedContentInfo = new pkijs.EncryptedContentInfo({ schema: items.shift() });
  let aad = new Uint8Array(0);
  if (items[0]?.idBlock.tagClass === 3 && items[0].idBlock.tagNumber === 1) {
    // The AAD is the DER of the attributes with the SET OF tag, not the [1] IMPLICIT tag (RFC 5083 §2.2).
    const encoded = new Uint8Array(items.shift()!.toBER(false));
    encoded[0] = 0x31;
    aad = encoded;
  }
  const mac = items.shift();
  if (!mac) throw new Error('no MAC');
  return { recipientInfos, encryptedContentInfo, aad, mac: octetBytes(mac) };
}

function unwrapContentKey(ktri: pkijs.KeyTransRecipientInfo, key: As2KeyPair, keyLength: number): { cek: Uint8Array; keyTransport: KeyTransport } {
  const algorithm = ktri.keyEncryptionAlgorithm;
  const encryptedKey = octetBytes(ktri.encryptedKey);
  if (algorithm.algorithmId === oid.rsaEncryption) {
    return { cek: rsaPkcs1Decrypt(encryptedKey, key, keyLength), keyTransport: 'rsaes-pkcs1-v1_5' };
  }
  if (algorithm.algorithmId === oid.rsaOaep) {
    const params = algorithm.algorithmParams ? new pkijs.RSAESOAEPParams({ schema: algorithm.algorithmParams }) : new pkijs.RSAESOAEPParams();
    const hash = digestOids[params.hashAlgorithm.algorithmId];
    const mgfHashId = params.maskGenAlgorithm.algorithmParams ? new pkijs.AlgorithmIdentifier({ schema: params.maskGenAlgorithm.algorithmParams }).algorithmId : digestOid('sha1');
    if (!hash) fail('decryption-failed', `RSAES-OAEP hash ${params.hashAlgorithm.algorithmId} is not supported`);
    if (digestOids[mgfHashId] !== hash) fail('decryption-failed', `RSAES-OAEP with MGF1 hash ${mgfHashId} different from the OAEP hash ${hash} is not supported`);
    try {
      const cek = privateDecrypt({ ...privateKeyInput(key.key), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, encryptedKey);
      return { cek: new Uint8Array(cek), keyTransport: 'rsaes-oaep' };
    } catch (error) {
      fail('decryption-failed', `RSAES-OAEP (${hash}) unwrapping of the content key failed with ${describeCertificate(key.certificate)}: ${(error as Error).message}`);
    }
  }
  return fail('decryption-failed', `key transport algorithm ${algorithm.algorithmId} is not supported (supported: rsaEncryption, RSAES-OAEP)`);
}

/**
 * RSAES-PKCS1-v1_5 decryption done on the raw RSA result, because Node refuses PKCS#1 v1.5
 * private decryption since CVE-2023-46809. A bad padding yields a substitute key instead of an
 * error (RFC 3218 §2.3.2), so a padding oracle cannot be told from a wrong content key.
 *
 * The substitute is derived from our private key and the encrypted key (implicit rejection, as
 * OpenSSL 3.2 adopted it), not drawn at random: the same message gets the same answer on every
 * reading. With a fresh random key, a damaged encrypted key deciphered CBC content by chance
 * (a valid padding, 1 in 256) on one reading and not on the next: the streamed and the
 * in-memory unwrap answered the same bytes differently, and a sender resending one message
 * could in principle tell a bad padding (answers that vary) from a good one (always the same).
 */
function rsaPkcs1Decrypt(encryptedKey: Uint8Array, key: As2KeyPair, keyLength: number): Uint8Array {
  let block: Buffer;
  try {
    block = privateDecrypt({ ...privateKeyInput(key.key), padding: constants.RSA_NO_PADDING }, encryptedKey);
  } catch (error) {
    return fail('decryption-failed', `RSA decryption of the content key failed with ${describeCertificate(key.certificate)}: ${(error as Error).message}`);
  }
  const substitute = substituteKey(encryptedKey, key, keyLength);
  if (block[0] !== 0x00 || block[1] !== 0x02) return substitute;
  const separator = block.indexOf(0x00, 2);
  if (separator < 10) return substitute;
  const cek = new Uint8Array(block.subarray(separator + 1));
  return cek.length === keyLength ? cek : substitute;
}

/** `length` bytes only the holder of `key` can compute from `encryptedKey`: HMAC-SHA256 keyed with a digest of the private key. */
function substituteKey(encryptedKey: Uint8Array, key: As2KeyPair, length: number): Uint8Array {
  const secret = createHash('sha256').update('lotbridge cms implicit rejection').update(key.key.pkcs8).digest();
  const out: Buffer[] = [];
  for (let counter = 0; out.length * 32 < length; counter++) out.push(createHmac('sha256', secret).update(Buffer.from([counter, length])).update(encryptedKey).digest());
  return new Uint8Array(Buffer.concat(out).subarray(0, length));
}

function decryptContent(cipher: CipherName, cek: Uint8Array, params: unknown, encrypted: Uint8Array, parts: EnvelopeParts): Uint8Array {
  try {
    if (cipher.endsWith('-gcm')) {
      if (!parts.mac) fail('decryption-failed', `${cipher} content must come in AuthEnvelopedData (RFC 5083), not EnvelopedData`);
      const gcm = (params as asn1js.Sequence).valueBlock.value;
      const nonce = octetBytes(gcm[0]!);
      const decipher = createDecipheriv(cipher as 'aes-128-gcm', cek, nonce, { authTagLength: parts.mac.length });
      // No AAD when it is empty: workerd's setAAD fails on an empty one (GCM is the same either way).
      if (parts.aad?.length) decipher.setAAD(parts.aad);
      decipher.setAuthTag(parts.mac);
      return new Uint8Array(Buffer.concat([decipher.update(encrypted), decipher.final()]));
    }
    const iv = octetBytes(params as asn1js.OctetString);
    const decipher = createDecipheriv(cipher, cek, iv);
    return new Uint8Array(Buffer.concat([decipher.update(encrypted), decipher.final()]));
  } catch (error) {
    if (error instanceof As2Failure) throw error;
    return fail('decryption-failed', `${cipher} decryption of the content failed (${(error as Error).message}): the content key is wrong or the data was altered`);
  }
}

export interface EncryptOptions {
  /** Content cipher; AES-GCM produces AuthEnvelopedData (RFC 5083). Default aes-256-cbc. */
  cipher?: CipherName;
  /** Default RSA PKCS#1 v1.5, which every AS2 product reads; RSAES-OAEP on request. */
  keyTransport?: KeyTransport;
  /** OAEP hash (MGF1 uses the same). Default sha256. */
  oaepHash?: DigestName;
}

/** Encrypts `content` (a MIME entity) to each recipient certificate; returns the ContentInfo DER. */
export function encryptEnvelopedData(content: Uint8Array, recipients: As2Certificate[], options: EncryptOptions = {}): Uint8Array {
  if (recipients.length === 0) throw new Error('encryptEnvelopedData needs at least one recipient certificate');
  const cipher = options.cipher ?? 'aes-256-cbc';
  const { oid: cipherId, keyLength } = cipherOid(cipher);
  const cek = randomBytes(keyLength);
  const recipientInfos = recipients.map((cert) => keyTransportRecipient(cert, cek, options));

  if (cipher.endsWith('-gcm')) {
    const nonce = randomBytes(12);
    const encryptor = createCipheriv(cipher as 'aes-128-gcm', cek, nonce, { authTagLength: 16 });
    const encrypted = Buffer.concat([encryptor.update(content), encryptor.final()]);
    const gcmParams = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: toArrayBuffer(nonce) }), new asn1js.Integer({ value: 16 })] });
    const authEnveloped = new asn1js.Sequence({
      value: [
        new asn1js.Integer({ value: 0 }),
        new asn1js.Set({ value: recipientInfos.map((r) => r.toSchema()) }),
        encryptedContentInfo(cipherId, gcmParams, encrypted).toSchema(),
        new asn1js.OctetString({ valueHex: toArrayBuffer(encryptor.getAuthTag()) }),
      ],
    });
    return contentInfoDer(oid.authEnvelopedData, authEnveloped);
  }

  const iv = randomBytes(cipher === 'des-ede3-cbc' ? 8 : 16);
  const encryptor = createCipheriv(cipher, cek, iv);
  const encrypted = Buffer.concat([encryptor.update(content), encryptor.final()]);
  const enveloped = new pkijs.EnvelopedData({
    version: 0,
    recipientInfos,
    encryptedContentInfo: encryptedContentInfo(cipherId, new asn1js.OctetString({ valueHex: toArrayBuffer(iv) }), encrypted),
  });
  return contentInfoDer(oid.envelopedData, enveloped.toSchema());
}

function encryptedContentInfo(cipherId: string, params: asn1js.BaseBlock, encrypted: Uint8Array): pkijs.EncryptedContentInfo {
  return new pkijs.EncryptedContentInfo({
    contentType: oid.data,
    contentEncryptionAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: cipherId, algorithmParams: params }),
    encryptedContent: new asn1js.OctetString({ valueHex: toArrayBuffer(encrypted) }),
    disableSplit: true,
  });
}

function keyTransportRecipient(cert: As2Certificate, cek: Uint8Array, options: EncryptOptions): pkijs.RecipientInfo {
  let keyEncryptionAlgorithm: pkijs.AlgorithmIdentifier;
  let encryptedKey: Buffer;
  if (options.keyTransport === 'rsaes-oaep') {
    const hash = options.oaepHash ?? 'sha256';
    const hashAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: digestOid(hash), algorithmParams: new asn1js.Null() });
    const oaepParams = new pkijs.RSAESOAEPParams({
      hashAlgorithm,
      maskGenAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: oid.mgf1, algorithmParams: hashAlgorithm.toSchema() }),
    });
    keyEncryptionAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: oid.rsaOaep, algorithmParams: oaepParams.toSchema() });
    encryptedKey = publicEncrypt({ ...publicKeyInput(cert), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, cek);
  } else {
    keyEncryptionAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: oid.rsaEncryption, algorithmParams: new asn1js.Null() });
    encryptedKey = publicEncrypt({ ...publicKeyInput(cert), padding: constants.RSA_PKCS1_PADDING }, cek);
  }
  return new pkijs.RecipientInfo({
    variant: 1,
    value: new pkijs.KeyTransRecipientInfo({
      version: 0,
      rid: new pkijs.IssuerAndSerialNumber({ issuer: cert.pkijs.issuer, serialNumber: cert.pkijs.serialNumber }),
      keyEncryptionAlgorithm,
      encryptedKey: new asn1js.OctetString({ valueHex: toArrayBuffer(encryptedKey) }),
    }),
  });
}
