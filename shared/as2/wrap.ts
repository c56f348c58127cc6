/**
 * Builds an outbound AS2 message (RFC 4130 §6, RFC 5402): payload entity → optional compression
 * → optional signature → optional encryption, with the HTTP headers and the MIC the partner's
 * MDN must return. Compression comes before signing by default (RFC 5402 §4 lets the profile
 * choose: `compressAfterSigning` moves it outside the signature).
 */
import { compressData } from './cms-compressed.ts';
import type { CipherName, DigestName } from './cms-common.ts';
import { encryptEnvelopedData, type KeyTransport } from './cms-enveloped.ts';
import type { SignatureScheme } from './cms-signed.ts';
import type { As2Certificate, As2KeyPair } from './keys.ts';
import { quoteAs2Id } from './mdn.ts';
import { computeMic, micAlgorithmLabel, type Mic } from './mic.ts';
import { canonicalizeEntity, formatParam, serializeEntity, type HeaderList } from './mime.ts';
import { buildMultipartSigned } from './multipart-signed.ts';

export interface WrapInput {
  as2From: string;
  as2To: string;
  payload: Uint8Array;
  /** Payload media type, default application/edifact. */
  contentType?: string;
  filename?: string;
  messageId?: string;
  subject?: string;
  compress?: boolean;
  /** Compress the signed entity instead of signing the compressed one. */
  compressAfterSigning?: boolean;
  sign?: { keyPair: As2KeyPair; digest?: DigestName; scheme?: SignatureScheme };
  encrypt?: { certificates: As2Certificate[]; cipher?: CipherName; keyTransport?: KeyTransport; oaepHash?: DigestName };
  /** Ask for an MDN at `to` (an address or URL); async when `asyncUrl` is set. */
  mdn?: { to: string; signed?: boolean; micAlgorithm?: DigestName; asyncUrl?: string };
  date?: Date;
}

export interface WrappedMessage {
  /** HTTP request headers. */
  headers: HeaderList;
  body: Uint8Array;
  messageId: string;
  /** The MIC the MDN must return for this message. */
  expectedMic: Mic;
  layers: string[];
}

interface Layer {
  contentType: string;
  body: Uint8Array;
}

function entityBytes(layer: Layer, extra: HeaderList = []): Uint8Array {
  return serializeEntity([['Content-Type', layer.contentType], ...extra], layer.body);
}

function pkcs7Layer(smimeType: string, name: string, der: Uint8Array): Layer {
  return { contentType: `application/pkcs7-mime; smime-type=${smimeType}; name=${name}`, body: der };
}

/** RFC 2231 for non-ASCII file names, a quoted string otherwise. */
function dispositionFor(filename: string): string {
  if (/^[\x20-\x7e]*$/.test(filename)) return `attachment; ${formatParam('filename', filename)}`;
  return `attachment; filename*=utf-8''${encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

export function wrapAs2(input: WrapInput): WrappedMessage {
  const messageId = input.messageId ?? `<${crypto.randomUUID()}@${input.as2From.replace(/[^A-Za-z0-9.-]/g, '_')}>`;
  const layers: string[] = [];
  const payloadHeaders: HeaderList = [['Content-Transfer-Encoding', 'binary']];
  if (input.filename) payloadHeaders.push(['Content-Disposition', dispositionFor(input.filename)]);
  let layer: Layer = { contentType: input.contentType ?? 'application/edifact', body: input.payload };
  let current = entityBytes(layer, payloadHeaders);
  let signedContent: Uint8Array | undefined;
  let encryptedContent: Uint8Array | undefined;

  const compress = (): void => {
    layer = pkcs7Layer('compressed-data', 'smime.p7z', compressData(current));
    current = entityBytes(layer, [['Content-Transfer-Encoding', 'binary']]);
    layers.push('compressed');
  };

  if (input.compress && !input.compressAfterSigning) compress();
  if (input.sign) {
    const digest = input.sign.digest ?? 'sha256';
    signedContent = current;
    const signed = buildMultipartSigned(current, input.sign.keyPair, digest, input.sign.scheme);
    layer = { contentType: signed.contentType, body: signed.body };
    current = entityBytes(layer);
    layers.push(`signed:${digest}`);
  }
  if (input.compress && input.compressAfterSigning) compress();
  if (input.encrypt) {
    encryptedContent = current;
    const cipher = input.encrypt.cipher ?? 'aes-256-cbc';
    layer = pkcs7Layer('enveloped-data', 'smime.p7m', encryptEnvelopedData(current, input.encrypt.certificates, { ...input.encrypt, cipher }));
    layers.push(`encrypted:${cipher}`);
  }

  const micAlgorithm = input.mdn?.micAlgorithm ?? input.sign?.digest ?? 'sha256';
  // The same rule the receiver follows (RFC 4130 §7.3.1), see unwrap.ts.
  const expectedMic = computeMic(signedContent ?? (encryptedContent ? canonicalizeEntity(encryptedContent) : layer.body), micAlgorithm);

  const headers: HeaderList = [
    ['AS2-Version', '1.2'],
    ['AS2-From', quoteAs2Id(input.as2From)],
    ['AS2-To', quoteAs2Id(input.as2To)],
    ['Message-ID', messageId],
    ['Date', (input.date ?? new Date()).toUTCString()],
    ['Subject', input.subject ?? 'AS2 message'],
    ['MIME-Version', '1.0'],
    ['Content-Type', layer.contentType],
  ];
  if (!input.sign && !input.encrypt && !input.compress && input.filename) headers.push(['Content-Disposition', dispositionFor(input.filename)]);
  if (input.mdn) {
    headers.push(['Disposition-Notification-To', input.mdn.to]);
    if (input.mdn.signed) {
      headers.push(['Disposition-Notification-Options', `signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, ${micAlgorithmLabel(micAlgorithm)}`]);
    }
    if (input.mdn.asyncUrl) headers.push(['Receipt-Delivery-Option', input.mdn.asyncUrl]);
  }
  return { headers, body: layer.body, messageId, expectedMic, layers };
}
