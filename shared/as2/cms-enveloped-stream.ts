/**
 * CMS EnvelopedData / AuthEnvelopedData decrypted as a stream, for messages too large to hold
 * (a 1 GiB AS2 body): the ASN.1 is read header by header, the small parts before the content
 * (recipient infos, the content algorithm) whole, and the encrypted content chunk by chunk
 * through a streaming decipher. Definite (DER) and indefinite (BER, `openssl cms -stream`)
 * lengths alike; the content key is unwrapped as cms-enveloped.ts does it (openContentKey).
 *
 * AES-GCM: the tag comes after the content, so the plaintext is only proven once the stream
 * has ended without error; authenticated attributes (RFC 5083 authAttrs) come after the
 * content too and would be needed before it, so such a message is refused here.
 */
import { createDecipheriv, type Decipher, type DecipherGCM } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { ByteReader } from './byte-reader.ts';
import { fail, octetBytes, oid, type CipherName } from './cms-common.ts';
import { openContentKey, type KeyTransport } from './cms-enveloped.ts';
import { As2Failure } from './failure.ts';
import type { As2Certificate, As2KeyPair } from './keys.ts';

export interface DecryptingStream {
  cipher: CipherName;
  keyTransport: KeyTransport;
  recipient: As2Certificate;
  /** The decrypted content as it is deciphered; throws (As2Failure) when the data was altered. */
  content: AsyncIterable<Uint8Array>;
}

interface BerHeader {
  /** The first identifier octet (class, constructed bit, low tag number). */
  tag: number;
  constructed: boolean;
  /** undefined: indefinite length (ends with an end-of-contents 00 00). */
  length: number | undefined;
  raw: Buffer;
}

const plaintextBatchBytes = 1024 * 1024;

/** Most bytes one of the small elements (recipient infos, algorithm identifiers, the tag) may have. */
const smallElementBytes = 1024 * 1024;

async function readHeader(r: ByteReader): Promise<BerHeader> {
  const first = await r.take(1);
  const bytes = [first];
  if ((first[0]! & 0x1f) === 0x1f) {
    for (let b = await r.take(1); ; b = await r.take(1)) {
      bytes.push(b);
      if ((b[0]! & 0x80) === 0) break;
      if (bytes.length > 5) malformed('a tag number is too long');
    }
  }
  const l = await r.take(1);
  bytes.push(l);
  let length: number | undefined;
  if (l[0]! < 0x80) length = l[0];
  else if (l[0] === 0x80) length = undefined;
  else {
    const n = l[0]! & 0x7f;
    if (n > 6) malformed('a length is too long');
    const b = await r.take(n);
    bytes.push(b);
    length = b.readUIntBE(0, n);
  }
  return { tag: first[0]!, constructed: (first[0]! & 0x20) !== 0, length, raw: Buffer.concat(bytes) };
}

const isEndOfContents = (h: BerHeader) => h.tag === 0 && h.length === 0;

/** A whole small element (its header read already or not), indefinite lengths included, as bytes. */
async function readWhole(r: ByteReader, header?: BerHeader, budget = { left: smallElementBytes }): Promise<Buffer> {
  const h = header ?? (await readHeader(r));
  budget.left -= h.raw.length;
  if (h.length !== undefined) {
    budget.left -= h.length;
    if (budget.left < 0) malformed(`an element before the encrypted content is larger than ${smallElementBytes} bytes`);
    return Buffer.concat([h.raw, await r.take(h.length)]);
  }
  if (!h.constructed) malformed('a primitive element has an indefinite length');
  const parts = [h.raw];
  for (;;) {
    const child = await readHeader(r);
    if (isEndOfContents(child)) {
      parts.push(child.raw);
      return Buffer.concat(parts);
    }
    parts.push(await readWhole(r, child, budget));
  }
}

function parse(der: Buffer, what: string): asn1js.AsnType {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1) malformed(`${what}: ${parsed.result.error}`);
  return parsed.result;
}

function expect(h: BerHeader, tag: number, what: string): void {
  if (h.tag !== tag) malformed(`expected ${what} (tag 0x${tag.toString(16)}), found tag 0x${h.tag.toString(16)}`);
}

/**
 * The chunks of an OCTET STRING's content: primitive, or constructed of primitive pieces (as
 * OpenSSL -stream writes it). Pieces that are constructed again are refused, as the in-memory
 * parse refuses them (pkijs's schema): nesting them is no use but to make this recurse.
 */
async function* octetChunks(r: ByteReader, h: BerHeader, nested = false): AsyncIterable<Buffer> {
  if (nested && h.constructed) malformed('a piece of the encrypted content is itself constructed (nested pieces are not supported)');
  if (!h.constructed) {
    yield* r.chunks(h.length!);
    return;
  }
  const end = h.length === undefined ? undefined : r.position + h.length;
  let pieces = 0;
  while (end === undefined || r.position < end) {
    // Each piece costs a header read and a decipher call: as many as the in-memory parse allows
    // nodes (cms-common.ts parseContentInfo), one per 64 bytes, and not the 1-byte pieces that took a minute per 12 MB.
    if (++pieces > 10_000 + r.position / 64) malformed('the encrypted content is cut into more pieces than one per 64 bytes');
    const piece = await readHeader(r);
    if (isEndOfContents(piece)) {
      if (end === undefined) return;
      malformed('an end-of-contents inside a definite-length OCTET STRING');
    }
    if ((piece.tag & 0x1f) !== 0x04) malformed(`a piece of the encrypted content has tag 0x${piece.tag.toString(16)}, not OCTET STRING`);
    yield* octetChunks(r, piece, true);
  }
}

