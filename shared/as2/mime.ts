/**
 * MIME entities as AS2 needs them (RFC 2045/2046/2047/2231, RFC 1847 multipart/signed).
 * Everything works on bytes: header text is read as latin1 so that offsets stay byte offsets
 * and the exact bytes of a signed part can be handed to signature verification untouched.
 */

export type HeaderList = [name: string, value: string][];

/** Anything a caller may hold HTTP or MIME headers in. */
export type HeaderInput = MimeHeaders | HeaderList | Record<string, string | string[] | undefined> | { forEach(cb: (value: string, name: string) => void): void };

export class MimeHeaders {
  readonly list: HeaderList;

  constructor(list: HeaderList = []) {
    this.list = list;
  }

  static from(input: HeaderInput): MimeHeaders {
    if (input instanceof MimeHeaders) return input;
    if (Array.isArray(input)) return new MimeHeaders(input.map(([n, v]) => [n, v]));
    const list: HeaderList = [];
    if (typeof (input as { forEach?: unknown }).forEach === 'function' && !isPlainRecord(input)) {
      (input as { forEach(cb: (value: string, name: string) => void): void }).forEach((value, name) => list.push([name, value]));
      return new MimeHeaders(list);
    }
    for (const [name, value] of Object.entries(input as Record<string, string | string[] | undefined>)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) list.push([name, v]);
    }
    return new MimeHeaders(list);
  }

  get(name: string): string | undefined {
    const lower = name.toLowerCase();
    return this.list.find(([n]) => n.toLowerCase() === lower)?.[1];
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }
}

function isPlainRecord(value: unknown): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export interface ParsedHeaderValue {
  /** The value before the first ';', lower-cased (e.g. `multipart/signed`, `attachment`). */
  value: string;
  /** Parameters with lower-cased names; RFC 2231 continuations and charsets already joined. */
  params: Record<string, string>;
}

export interface MimeEntity {
  headers: MimeHeaders;
  /** Bytes of the body before Content-Transfer-Encoding is undone. */
  rawBody: Uint8Array;
  /** The exact bytes of headers + blank line + body, when the entity was parsed from bytes. */
  raw?: Uint8Array;
}

const latin1 = new TextDecoder('latin1');

export function bytesToLatin1(bytes: Uint8Array): string {
  return latin1.decode(bytes);
}

export function latin1ToBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

export function concatBytes(...chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Finds the blank line ending a header block, accepting CRLF or bare LF (captured messages
 * mix them). A block that starts with a line break has no headers at all.
 */
export function splitHeaderBlock(bytes: Uint8Array): { headerText: string; bodyStart: number } {
  // Content that does not open with a header line (or an HTTP start line, in captures) has no
  // header block: mendelson encrypts bare payloads.
  if (!/^(?:[A-Za-z0-9-]+:|HTTP[/ ]|[A-Z]+ \S+ HTTP\/)/.test(bytesToLatin1(bytes.subarray(0, 200)))) {
    if (bytes[0] !== 0x0a && bytes[0] !== 0x0d) return { headerText: '', bodyStart: 0 };
  }
  if (bytes[0] === 0x0a) return { headerText: '', bodyStart: 1 };
  if (bytes[0] === 0x0d && bytes[1] === 0x0a) return { headerText: '', bodyStart: 2 };
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    // An LF followed by LF or CRLF ends the block.
    if (bytes[i + 1] === 0x0a) return { headerText: bytesToLatin1(bytes.subarray(0, i + 1)), bodyStart: i + 2 };
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) return { headerText: bytesToLatin1(bytes.subarray(0, i + 1)), bodyStart: i + 3 };
  }
  return { headerText: bytesToLatin1(bytes), bodyStart: bytes.length };
}

