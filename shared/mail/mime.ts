/**
 * A composed message as RFC 5322 text with MIME (RFC 2045-2047, 2231) parts, for transports
 * that take raw mail (Cloudflare's send_email binding) where nodemailer cannot run. Text and
 * attachments are base64 (safe for any bytes and any language); non-ASCII header text goes as
 * RFC 2047 encoded words.
 */
import { bytesToBase64 } from '../as2/mime.ts';
import type { ComposedMail } from './mail-transport.ts';

const utf8 = new TextEncoder();

/** The address inside "Name <address>", or the whole when there are no brackets. */
export function bareAddress(mailbox: string): string {
  return (/<([^<>]+)>\s*$/.exec(mailbox)?.[1] ?? mailbox).trim();
}

function noBreaks(value: string, what: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`${what} holds a line break`);
  return value;
}

/** Header text: as it is when printable ASCII, else encoded words short enough for a 78-character line. */
function encodedText(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  const words: string[] = [];
  let chunk = '';
  for (const ch of text) {
    // 36 bytes of UTF-8 make 48 base64 characters: a word and its header name stay within 78.
    if (utf8.encode(chunk + ch).length > 36) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${bytesToBase64(utf8.encode(w), 0)}?=`).join('\r\n ');
}

/** "Name <address>" with a non-ASCII name encoded; a bare address as it is. */
function mailboxHeader(mailbox: string): string {
  noBreaks(mailbox, 'an address');
  const m = /^\s*"?([^"<]*?)"?\s*<([^<>]+)>\s*$/.exec(mailbox);
  if (!m || !m[1]) return bareAddress(mailbox);
  const name = /^[\x20-\x7e]*$/.test(m[1]) ? `"${m[1].replace(/["\\]/g, '\\$&')}"` : encodedText(m[1]);
  // Folded before the address: a long name and address stay within the line limit.
  return `${name}\r\n <${m[2]}>`;
}

/** filename="…" for a plain ASCII name, filename*=UTF-8''… (RFC 2231) otherwise. */
function fileParameter(key: string, filename: string): string {
  if (/^[\x20-\x7e]*$/.test(filename) && !/["\\]/.test(filename)) return `${key}="${filename}"`;
  return `${key}*=UTF-8''${encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** Date: in RFC 5322 form, in UTC. */
function rfc5322Date(at: Date): string {
  const [day, date, month, year, time] = at.toUTCString().split(' ');
  return `${day} ${date} ${month} ${year} ${time} +0000`;
}

function part(headers: string[], body: string): string {
  return `${headers.join('\r\n')}\r\n\r\n${body}`;
}

function multipart(type: string, boundary: string, parts: string[]): string {
  return part([`Content-Type: multipart/${type}; boundary="${boundary}"`], `${parts.map((p) => `--${boundary}\r\n${p}`).join('\r\n')}\r\n--${boundary}--\r\n`);
}

const textPart = (type: string, text: string) => part([`Content-Type: ${type}; charset=utf-8`, 'Content-Transfer-Encoding: base64'], bytesToBase64(utf8.encode(text)));

/** The whole message; `messageId` without brackets, `at` its Date. */
export function composeMime(m: ComposedMail, options: { messageId: string; at: Date }): string {
  const headers = [
    `From: ${mailboxHeader(m.from)}`,
    `To: ${mailboxHeader(m.to)}`,
    ...(m.cc.length ? [`Cc: ${m.cc.map(mailboxHeader).join(',\r\n ')}`] : []),
    `Subject: ${encodedText(noBreaks(m.subject, 'the subject'))}`,
    `Date: ${rfc5322Date(options.at)}`,
    `Message-ID: <${noBreaks(options.messageId, 'the message id')}>`,
    'MIME-Version: 1.0',
  ];
  const boundary = (n: number) => `=_lotbridge_${n}_${m.id.replace(/[^A-Za-z0-9]/g, '')}`;
  let body = m.html ? multipart('alternative', boundary(2), [textPart('text/plain', m.text), textPart('text/html', m.html)]) : textPart('text/plain', m.text);
  if (m.attachments.length) {
    const files = m.attachments.map((a) =>
      part(
        [
          `Content-Type: ${noBreaks(a.contentType, 'a content type')};\r\n ${fileParameter('name', a.filename)}`,
          `Content-Disposition: attachment;\r\n ${fileParameter('filename', a.filename)}`,
          'Content-Transfer-Encoding: base64',
        ],
        bytesToBase64(a.content),
      ),
    );
    body = multipart('mixed', boundary(1), [body, ...files]);
  }
  return `${headers.join('\r\n')}\r\n${body}`;
}
