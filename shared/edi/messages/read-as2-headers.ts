/**
 * The AS2 headers of an inbound request (RFC 4130 §6): checked before anything is unwrapped,
 * each refusal naming the header and what is wrong with it.
 */
import { MimeHeaders, parseDispositionNotificationOptions, type HeaderInput, type ReceiptRequest } from '../../as2/index.ts';
import { problem, refusal, type Problem } from '../../errors.ts';
import { as2IdProblem } from '../partners/partner-profile.ts';
import { translateProblem } from '../../i18n/index.ts';

export type MdnMode = 'sync' | 'async' | 'none';

export interface As2RequestHeaders {
  as2Version: string;
  /** Unquoted AS2 names, compared byte for byte. */
  as2From: string;
  as2To: string;
  /** Without the angle brackets. */
  messageId: string;
  contentType: string;
  subject: string | undefined;
  mdnMode: MdnMode;
  /** The async MDN's destination (Receipt-Delivery-Option). */
  receiptDeliveryUrl: string | undefined;
  receipt: ReceiptRequest;
}

// RFC 4130 §6.1: 1.0 (original), 1.1 (compression), 1.2 (EDIINT-Features) are what partners send.
const versions = new Set(['1.0', '1.1', '1.2']);
// RFC 5322 allows 998 characters on a line; no AS2 peer sends longer ids.
const maxMessageIdLength = 998;

/** Refuses the request: the English text says what is wrong for the log and the partner, `p` is the header's problem as data. */
function refuse(header: string, text: string, p: Problem = problem('as2.missing', { header })): never {
  throw refusal('invalid_input', `${header} ${text}`, { [header]: p });
}

/** RFC 4130 §6.2: an AS2 name is atomic or a quoted string (with \" and \\ escapes). */
export function unquoteAs2Name(raw: string): string {
  const value = raw.trim();
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) return value.slice(1, -1).replace(/\\(.)/g, '$1');
  return value;
}

function as2Name(headers: MimeHeaders, header: string): string {
  const raw = headers.get(header);
  if (raw === undefined || raw.trim() === '') refuse(header, 'is missing: an AS2 message names its sender (AS2-From) and recipient (AS2-To) (RFC 4130 §6.2)');
  const name = unquoteAs2Name(raw);
  const why = as2IdProblem(name);
  if (why) refuse(header, `"${raw}" is not an AS2 name: ${translateProblem('en', why)}`, problem('as2.badName', { value: raw }));
  return name;
}

function messageIdOf(headers: MimeHeaders): string {
  const raw = headers.get('message-id')?.trim();
  if (!raw) refuse('Message-ID', 'is missing: every AS2 message carries a unique Message-ID (RFC 4130 §5.3.3), it is how a repeat is recognised');
  const id = raw.startsWith('<') && raw.endsWith('>') ? raw.slice(1, -1).trim() : raw;
  if (!id) refuse('Message-ID', `"${raw}" is empty between its angle brackets`, problem('as2.badMessageId', { value: raw }));
  if (id.length > maxMessageIdLength) refuse('Message-ID', `is ${id.length} characters long; at most ${maxMessageIdLength} are accepted`, problem('common.tooLong', { max: maxMessageIdLength }));
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f<>]/.test(id)) refuse('Message-ID', `"${raw}" holds control characters or nested angle brackets`, problem('as2.badMessageId', { value: raw }));
  return id;
}

function receiptUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    refuse('Receipt-Delivery-Option', `"${raw}" is not an absolute URL; an async MDN is POSTed to an http:// or https:// URL`, problem('as2.badReceiptUrl', { value: raw }));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') refuse('Receipt-Delivery-Option', `"${raw}" uses ${url.protocol}; async MDNs are sent over HTTP only (http:// or https://)`, problem('as2.badReceiptUrl', { value: raw }));
  return url.href;
}

/** Reads and checks the AS2 headers; `ourAs2Id` is AS2_ID, the only recipient we answer for. */
export function readAs2Headers(input: HeaderInput, ourAs2Id: string): As2RequestHeaders {
  const headers = MimeHeaders.from(input);
  const rawVersion = headers.get('as2-version')?.trim();
  if (!rawVersion) refuse('AS2-Version', 'is missing: an AS2 message states its version (1.0, 1.1 or 1.2, RFC 4130 §6.1)');
  if (!versions.has(rawVersion)) refuse('AS2-Version', `"${rawVersion}" is not supported; versions 1.0, 1.1 and 1.2 are`, problem('as2.badVersion', { value: rawVersion }));
  const as2From = as2Name(headers, 'AS2-From');
  const as2To = as2Name(headers, 'AS2-To');
  if (as2To !== ourAs2Id) refuse('AS2-To', `"${as2To}" is not this gateway: our AS2 id is "${ourAs2Id}" (compared exactly, case included)`, problem('as2.notThisGateway', { value: as2To, ours: ourAs2Id }));
  const messageId = messageIdOf(headers);
  const contentType = headers.get('content-type')?.trim();
  if (!contentType) refuse('Content-Type', 'is missing: it says how the body is wrapped (application/pkcs7-mime, multipart/signed, application/edifact …)');

  const wantsMdn = headers.get('disposition-notification-to') !== undefined;
  const rawReceiptUrl = headers.get('receipt-delivery-option');
  const receiptDeliveryUrl = wantsMdn && rawReceiptUrl?.trim() ? receiptUrl(rawReceiptUrl) : undefined;
  return {
    as2Version: rawVersion,
    as2From,
    as2To,
    messageId,
    contentType,
    subject: headers.get('subject'),
    mdnMode: !wantsMdn ? 'none' : receiptDeliveryUrl ? 'async' : 'sync',
    receiptDeliveryUrl,
    receipt: parseDispositionNotificationOptions(headers.get('disposition-notification-options')),
  };
}
