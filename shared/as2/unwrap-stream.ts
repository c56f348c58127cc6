/**
 * Unwraps a large inbound AS2 message as a stream (unwrap.ts holds a message whole; a 1 GiB
 * body cannot be): the shapes large messages come in, enveloped-data around multipart/signed,
 * multipart/signed alone, or enveloped-data around the payload, are decrypted, hashed and
 * split as the bytes go by, and the payload is written to storage as it appears. The signature
 * is checked against the digests computed on the way; the MIC is one of them.
 *
 * Whatever this cannot decide from the stream (compressed or nested layers, opaque signed-data,
 * quoted-printable, a signature without signed attributes or with another digest, a digest that
 * matches no form computed here: an altered message, or one whose text lost its CRs on the way)
 * returns `undefined` and leaves no file: the caller unwraps the message in memory (unwrapAs2),
 * whose answer is the reference.
 */
import { createHash } from 'node:crypto';
import { ByteReader } from './byte-reader.ts';
import type { DigestName } from './cms-common.ts';
import { decryptEnvelopedStream } from './cms-enveloped-stream.ts';
import { verifyDetachedDigests } from './cms-signed.ts';
import { As2Failure } from './failure.ts';
import { micAlgorithmFromName, parseDispositionNotificationOptions, type Mic } from './mic.ts';
import { canonicalizeLineEndings, contentTypeOf, filenameOf, latin1ToBytes, MimeHeaders, parseHeaderText, parseMimeEntity, splitHeaderBlock, type HeaderInput } from './mime.ts';
import { cmsBytes } from './multipart-signed.ts';
import { ENVELOPE_NAMES, PKCS7_MIME, type UnwrapFailure, type UnwrapOptions, type UnwrapSuccess } from './unwrap.ts';

/** Bodies from this size on are unwrapped as a stream (smaller ones in memory: it is quicker). */
export const streamedUnwrapBytes = 8 * 1024 * 1024;

export interface StoredPayload {
  key: string;
  sha256: string;
  sizeBytes: number;
}

export interface StreamedUnwrapSuccess extends Omit<UnwrapSuccess, 'payload'> {
  /** The payload, already stored (PayloadSink.put) as it was unwrapped. */
  payloadFile: StoredPayload;
  /** Its first bytes, for sniffing (EDIFACT or not). */
  payloadHead: Uint8Array;
}

/** Where the payload goes as it is unwrapped, and how it is removed again when the message fails. */
export interface PayloadSink {
  put(chunks: AsyncIterable<Uint8Array>): Promise<StoredPayload>;
  discard(file: StoredPayload): Promise<void>;
}

/** This message needs the in-memory unwrap (see the file comment). */
class NotStreamable extends Error {}

const headerBlockLimit = 64 * 1024;
const signaturePartLimit = 1024 * 1024;
const headLength = 64;
/** Most blanks after a delimiter (RFC 2046 transport padding) held while looking for its line end. */
const transportPaddingLimit = 4096;

/**
 * Unwraps `body` as it streams. Success or a refusal as unwrapAs2 would give them; undefined when
 * the message is not one this can stream (then nothing is stored). A failure of the storage itself
 * is thrown, not turned into a refusal.
 */
export async function unwrapAs2Stream(headers: HeaderInput, body: AsyncIterable<Uint8Array>, options: UnwrapOptions, sink: PayloadSink): Promise<StreamedUnwrapSuccess | UnwrapFailure | undefined> {
  const layers: string[] = [];
  let stored: StoredPayload | undefined;
  try {
    return await unwrap(MimeHeaders.from(headers), body, options, layers, async (chunks) => {
      // Errors of the unwrapping (thrown inside `chunks`) are told apart from the storage's own.
      let unwrapError: unknown;
      const watched = (async function* () {
        try {
          yield* chunks;
        } catch (e) {
          unwrapError = e;
          throw e;
        }
      })();
      try {
        stored = await sink.put(watched);
        return stored;
      } catch (e) {
        if (unwrapError === undefined) throw new StorageError(e);
        throw unwrapError;
      }
    });
  } catch (error) {
    if (stored) await sink.discard(stored);
    if (error instanceof StorageError) throw error.cause;
    if (error instanceof NotStreamable) return undefined;
    if (error instanceof As2Failure) return { ok: false, disposition: error.disposition, reason: error.message, layers };
    return { ok: false, disposition: 'unexpected-processing-error', reason: `malformed message: ${(error as Error).message}`, layers };
  }
}

