/**
 * Message Disposition Notifications for AS2 (RFC 4130 §7, RFC 3798): build one (signed when
 * the sender asked) and read one a partner sent back, checking its signature against the
 * partner's certificates. A signature that fails is reported, not thrown: the disposition and
 * MIC are still worth reading.
 */
import type { DigestName } from './cms-common.ts';
import type { VerifiedSignature } from './cms-signed.ts';
import { As2Failure, type As2Disposition } from './failure.ts';
import type { As2Certificate, As2KeyPair } from './keys.ts';
import { micAlgorithmFromName, micAlgorithmLabel, type Mic } from './mic.ts';
import {
  buildMultipartBody,
  bytesToLatin1,
  contentTypeOf,
  decodedBody,
  formatParam,
  latin1ToBytes,
  MimeHeaders,
  multipartParts,
  newBoundary,
  parseHeaderText,
  parseMimeEntity,
  serializeEntity,
  type HeaderInput,
  type HeaderList,
  type MimeEntity,
} from './mime.ts';
import { buildMultipartSigned, splitMultipartSigned, verifyMultipartSigned } from './multipart-signed.ts';

export type MdnOutcome = { status: 'processed'; warning?: string } | { status: 'error'; error: As2Disposition | (string & {}) };

export interface BuildMdnInput {
  /** Our AS2 id (sends the MDN) and the partner's (receives it). */
  as2From: string;
  as2To: string;
  messageId: string;
  originalMessageId: string;
  /** Original-Recipient / Final-Recipient: our AS2 id as the message named it. */
  finalRecipient: string;
  originalRecipient?: string;
  reportingUa: string;
  outcome: MdnOutcome;
  mic?: Mic;
  humanText?: string;
  /** Sign with this key pair (multipart/signed) when the sender asked for a signed receipt. */
  sign?: { keyPair: As2KeyPair; digest?: DigestName };
  date?: Date;
}

export interface BuiltMdn {
  /** HTTP headers (or those of an async MDN's request). */
  headers: HeaderList;
  body: Uint8Array;
}

export function dispositionText(outcome: MdnOutcome): string {
  const base = 'automatic-action/MDN-sent-automatically; processed';
  if (outcome.status === 'error') return `${base}/error: ${outcome.error}`;
  return outcome.warning ? `${base}/warning: ${outcome.warning}` : base;
}

function bracketed(id: string): string {
  return id.startsWith('<') ? id : `<${id}>`;
}

export function buildMdn(input: BuildMdnInput): BuiltMdn {
  const fields: HeaderList = [['Reporting-UA', input.reportingUa]];
  if (input.originalRecipient) fields.push(['Original-Recipient', `rfc822; ${input.originalRecipient}`]);
  fields.push(['Final-Recipient', `rfc822; ${input.finalRecipient}`], ['Original-Message-ID', bracketed(input.originalMessageId)]);
  if (input.mic) fields.push(['Received-Content-MIC', `${input.mic.value}, ${micAlgorithmLabel(input.mic.algorithm)}`]);
  fields.push(['Disposition', dispositionText(input.outcome)]);

  const human =
    input.humanText ??
    (input.outcome.status === 'processed'
      ? `The AS2 message ${bracketed(input.originalMessageId)} was received and processed.`
      : `The AS2 message ${bracketed(input.originalMessageId)} could not be processed: ${input.outcome.error}.`);
  const textPart = serializeEntity([['Content-Type', 'text/plain; charset=us-ascii'], ['Content-Transfer-Encoding', '7bit']], latin1ToBytes(`${human}\r\n`));
  const notificationPart = serializeEntity(
    [['Content-Type', 'message/disposition-notification'], ['Content-Transfer-Encoding', '7bit']],
    latin1ToBytes(fields.map(([n, v]) => `${n}: ${v}\r\n`).join('')),
  );
  const boundary = newBoundary('mdn');
  const reportType = `multipart/report; report-type=disposition-notification; ${formatParam('boundary', boundary)}`;
  const reportBody = buildMultipartBody([textPart, notificationPart], boundary);

  const headers: HeaderList = [
    ['AS2-Version', '1.2'],
    ['AS2-From', quoteAs2Id(input.as2From)],
    ['AS2-To', quoteAs2Id(input.as2To)],
    ['Message-ID', bracketed(input.messageId)],
    ['Date', (input.date ?? new Date()).toUTCString()],
    ['Subject', 'Message Disposition Notification'],
    ['MIME-Version', '1.0'],
  ];
  if (!input.sign) return { headers: [...headers, ['Content-Type', reportType]], body: reportBody };
  const reportEntity = serializeEntity([['Content-Type', reportType]], reportBody);
  const signed = buildMultipartSigned(reportEntity, input.sign.keyPair, input.sign.digest ?? 'sha256');
  return { headers: [...headers, ['Content-Type', signed.contentType]], body: signed.body };
}