/**
 * Reads an enveloped-data (or auth-enveloped-data) ContentInfo from `source` up to its
 * encrypted content and unwraps the content key with one of `keys`; the content is then
 * deciphered as the caller reads it.
 */
export async function decryptEnvelopedStream(source: AsyncIterable<Uint8Array>, keys: As2KeyPair[]): Promise<DecryptingStream> {
  const r = new ByteReader(source);
  expect(await readHeader(r), 0x30, 'ContentInfo SEQUENCE');
  const contentType = (parse(await readWhole(r), 'the content type') as asn1js.ObjectIdentifier).valueBlock.toString();
  const auth = contentType === oid.authEnvelopedData;
  if (contentType !== oid.envelopedData && !auth) fail('unexpected-processing-error', `expected enveloped data, found CMS content type ${contentType}`);
  expect(await readHeader(r), 0xa0, 'the [0] content');
  const envelope = await readHeader(r);
  expect(envelope, 0x30, 'the EnvelopedData SEQUENCE');
  await readWhole(r); // version
  let next = await readHeader(r);
  if (next.tag === 0xa0) {
    await readWhole(r, next); // originatorInfo
    next = await readHeader(r);
  }
  expect(next, 0x31, 'the RecipientInfos SET');
  const recipientSet = parse(await readWhole(r, next), 'RecipientInfos') as asn1js.Set;
  const contentInfo = await readHeader(r);
  expect(contentInfo, 0x30, 'EncryptedContentInfo');
  await readWhole(r); // content type
  let algorithm: pkijs.AlgorithmIdentifier;
  let recipientInfos: pkijs.RecipientInfo[];
  try {
    algorithm = new pkijs.AlgorithmIdentifier({ schema: parse(await readWhole(r), 'the content encryption algorithm') });
    recipientInfos = recipientSet.valueBlock.value.map((schema) => new pkijs.RecipientInfo({ schema }));
  } catch (error) {
    if (error instanceof As2Failure) throw error;
    return malformed((error as Error).message);
  }
  const { cek, cipher, keyTransport, recipient } = openContentKey(recipientInfos, algorithm, keys);
  const encrypted = await readHeader(r);
  if ((encrypted.tag & 0xdf) !== 0x80) fail('decryption-failed', 'the enveloped data carries no encrypted content (detached content is not supported)');

  let decipher: Decipher;
  const gcm = cipher.endsWith('-gcm');
  try {
    if (gcm) {
      if (!auth) fail('decryption-failed', `${cipher} content must come in AuthEnvelopedData (RFC 5083), not EnvelopedData`);
      const params = (algorithm.algorithmParams as asn1js.Sequence).valueBlock.value;
      const tagLength = params[1] ? (params[1] as asn1js.Integer).valueBlock.valueDec : 12;
      decipher = createDecipheriv(cipher as 'aes-128-gcm', cek, octetBytes(params[0]!), { authTagLength: tagLength });
    } else {
      decipher = createDecipheriv(cipher, cek, octetBytes(algorithm.algorithmParams as asn1js.OctetString));
    }
  } catch (error) {
    if (error instanceof As2Failure) throw error;
    return fail('decryption-failed', `${cipher} decryption of the content failed (${(error as Error).message}): the content key is wrong or the data was altered`);
  }

  async function* content(): AsyncIterable<Uint8Array> {
    // OpenSSL -stream writes pieces of 4 KiB: their plaintext is passed on in batches (a write per piece showed in the profile).
    let batch: Buffer[] = [];
    let batched = 0;
    for await (const chunk of octetChunks(r, encrypted)) {
      const plain = decipher.update(chunk);
      batch.push(plain);
      batched += plain.length;
      if (batched >= plaintextBatchBytes) {
        yield batch.length === 1 ? batch[0]! : Buffer.concat(batch, batched);
        batch = [];
        batched = 0;
      }
    }
    if (batched) yield Buffer.concat(batch, batched);
    if (contentInfo.length === undefined) expect(await readHeader(r), 0x00, 'the end of EncryptedContentInfo');
    if (gcm) {
      const h = await readHeader(r);
      if (h.tag === 0xa1) fail('decryption-failed', 'authenticated attributes (authAttrs) in an AuthEnvelopedData this large are not supported: they would be needed before its content');
      expect(h, 0x04, 'the MAC OCTET STRING');
      (decipher as DecipherGCM).setAuthTag(octetBytes(parse(await readWhole(r, h), 'the MAC')));
    }
    let last: Buffer;
    try {
      last = decipher.final();
    } catch (error) {
      return fail('decryption-failed', `${cipher} decryption of the content failed (${(error as Error).message}): the content key is wrong or the data was altered`);
    }
    if (last.length) yield last;
  }
  return { cipher, keyTransport, recipient, content: content() };
}

function malformed(why: string): never {
  throw new As2Failure('unexpected-processing-error', `malformed EnvelopedData: ${why}`);
}