class StorageError extends Error {
  constructor(cause: unknown) {
    super('storing the payload failed', { cause });
  }
}

async function unwrap(httpHeaders: MimeHeaders, body: AsyncIterable<Uint8Array>, options: UnwrapOptions, layers: string[], store: (chunks: AsyncIterable<Uint8Array>) => Promise<StoredPayload>): Promise<StreamedUnwrapSuccess> {
  const request = parseDispositionNotificationOptions(httpHeaders.get('disposition-notification-options'));
  const filenames = [filenameOf(httpHeaders)];
  const outer = contentTypeOf(httpHeaders);
  let entity: { headers: MimeHeaders; block: Buffer; reader: ByteReader };
  let decrypted: Awaited<ReturnType<typeof decryptEnvelopedStream>> | undefined;
  if (PKCS7_MIME.has(outer.mediaType)) {
    const smimeType = (outer.params['smime-type'] ?? '').toLowerCase();
    if (smimeType !== 'enveloped-data' && smimeType !== 'authenveloped-data') throw new NotStreamable();
    const base64 = (httpHeaders.get('content-transfer-encoding') ?? '').trim().toLowerCase() === 'base64';
    decrypted = await decryptEnvelopedStream(base64 ? decodeBase64(body) : body, options.decryptionKeys);
    const reader = new ByteReader(decrypted.content);
    entity = { ...(await readHeaderBlock(reader)), reader };
  } else if (outer.mediaType === 'multipart/signed') {
    entity = { headers: httpHeaders, block: Buffer.alloc(0), reader: new ByteReader(body) };
  } else {
    throw new NotStreamable();
  }
  filenames.push(filenameOf(entity.headers));
  const inner = contentTypeOf(entity.headers);
  const base = { layers, compressed: false, encrypted: decrypted !== undefined, keyTransport: decrypted?.keyTransport, signedReceiptRequested: request.signed };

  if (inner.mediaType !== 'multipart/signed') {
    // Encrypted only: the MIC is over the decrypted entity in canonical form (mime.ts canonicalizeEntity).
    if (!decrypted || PKCS7_MIME.has(inner.mediaType)) throw new NotStreamable();
    const micAlgorithm = request.micAlgorithms[0] ?? 'sha256';
    const mic = createHash(micAlgorithm).update(entity.block.length ? canonicalBlock(entity.block) : entity.block);
    const canonical = entity.block.length > 0 && textual(entity.headers, inner.mediaType) ? lineEndingCanonicaliser() : undefined;
    const payload = await storePayload(entity.headers, entity.reader.rest(), (chunk) => mic.update(canonical ? canonical(chunk) : (chunk ?? Buffer.alloc(0))), store);
    layers.push(`encrypted:${decrypted.cipher}`); // only now is all of it deciphered (and, for GCM, authenticated)
    return { ...base, ok: true, ...payload, filename: payloadName(entity.headers, filenames), signed: false, mic: { value: mic.digest('base64'), algorithm: micAlgorithm } };
  }

  // multipart/signed: the first part streams (hashed exactly and with CRLF headers), the second is the signature.
  const boundary = inner.params.boundary;
  if (!boundary) throw new As2Failure('unexpected-processing-error', 'multipart/signed without a boundary parameter');
  const parts = new PartSplitter(entity.reader, boundary);
  if ((await collect(parts.part(), headerBlockLimit)) === undefined || parts.ended) throw new NotStreamable(); // the preamble
  const algorithms = [...new Set<DigestName>([micAlgorithmFromName(inner.params.micalg ?? '') ?? 'sha256', request.micAlgorithms[0] ?? 'sha256', 'sha256'])];
  const part = new ByteReader(parts.part());
  const signedEntity = await readHeaderBlock(part);
  const exact = algorithms.map((a) => createHash(a).update(signedEntity.block));
  const canonical = canonicalBlock(signedEntity.block);
  const variant = canonical.equals(signedEntity.block) ? [] : algorithms.map((a) => createHash(a).update(canonical));
  const payload = await storePayload(signedEntity.headers, part.rest(), (chunk) => chunk && [...exact, ...variant].forEach((h) => h.update(chunk)), store);
  const signatureBytes = parts.ended ? undefined : await collect(parts.part(), signaturePartLimit);
  // Not exactly two parts, or a signature part too large to be one: the in-memory unwrap words it.
  if (!signatureBytes || !(parts.closed || parts.ended)) throw new NotStreamable();
  if (decrypted) {
    await collect(entity.reader.rest(), Number.MAX_SAFE_INTEGER, true); // the epilogue: deciphering ends, and GCM's tag is checked
    layers.push(`encrypted:${decrypted.cipher}`);
  }
  const signaturePart = parseMimeEntity(signatureBytes);
  const signatureType = contentTypeOf(signaturePart.headers).mediaType;
  if (signatureType !== 'application/pkcs7-signature' && signatureType !== 'application/x-pkcs7-signature') {
    throw new As2Failure('unexpected-processing-error', `the second part of multipart/signed is ${signatureType}, not application/pkcs7-signature`);
  }
  const exactDigests = exact.map((h) => h.digest());
  const variantDigests = variant.map((h) => h.digest());
  const digestsOf = (algorithm: DigestName): Buffer[] | undefined => {
    const i = algorithms.indexOf(algorithm);
    return i < 0 ? undefined : [exactDigests[i]!, ...(variant.length ? [variantDigests[i]!] : [])];
  };
  const verified = verifyDetachedDigests(cmsBytes(signaturePart, 'the signature part'), { trustedCertificates: options.trustedCertificates, now: options.now }, digestsOf);
  if (!verified) throw new NotStreamable();
  layers.push(`signed:${verified.digestAlgorithm}`);
  const micAlgorithm = request.micAlgorithms[0] ?? verified.digestAlgorithm;
  const mic: Mic = { value: digestsOf(micAlgorithm)![verified.alternative]!.toString('base64'), algorithm: micAlgorithm };
  return { ...base, ok: true, ...payload, filename: payloadName(signedEntity.headers, filenames), signed: true, signer: verified.signer, signatureScheme: verified.scheme, mic };
}

