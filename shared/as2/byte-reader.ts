/**
 * Reads a stream of chunks (a stored AS2 body, a decrypted CMS content) a few bytes at a time
 * where a format needs it (ASN.1 headers, MIME header blocks) and in whole chunks where it
 * does not (encrypted content, a payload): nothing but the chunk at hand is held.
 */
import { As2Failure } from './failure.ts';

export class ByteReader {
  private chunk: Buffer = Buffer.alloc(0);
  private at = 0;
  private done = false;
  private readonly source: AsyncIterator<Uint8Array>;
  /** Bytes taken so far. */
  position = 0;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.source = source[Symbol.asyncIterator]();
  }

  /** True when a byte is at hand (reading the next chunk if needed), false at the end. */
  private async fill(): Promise<boolean> {
    while (this.at >= this.chunk.length) {
      if (this.done) return false;
      const next = await this.source.next();
      if (next.done) {
        this.done = true;
        return false;
      }
      this.chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      this.at = 0;
    }
    return true;
  }

  async atEnd(): Promise<boolean> {
    return !(await this.fill());
  }

  /** The next byte, not taken; undefined at the end. */
  async peek(): Promise<number | undefined> {
    return (await this.fill()) ? this.chunk[this.at] : undefined;
  }

  /** Exactly `n` bytes, copied (for small things: headers, lengths, keys). */
  async take(n: number): Promise<Buffer> {
    const out = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n) {
      if (!(await this.fill())) throw truncated();
      const k = Math.min(n - got, this.chunk.length - this.at);
      this.chunk.copy(out, got, this.at, this.at + k);
      this.at += k;
      got += k;
      this.position += k;
    }
    return out;
  }

  /** The next chunk as it came (or what is left of it), at most `max` bytes; undefined at the end. Valid until the next read. */
  async next(max = Number.MAX_SAFE_INTEGER): Promise<Buffer | undefined> {
    if (!(await this.fill())) return undefined;
    const k = Math.min(max, this.chunk.length - this.at);
    const out = this.chunk.subarray(this.at, this.at + k);
    this.at += k;
    this.position += k;
    return out;
  }

  /** Puts bytes back in front (what was read past a header block). */
  unread(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.chunk = Buffer.concat([bytes, this.chunk.subarray(this.at)]);
    this.at = 0;
    this.position -= bytes.length;
  }

  /** Exactly `n` bytes as the chunks they arrive in. */
  async *chunks(n: number): AsyncIterable<Buffer> {
    let left = n;
    while (left > 0) {
      const chunk = await this.next(left);
      if (!chunk) throw truncated();
      left -= chunk.length;
      yield chunk;
    }
  }

  /** Everything left, as it arrives. */
  async *rest(): AsyncIterable<Buffer> {
    for (let chunk = await this.next(); chunk; chunk = await this.next()) yield chunk;
  }
}

function truncated(): As2Failure {
  return new As2Failure('unexpected-processing-error', 'malformed message: it ends early (truncated)');
}
