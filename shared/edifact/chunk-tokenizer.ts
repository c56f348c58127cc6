import type { Interchange, InterchangeHead, Segment, TokenizeMode } from './interchange.ts';
import { EdifactError, syntaxProblem, type EdifactProblem } from './problems.ts';
import { latin1Charsets, utf8Charsets } from './charsets.ts';
import { concat, completeUtf8, firstBadUtf8, latin1, utf8Decoder } from './decode.ts';
import { headComplete, readHead } from './read-head.ts';
import { SegmentReader } from './segment-reader.ts';
import { SegmentBatch, separatorsOf } from './segments.ts';
import { value } from './element-values.ts';

/**
 * The tokenizer fed bytes in chunks (tokenize() is this fed once): `write` returns the segments
 * completed by the chunk, `end` the rest. The result is the same whatever the chunk boundaries:
 * the head (UNA, UNB syntax identifier) is read once enough bytes are in; a UTF-8 sequence cut
 * by a chunk waits for its end; an incomplete segment waits for its terminator (a release
 * character as a chunk's last byte included). Errors come in byte order: a bad UTF-8 byte is
 * reported after the segments before it were read. In lenient mode under a latin1 charset the
 * bytes from the first chunk with a non-ASCII byte on are held until the end, where they are
 * decoded as UTF-8 if they all are (the charset mismatch partners make), else as latin1.
 * `writeBatch`/`endBatch` return the same segments as columns (segments.ts' SegmentBatch), without an
 * object per segment: what a reader that keeps only a few values of each (a mapper) takes.
 */
export class ChunkTokenizer {
  private readonly mode: TokenizeMode;
  private headBuffer: Uint8Array | null = new Uint8Array(0);
  private reader: SegmentReader | null = null;
  private headInfo: InterchangeHead | null = null;
  /** UTF-8: the bytes of a sequence cut at the end of the last chunk. */
  private carry: Uint8Array = new Uint8Array(0);
  /** Bytes of the body decoded so far (for the offsets of UTF-8 errors). */
  private decodedBytes = 0;
  private bodyStart = 0;
  /** Lenient latin1: the chunks held since the first non-ASCII byte. */
  private held: Uint8Array[] | null = null;
  private ended = false;
  /** The segments of the last write (reused by the next). */
  private readonly batch = new SegmentBatch();

  constructor(options: { mode?: TokenizeMode } = {}) {
    this.mode = options.mode ?? 'strict';
  }

  /** Characters the segment reader examined (see SegmentReader.scanned). */
  get charsScanned(): number {
    return this.reader?.scanned ?? 0;
  }

  /** See Interchange.warnings: complete once end() returned. */
  get warnings(): EdifactProblem[] {
    return this.reader?.warnings ?? [];
  }

  /** What the head said (null until enough bytes were written). */
  get head(): InterchangeHead | null {
    return this.headInfo;
  }

  write(chunk: Uint8Array): Segment[] {
    return this.writeBatch(chunk).segments();
  }

  end(): Segment[] {
    return this.endBatch().segments();
  }

  /** The segments the chunk completed, as columns: the batch is reused by the next call. */
  writeBatch(chunk: Uint8Array): SegmentBatch {
    if (this.ended) throw new Error('ChunkTokenizer: write after end');
    this.batch.reset((this.reader?.count ?? 0) + 1);
    try {
      this.writeChunk(chunk, this.batch);
      return this.batch;
    } catch (e) {
      throw this.withContext(e);
    }
  }

  /** The remaining segments, as columns. */
  endBatch(): SegmentBatch {
    if (this.ended) throw new Error('ChunkTokenizer: end twice');
    this.ended = true;
    this.batch.reset((this.reader?.count ?? 0) + 1);
    try {
      this.endChunks(this.batch);
      return this.batch;
    } catch (e) {
      throw this.withContext(e);
    }
  }