function payloadName(headers: MimeHeaders, outerNames: (string | undefined)[]): string | undefined {
  return filenameOf(headers) ?? outerNames.find((n): n is string => n !== undefined && !ENVELOPE_NAMES.has(n.toLowerCase()));
}

/** Text that is not sent as binary is canonicalised before its MIC (mime.ts canonicalizeEntity). */
function textual(headers: MimeHeaders, mediaType: string): boolean {
  const cte = (headers.get('content-transfer-encoding') ?? '').toLowerCase();
  return cte !== 'binary' && (cte === 'base64' || cte === 'quoted-printable' || mediaType.startsWith('text/') || mediaType.startsWith('multipart/') || mediaType.startsWith('message/'));
}

/** mime.ts canonicalizeLineEndings a chunk at a time (a CR at a chunk's end waits for the next); undefined flushes. */
function lineEndingCanonicaliser(): (chunk: Buffer | undefined) => Buffer {
  let heldCr = false;
  return (chunk) => {
    let text = (heldCr ? '\r' : '') + (chunk ? chunk.toString('latin1') : '');
    heldCr = chunk !== undefined && text.endsWith('\r');
    if (heldCr) text = text.slice(0, -1);
    return Buffer.from(text.replace(/\r\n|\r|\n/g, '\r\n'), 'latin1');
  };
}