/** AS2 ids with spaces or specials are quoted (RFC 4130 §6.2). */
export function quoteAs2Id(id: string): string {
  return /^[!#-[\]-~]+$/.test(id) ? id : `"${id.replace(/(["\\])/g, '\\$1')}"`;
}

export interface DispositionModifiers {
  error?: string;
  warning?: string;
  failure?: string;
}

export type MdnSignatureCheck =
  | { status: 'unsigned' }
  | { status: 'verified'; signer: As2Certificate; digestAlgorithm: DigestName }
  | { status: 'refused'; disposition: As2Disposition; reason: string };

export interface ParsedMdn {
  originalMessageId?: string;
  reportingUa?: string;
  originalRecipient?: string;
  finalRecipient?: string;
  /** The Disposition field as sent. */
  disposition: string;
  /** `processed`, `failed`, … (lower case). */
  dispositionType: string;
  modifiers: DispositionModifiers;
  /** True for `processed` without error or failure modifiers. */
  positive: boolean;
  receivedContentMic?: string;
  micAlgorithm?: DigestName;
  /** The algorithm as written, also when we do not know it. */
  micAlgorithmName?: string;
  humanText?: string;
  fields: MimeHeaders;
  signature: MdnSignatureCheck;
  signer?: As2Certificate;
}

export interface ParseMdnOptions {
  trustedCertificates: As2Certificate[];
  now: Date;
}

/** Reads an MDN (multipart/report, possibly inside multipart/signed). Throws As2Failure when it is not an MDN. */
export function parseMdn(headers: HeaderInput, body: Uint8Array, options: ParseMdnOptions): ParsedMdn {
  const top: MimeEntity = { headers: MimeHeaders.from(headers), rawBody: body };
  let report = top;
  let signature: MdnSignatureCheck = { status: 'unsigned' };
  if (contentTypeOf(top.headers).mediaType === 'multipart/signed') {
    try {
      const verified: VerifiedSignature = verifyMultipartSigned(top, options.trustedCertificates, options.now);
      signature = { status: 'verified', signer: verified.signer, digestAlgorithm: verified.digestAlgorithm };
      report = parseMimeEntity(verified.content);
    } catch (error) {
      // A bad or unreadable signature is a refusal of the signature, not of the MDN's content.
      if (!(error instanceof As2Failure)) throw error;
      signature = { status: 'refused', disposition: error.disposition, reason: error.message };
      report = parseMimeEntity(splitMultipartSigned(top).content);
    }
  }
  const reportType = contentTypeOf(report.headers).mediaType;
  if (reportType !== 'multipart/report') throw new As2Failure('unexpected-processing-error', `an MDN must be multipart/report, this is ${reportType}`);
  const parts = multipartParts(report);
  const notification = parts.find((p) => contentTypeOf(p.headers).mediaType === 'message/disposition-notification');
  if (!notification) throw new As2Failure('unexpected-processing-error', `the multipart/report has no message/disposition-notification part (parts: ${parts.map((p) => contentTypeOf(p.headers).mediaType).join(', ')})`);
  const human = parts.find((p) => p !== notification && contentTypeOf(p.headers).mediaType.startsWith('text/'));
  const fields = new MimeHeaders(parseHeaderText(bytesToLatin1(decodedBody(notification))));

  const disposition = fields.get('disposition');
  if (!disposition) throw new As2Failure('unexpected-processing-error', 'the disposition notification has no Disposition field');
  const { dispositionType, modifiers } = parseDisposition(disposition);
  const mic = fields.get('received-content-mic');
  const comma = mic?.lastIndexOf(',') ?? -1;
  const micAlgorithmName = mic && comma > 0 ? mic.slice(comma + 1).trim() : undefined;
  return {
    originalMessageId: fields.get('original-message-id'),
    reportingUa: fields.get('reporting-ua'),
    originalRecipient: recipientAddress(fields.get('original-recipient')),
    finalRecipient: recipientAddress(fields.get('final-recipient')),
    disposition,
    dispositionType,
    modifiers,
    positive: dispositionType === 'processed' && !modifiers.error && !modifiers.failure,
    receivedContentMic: mic ? (comma > 0 ? mic.slice(0, comma) : mic).trim() : undefined,
    micAlgorithm: micAlgorithmName ? micAlgorithmFromName(micAlgorithmName) : undefined,
    micAlgorithmName,
    humanText: human ? bytesToLatin1(decodedBody(human)).trim() : undefined,
    fields,
    signature,
    signer: signature.status === 'verified' ? signature.signer : undefined,
  };
}

/** `automatic-action/MDN-sent-automatically; processed/error: decryption-failed` → type + modifiers. */
export function parseDisposition(disposition: string): { dispositionType: string; modifiers: DispositionModifiers } {
  const afterMode = disposition.includes(';') ? disposition.slice(disposition.indexOf(';') + 1) : disposition;
  const slash = afterMode.indexOf('/');
  const dispositionType = (slash < 0 ? afterMode : afterMode.slice(0, slash)).trim().toLowerCase();
  const modifiers: DispositionModifiers = {};
  if (slash >= 0) {
    const modifier = afterMode.slice(slash + 1);
    const colon = modifier.indexOf(':');
    const kind = (colon < 0 ? modifier : modifier.slice(0, colon)).trim().toLowerCase();
    const text = colon < 0 ? '' : modifier.slice(colon + 1).trim();
    if (kind === 'error' || kind === 'warning' || kind === 'failure') modifiers[kind] = text;
  }
  return { dispositionType, modifiers };
}

function recipientAddress(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const semi = value.indexOf(';');
  return (semi < 0 ? value : value.slice(semi + 1)).trim().replace(/^"(.*)"$/, '$1');
}