/** Unfolds and splits a header block; lines without a colon (e.g. an HTTP request line) are skipped. */
export function parseHeaderText(text: string): HeaderList {
  const list: HeaderList = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '') continue;
    if ((line[0] === ' ' || line[0] === '\t') && list.length > 0) {
      // Folded continuation: RFC 5322 unfolding removes only the line break.
      const last = list[list.length - 1]!;
      last[1] = `${last[1]}${line}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || /\s/.test(line.slice(0, colon))) continue;
    list.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return list;
}

/** Parses one MIME entity (headers, blank line, body) from its exact bytes. */
export function parseMimeEntity(bytes: Uint8Array): MimeEntity {
  const { headerText, bodyStart } = splitHeaderBlock(bytes);
  return { headers: new MimeHeaders(parseHeaderText(headerText)), rawBody: bytes.subarray(bodyStart), raw: bytes };
}

/** Some senders (ph-OpenAS2 4.4.4) quote whole header values: `"multipart/signed; protocol=\"…\""`. */
function unquoteWholeValue(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"') && /^"[^"\\]*\/|^"[^"\\;]*;/.test(v)) {
    return v.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return v;
}

/** Parses `value; name=token; name="quoted"; name*=utf-8''%E2%82%AC; name*0=…` (RFC 2045 + 2231). */
export function parseHeaderValue(input: string): ParsedHeaderValue {
  const text = unquoteWholeValue(input);
  let i = 0;
  const readUntil = (stop: string): string => {
    const start = i;
    while (i < text.length && !stop.includes(text[i]!)) i++;
    return text.slice(start, i);
  };
  const value = readUntil(';').trim().toLowerCase();
  const raw: [string, string, boolean][] = [];
  while (i < text.length) {
    i++; // the ';'
    while (i < text.length && /\s/.test(text[i]!)) i++;
    const name = readUntil('=;').trim().toLowerCase();
    if (text[i] !== '=') {
      continue;
    }
    i++;
    while (i < text.length && /\s/.test(text[i]!)) i++;
    let paramValue = '';
    let quoted = false;
    if (text[i] === '"') {
      quoted = true;
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        paramValue += text[i];
        i++;
      }
      i++;
      readUntil(';');
    } else {
      paramValue = readUntil(';').trim();
    }
    if (name) raw.push([name, paramValue, quoted]);
  }
  return { value, params: joinRfc2231(raw) };
}

/** Joins RFC 2231 continuations (`name*0*`, `name*1`) and decodes `charset'lang'%xx` values. */
function joinRfc2231(raw: [string, string, boolean][]): Record<string, string> {
  const params: Record<string, string> = {};
  const continued = new Map<string, { index: number; value: string; encoded: boolean }[]>();
  for (const [name, value] of raw) {
    // name* (extended), name*0 / name*1 (continued), name*0* (continued and extended)
    const m = /^([^*]+)\*(?:(\d+)\*?)?$/.exec(name);
    if (!m) {
      if (!(name in params)) params[name] = value;
      continue;
    }
    const base = m[1]!;
    const index = m[2] === undefined ? 0 : Number(m[2]);
    const encoded = name.endsWith('*');
    const parts = continued.get(base) ?? [];
    parts.push({ index, value, encoded });
    continued.set(base, parts);
  }
  for (const [base, parts] of continued) {
    parts.sort((a, b) => a.index - b.index);
    let charset = 'utf-8';
    const bytes: number[] = [];
    parts.forEach((part, n) => {
      let v = part.value;
      if (part.encoded && n === 0) {
        const m = /^([^']*)'[^']*'(.*)$/.exec(v);
        if (m) {
          charset = m[1] || 'utf-8';
          v = m[2]!;
        }
      }
      if (part.encoded) {
        for (let k = 0; k < v.length; k++) {
          if (v[k] === '%' && /^[0-9a-fA-F]{2}$/.test(v.slice(k + 1, k + 3))) {
            bytes.push(parseInt(v.slice(k + 1, k + 3), 16));
            k += 2;
          } else bytes.push(v.charCodeAt(k) & 0xff);
        }
      } else for (const ch of new TextEncoder().encode(v)) bytes.push(ch);
    });
    // An extended value wins over a plain one of the same name (RFC 2231 §4).
    params[base] = decodeCharset(new Uint8Array(bytes), charset);
  }
  return params;
}

function decodeCharset(bytes: Uint8Array, charset: string): string {
  try {
    return new TextDecoder(charset.toLowerCase()).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** Decodes RFC 2047 encoded-words (`=?utf-8?B?…?=`, `=?iso-8859-1?Q?…?=`); whitespace between two words is dropped. */
export function decodeEncodedWords(text: string): string {
  const word = /=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g;
  const joined = text.replace(/(=\?[^?]+\?[bBqQ]\?[^?]*\?=)\s+(?==\?[^?]+\?[bBqQ]\?[^?]*\?=)/g, '$1');
  return joined.replace(word, (_all, charset: string, encoding: string, data: string) => {
    const cs = charset.split('*')[0]!; // RFC 2231 language suffix
    let bytes: Uint8Array;
    if (encoding.toLowerCase() === 'b') bytes = base64ToBytes(data);
    else {
      const qp = data.replace(/_/g, ' ');
      bytes = latin1ToBytes(qp.replace(/=([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))));
    }
    return decodeCharset(bytes, cs);
  });
}

export interface ContentType {
  mediaType: string;
  params: Record<string, string>;
}

export function contentTypeOf(headers: MimeHeaders): ContentType {
  const header = headers.get('content-type');
  // RFC 2045 §5.2: no Content-Type means text/plain; us-ascii.
  if (!header) return { mediaType: 'text/plain', params: {} };
  const parsed = parseHeaderValue(header);
  return { mediaType: parsed.value, params: parsed.params };
}

/** The file name from Content-Disposition (RFC 2231 `filename*` or RFC 2047 words) or Content-Type `name`. */
export function filenameOf(headers: MimeHeaders): string | undefined {
  const disposition = headers.get('content-disposition');
  const fromDisposition = disposition ? parseHeaderValue(disposition).params.filename : undefined;
  const fromType = contentTypeOf(headers).params.name;
  const name = fromDisposition ?? fromType;
  return name === undefined ? undefined : decodeEncodedWords(name);
}

export function base64ToBytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replace(/[^A-Za-z0-9+/=_-]/g, ''), 'base64'));
}

export function bytesToBase64(bytes: Uint8Array, lineLength = 76): string {
  const b64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  if (!lineLength) return b64;
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += lineLength) lines.push(b64.slice(i, i + lineLength));
  return lines.join('\r\n');
}

export function decodeQuotedPrintable(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b !== 0x3d) {
      out.push(b);
      continue;
    }
    // Soft line break: '=' then optional trailing whitespace then CRLF or LF.
    let j = i + 1;
    while (bytes[j] === 0x20 || bytes[j] === 0x09) j++;
    if (bytes[j] === 0x0d && bytes[j + 1] === 0x0a) {
      i = j + 1;
      continue;
    }
    if (bytes[j] === 0x0a) {
      i = j;
      continue;
    }
    const hex = String.fromCharCode(bytes[i + 1] ?? 0, bytes[i + 2] ?? 0);
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else out.push(b);
  }
  return new Uint8Array(out);
}

/** The body with its Content-Transfer-Encoding undone (base64, quoted-printable; 7bit/8bit/binary as is). */
export function decodedBody(entity: MimeEntity): Uint8Array {
  const cte = (entity.headers.get('content-transfer-encoding') ?? 'binary').trim().toLowerCase();
  if (cte === 'base64') return base64ToBytes(bytesToLatin1(entity.rawBody));
  if (cte === 'quoted-printable') return decodeQuotedPrintable(entity.rawBody);
  return entity.rawBody;
}

export interface MultipartBody {
  preamble: Uint8Array;
  /** Each part's exact bytes (its headers and body), without the line break that precedes the next delimiter. */
  parts: Uint8Array[];
  epilogue: Uint8Array;
}

/**
 * Splits a multipart body on `--boundary` lines (RFC 2046 §5.1.1): a delimiter starts a line,
 * may carry trailing whitespace, and the line break before it belongs to the delimiter.
 */
export function splitMultipart(body: Uint8Array, boundary: string): MultipartBody {
  const delimiter = latin1ToBytes(`--${boundary}`);
  const delimiters: { start: number; contentStart: number; close: boolean; lineEnd: number }[] = [];
  let from = 0;
  while (from <= body.length - delimiter.length) {
    const at = indexOf(body, delimiter, from);
    if (at < 0) break;
    const atLineStart = at === 0 || body[at - 1] === 0x0a;
    if (!atLineStart) {
      from = at + 1;
      continue;
    }
    let k = at + delimiter.length;
    const close = body[k] === 0x2d && body[k + 1] === 0x2d;
    if (close) k += 2;
    while (body[k] === 0x20 || body[k] === 0x09) k++;
    const endsLine = k >= body.length || body[k] === 0x0a || (body[k] === 0x0d && body[k + 1] === 0x0a);
    if (!endsLine) {
      from = at + 1; // a longer boundary that merely starts with ours
      continue;
    }
    const lineEnd = k >= body.length ? k : body[k] === 0x0d ? k + 2 : k + 1;
    const start = at === 0 ? 0 : body[at - 2] === 0x0d ? at - 2 : at - 1;
    delimiters.push({ start, contentStart: lineEnd, close, lineEnd });
    if (close) break;
    from = lineEnd;
  }
  const first = delimiters[0];
  if (!first) throw new MimeError(`multipart body has no delimiter line "--${boundary}"`);
  const parts: Uint8Array[] = [];
  for (let n = 0; n < delimiters.length - 1; n++) {
    parts.push(body.subarray(delimiters[n]!.contentStart, Math.max(delimiters[n]!.contentStart, delimiters[n + 1]!.start)));
  }
  const last = delimiters[delimiters.length - 1]!;
  if (!last.close) {
    // No closing delimiter: be lenient, the rest is the last part.
    parts.push(body.subarray(last.contentStart));
    return { preamble: body.subarray(0, first.start), parts, epilogue: new Uint8Array(0) };
  }
  return { preamble: body.subarray(0, first.start), parts, epilogue: body.subarray(last.lineEnd) };
}

export class MimeError extends Error {}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(Buffer.from(needle.buffer, needle.byteOffset, needle.byteLength), from);
}

/** The parts of a multipart entity, each parsed, keeping each part's exact bytes in `raw`. */
export function multipartParts(entity: MimeEntity): MimeEntity[] {
  const ct = contentTypeOf(entity.headers);
  const boundary = ct.params.boundary;
  if (!ct.mediaType.startsWith('multipart/')) throw new MimeError(`Content-Type ${ct.mediaType} is not multipart`);
  if (!boundary) throw new MimeError(`Content-Type ${ct.mediaType} has no boundary parameter`);
  return splitMultipart(entity.rawBody, boundary).parts.map(parseMimeEntity);
}

/** Turns bare LF (and bare CR) into CRLF: the canonical form text is signed and MIC'd in. */
export function canonicalizeLineEndings(bytes: Uint8Array): Uint8Array {
  let needed = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a && bytes[i - 1] !== 0x0d) needed++;
    else if (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a) needed++;
  }
  if (needed === 0) return bytes;
  const out = new Uint8Array(bytes.length + needed);
  let o = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x0a && bytes[i - 1] !== 0x0d) out[o++] = 0x0d;
    out[o++] = b;
    if (b === 0x0d && bytes[i + 1] !== 0x0a) out[o++] = 0x0a;
  }
  return out;
}

/** Header lines turned to CRLF, body bytes untouched: how senders sign binary or LF-only payloads. */
export function canonicalizeHeaders(bytes: Uint8Array): Uint8Array {
  const { headerText, bodyStart } = splitHeaderBlock(bytes);
  if (bodyStart === 0) return bytes;
  return concatBytes(canonicalizeLineEndings(latin1ToBytes(headerText)), latin1ToBytes('\r\n'), bytes.subarray(bodyStart));
}

/**
 * Canonical form of an entity for MIC and signing: header lines end in CRLF; the body is
 * turned to CRLF only when it is text that is not sent as binary (binary must stay exact).
 */
export function canonicalizeEntity(bytes: Uint8Array): Uint8Array {
  const { headerText, bodyStart } = splitHeaderBlock(bytes);
  if (bodyStart === 0) return bytes;
  const entity = parseMimeEntity(bytes);
  const headerBytes = canonicalizeLineEndings(latin1ToBytes(headerText));
  const cte = (entity.headers.get('content-transfer-encoding') ?? '').toLowerCase();
  const mediaType = contentTypeOf(entity.headers).mediaType;
  const textual = cte !== 'binary' && (cte === 'base64' || cte === 'quoted-printable' || mediaType.startsWith('text/') || mediaType.startsWith('multipart/') || mediaType.startsWith('message/'));
  const body = bytes.subarray(bodyStart);
  return concatBytes(headerBytes, latin1ToBytes('\r\n'), textual ? canonicalizeLineEndings(body) : body);
}

/** Serialises headers + body with CRLF line endings. */
export function serializeEntity(headers: HeaderList, body: Uint8Array): Uint8Array {
  const head = headers.map(([n, v]) => `${n}: ${v}\r\n`).join('');
  return concatBytes(latin1ToBytes(`${head}\r\n`), body);
}

/** Builds a multipart body from already serialised parts. */
export function buildMultipartBody(parts: Uint8Array[], boundary: string, preamble = ''): Uint8Array {
  const chunks: Uint8Array[] = [];
  if (preamble) chunks.push(latin1ToBytes(`${preamble}\r\n`));
  for (const part of parts) {
    chunks.push(latin1ToBytes(`--${boundary}\r\n`), part, latin1ToBytes('\r\n'));
  }
  chunks.push(latin1ToBytes(`--${boundary}--\r\n`));
  return concatBytes(...chunks);
}

export function newBoundary(prefix = 'as2'): string {
  const random = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');
  return `----=_${prefix}_${random}`;
}

/** Quotes a parameter value when it is not a plain RFC 2045 token. */
export function formatParam(name: string, value: string): string {
  return /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(value) ? `${name}=${value}` : `${name}="${value.replace(/(["\\])/g, '\\$1')}"`;
}