/** A header block (blank line included) with CRLF line ends. */
function canonicalBlock(block: Buffer): Buffer {
  const { headerText, bodyStart } = splitHeaderBlock(block);
  if (bodyStart === 0) return block;
  return Buffer.concat([canonicalizeLineEndings(latin1ToBytes(headerText)), latin1ToBytes('\r\n')]);
}

/** Stores the body of an entity, decoded, giving `feed` the encoded bytes as they pass (and undefined at the end). */
async function storePayload(headers: MimeHeaders, rest: AsyncIterable<Buffer>, feed: (chunk: Buffer | undefined) => void, store: (chunks: AsyncIterable<Uint8Array>) => Promise<StoredPayload>): Promise<{ payloadFile: StoredPayload; payloadHead: Uint8Array; payloadHeaders: MimeHeaders; contentType: string }> {
  const contentType = contentTypeOf(headers).mediaType;
  if (PKCS7_MIME.has(contentType) || contentType === 'multipart/signed') throw new NotStreamable(); // nested layers
  const cte = (headers.get('content-transfer-encoding') ?? 'binary').trim().toLowerCase();
  if (cte === 'quoted-printable') throw new NotStreamable();
  const decode = cte === 'base64' ? base64Decoder() : undefined;
  let head = Buffer.alloc(0);
  async function* decoded(): AsyncIterable<Uint8Array> {
    for await (const chunk of rest) {
      feed(chunk);
      const out = decode ? decode(chunk) : chunk;
      if (head.length < headLength) head = Buffer.concat([head, out.subarray(0, headLength - head.length)]);
      if (out.length) yield out;
    }
    feed(undefined);
    const last = decode?.(undefined);
    if (last?.length) {
      if (head.length < headLength) head = Buffer.concat([head, last.subarray(0, headLength - head.length)]);
      yield last;
    }
  }
  const payloadFile = await store(decoded());
  return { payloadFile, payloadHead: new Uint8Array(head), payloadHeaders: headers, contentType };
}

/** base64 as mime.ts base64ToBytes reads it (anything not of the alphabet skipped), a chunk at a time; undefined flushes. */
function base64Decoder(): (chunk: Buffer | undefined) => Buffer {
  let pending = '';
  return (chunk) => {
    pending += chunk ? chunk.toString('latin1').replace(/[^A-Za-z0-9+/=_-]/g, '') : '';
    const whole = chunk ? pending.length - (pending.length % 4) : pending.length;
    const out = Buffer.from(pending.slice(0, whole), 'base64');
    pending = pending.slice(whole);
    return out;
  };
}

/** Reads a MIME header block (up to and including its blank line); the body stays in the reader. */
async function readHeaderBlock(reader: ByteReader): Promise<{ headers: MimeHeaders; block: Buffer }> {
  let seen = Buffer.alloc(0);
  for (;;) {
    const chunk = await reader.next(headerBlockLimit);
    if (chunk) seen = Buffer.concat([seen, chunk]);
    const { headerText, bodyStart } = splitHeaderBlock(seen);
    // Decided once a body byte follows the block (or the stream ended), and the start is long enough to tell headers from none.
    if (!chunk || (bodyStart < seen.length && seen.length >= 256)) {
      reader.unread(seen.subarray(bodyStart));
      return { headers: new MimeHeaders(parseHeaderText(headerText)), block: Buffer.from(seen.subarray(0, bodyStart)) };
    }
    if (seen.length > headerBlockLimit) throw new NotStreamable();
  }
}

