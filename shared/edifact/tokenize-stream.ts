// EDIFACT from a stream (an AS2 payload being received, a file being read): the segments are
// yielded as each completes, with the same result tokenize() gives on the whole bytes whatever
// the chunk boundaries (a UNA, a UTF-8 character or a segment cut across chunks, a release
// character as a chunk's last byte). The work is ChunkTokenizer's (chunk-tokenizer.ts), which
// tokenize() also uses: one reader, two ways to feed it.
import { ChunkTokenizer } from './chunk-tokenizer.ts';
import type { Interchange, InterchangeHead, Segment, TokenizeMode } from './interchange.ts';

/** A Node Readable, a web ReadableStream or any async iterable of byte chunks (strings are read as UTF-8). */
export type ByteSource = AsyncIterable<Uint8Array | string>;

const encoder = new TextEncoder();

/**
 * Yields each segment as soon as it is complete; returns the interchange's head (service
 * characters, charset, encoding, warnings) when the source ends. Throws an EdifactError at the first
 * problem, after yielding the segments before it.
 */
export async function* tokenizeStream(source: ByteSource, options: { mode?: TokenizeMode } = {}): AsyncGenerator<Segment, InterchangeHead, undefined> {
  const tokenizer = new ChunkTokenizer(options);
  for await (const chunk of source) {
    for (const segment of tokenizer.write(typeof chunk === 'string' ? encoder.encode(chunk) : chunk)) yield segment;
  }
  for (const segment of tokenizer.end()) yield segment;
  return { ...tokenizer.head!, warnings: tokenizer.warnings };
}

/** The whole interchange from a stream: what tokenize() returns for the concatenated bytes. */
export async function tokenizeFromStream(source: ByteSource, options: { mode?: TokenizeMode } = {}): Promise<Interchange> {
  const segments: Segment[] = [];
  const it = tokenizeStream(source, options);
  for (;;) {
    const next = await it.next();
    if (next.done) return { ...next.value, segments };
    segments.push(next.value);
  }
}
