/** AS2 message layer (RFC 4130): MIME, CMS, MIC, MDN. Pure functions over bytes and keys. */
export * from './failure.ts';
export * from './mime.ts';
export * from './keys.ts';
export * from './mic.ts';
export { decryptEnvelopedData, encryptEnvelopedData, type DecryptedContent, type EncryptOptions, type KeyTransport } from './cms-enveloped.ts';
export { verifySignedData, signData, certificatesInSignedData, type SignOptions, type SignatureScheme, type VerifiedSignature, type VerifyOptions } from './cms-signed.ts';
export { compressData, compressedDataOf, decompressData } from './cms-compressed.ts';
export type { CipherName, DigestName } from './cms-common.ts';
export { buildMultipartSigned, splitMultipartSigned, verifyMultipartSigned } from './multipart-signed.ts';
export * from './unwrap.ts';
export { streamedUnwrapBytes, unwrapAs2Stream, type PayloadSink, type StoredPayload, type StreamedUnwrapSuccess } from './unwrap-stream.ts';
export * from './mdn.ts';
export * from './wrap.ts';