/** All of a short stream; undefined past `limit` bytes. `discard`: read to the end, keeping nothing. */
async function collect(chunks: AsyncIterable<Buffer>, limit: number, discard = false): Promise<Buffer | undefined> {
  const all: Buffer[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.length;
    if (size > limit) return undefined;
    if (!discard) all.push(Buffer.from(chunk));
  }
  return Buffer.concat(all);
}

async function* decodeBase64(chunks: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const decode = base64Decoder();
  for await (const chunk of chunks) yield decode(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  yield decode(undefined);
}

/**
 * Splits a multipart body at its delimiter lines as mime.ts splitMultipart does (a delimiter is
 * "--boundary" at a line start, then optional "--", blanks and a line end; the line break before
 * it belongs to it), one part at a time, holding only a chunk and a delimiter's length.
 */
class PartSplitter {
  /** The last delimiter was the closing one. */
  closed = false;
  /** The stream has ended (and all of it was given out). */
  ended = false;
  private readonly needle: Buffer;
  // A line break before the start, so a delimiter on the first line is found like the others.
  private carry: Buffer = Buffer.from('\n');
  private sourceDone = false;

  constructor(
    private readonly reader: ByteReader,
    boundary: string,
  ) {
    this.needle = Buffer.from(`\n--${boundary}`, 'latin1');
  }

  /** The bytes up to the next delimiter line, as they arrive; at the end of the stream, the rest. */
  async *part(): AsyncIterable<Buffer> {
    let buf = this.carry;
    let from = 0;
    for (;;) {
      const at = buf.indexOf(this.needle, from);
      if (at >= 0) {
        const found = this.delimiterAt(buf, at + this.needle.length);
        if (found === 'more') {
          buf = await this.more(buf);
          continue;
        }
        if (found) {
          const end = at > 0 && buf[at - 1] === 0x0d ? at - 1 : at;
          if (end > 0) yield buf.subarray(0, end);
          this.carry = buf.subarray(found.lineEnd);
          this.closed = found.close;
          return;
        }
        from = at + 1; // a longer boundary that merely starts with ours
        continue;
      }
      if (this.sourceDone) {
        if (buf.length) yield buf;
        this.carry = Buffer.alloc(0);
        this.ended = true;
        return;
      }
      // Keep what could still begin a delimiter (and the CR before it); give out the rest.
      const searched = Math.max(0, buf.length - this.needle.length + 1);
      const out = buf.length - Math.min(buf.length, this.needle.length + 1);
      if (out > 0) yield buf.subarray(0, out);
      buf = buf.subarray(out);
      from = Math.max(0, searched - out);
      buf = await this.more(buf);
    }
  }

  private async more(buf: Buffer): Promise<Buffer> {
    const chunk = await this.reader.next();
    if (!chunk) {
      this.sourceDone = true;
      return buf;
    }
    return buf.length ? Buffer.concat([buf, chunk]) : Buffer.from(chunk);
  }

  /** After "\n--boundary" at `k`: a delimiter line (where it ends, closing or not), not one (false), or more bytes needed. */
  private delimiterAt(buf: Buffer, k: number): { lineEnd: number; close: boolean } | false | 'more' {
    const need = (i: number) => i >= buf.length && !this.sourceDone;
    if (need(k + 1)) return 'more';
    const close = buf[k] === 0x2d && buf[k + 1] === 0x2d;
    if (close) k += 2;
    const padding = k;
    while (buf[k] === 0x20 || buf[k] === 0x09) k++;
    // Blanks after a delimiter are held until the line ends: more than any sender pads with go to the in-memory unwrap.
    if (k - padding > transportPaddingLimit) throw new NotStreamable();
    if (need(k + 1)) return 'more';
    if (k >= buf.length) return { lineEnd: k, close };
    if (buf[k] === 0x0a) return { lineEnd: k + 1, close };
    if (buf[k] === 0x0d && buf[k + 1] === 0x0a) return { lineEnd: k + 2, close };
    return false;
  }
}