  /** Adds where the refusal happened: the UNB, and the message (its problems then say so, with the UNH's position). */
  private withContext(e: unknown): unknown {
    if (!(e instanceof EdifactError) || !this.reader) return e;
    const { unb, openMessage } = this.reader;
    e.context = { unb, message: openMessage };
    if (openMessage) {
      for (const p of e.problems) {
        if (p.segment !== null && p.segment > openMessage.position) {
          p.messageReference ??= value(openMessage, 1);
          p.messageStart ??= openMessage.position;
        }
      }
    }
    return e;
  }

  private writeChunk(chunk: Uint8Array, out: SegmentBatch): void {
    if (this.headBuffer) {
      this.headBuffer = concat(this.headBuffer, chunk);
      if (!headComplete(this.headBuffer)) {
        if (this.headBuffer === chunk) this.headBuffer = chunk.slice(); // kept past this call: a copy
        return;
      }
      const bytes = this.headBuffer;
      this.headBuffer = null;
      this.start(bytes);
      this.body(bytes.subarray(this.bodyStart), false, out);
      return;
    }
    this.body(chunk, false, out);
  }

  private endChunks(out: SegmentBatch): void {
    if (this.headBuffer) {
      const bytes = this.headBuffer;
      this.headBuffer = null;
      if (bytes.length === 0 || (bytes.length === 3 && bytes[0] === 0xef)) throw new EdifactError([syntaxProblem('empty', {}, { segment: null, tag: null })]);
      this.start(bytes);
      this.body(bytes.subarray(this.bodyStart), true, out);
    } else this.body(new Uint8Array(0), true, out);
    if (this.reader!.count === 0) throw new EdifactError([syntaxProblem('empty', {}, { segment: null, tag: null })]);
  }

  private start(bytes: Uint8Array): void {
    const { start, chars, una, charset, version } = readHead(bytes);
    let encoding: Interchange['encoding'] = 'latin1';
    if (utf8Charsets.has(charset)) encoding = 'utf-8';
    else if (!latin1Charsets.has(charset) && charset !== '' && this.mode === 'strict') {
      throw new EdifactError([syntaxProblem('unknownCharset', { charset }, { segment: 1, tag: 'UNB', element: 1, component: 1 })]);
    }
    this.bodyStart = start + (una ? 9 : 0);
    this.headInfo = { chars, una, charset, syntaxVersion: version, encoding, charsetMismatch: false };
    this.reader = new SegmentReader(chars, this.mode, charset, encoding === 'latin1');
    this.batch.separators = separatorsOf(chars);
  }

  private body(bytes: Uint8Array, final: boolean, out: SegmentBatch): void {
    const reader = this.reader!;
    const head = this.headInfo!;
    if (head.encoding === 'latin1') {
      const text = latin1(bytes);
      if (this.mode === 'lenient' && (this.held || /[\u0080-\u00ff]/.test(text))) {
        // Held until the end (a copy: the caller may reuse its buffer).
        (this.held ??= []).push(bytes.slice());
        if (!final) return;
        const rest = this.held.reduce(concat, new Uint8Array(0));
        let text: string;
        if (firstBadUtf8(rest) === rest.length) {
          text = utf8Decoder.decode(rest);
          head.encoding = 'utf-8';
          head.charsetMismatch = true;
        } else text = latin1(rest);
        reader.push(text, true, out);
        return;
      }
      reader.push(text, final, out);
      return;
    }
    const all = concat(this.carry, bytes);
    const complete = final ? all.length : completeUtf8(all);
    const part = all.subarray(0, complete);
    this.carry = all.slice(complete);
    const bad = firstBadUtf8(part);
    if (bad < part.length) {
      // The segments before the bad byte first: errors are reported in byte order.
      reader.push(utf8Decoder.decode(part.subarray(0, bad)), false, out);
      reader.checkPending();
      throw new EdifactError([syntaxProblem('notUtf8', { offset: this.bodyStart + this.decodedBytes + bad, charset: head.charset }, { segment: null, tag: null })]);
    }
    this.decodedBytes += part.length;
    reader.push(utf8Decoder.decode(part), final, out);
  }
}
