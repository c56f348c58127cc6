// Long steps of inbound EDIFACT processing hand the event loop back now and then, so that one
// partner's large interchange (20,000 messages) does not keep every other request waiting:
// the payload is read in chunks (2 KiB) with a yield between them, and the per-message loop yields
// every `yieldEvery` messages. Each step is linear, so the pauses are short and regular.
import { setImmediate as macrotask } from 'node:timers/promises';
import { ChunkTokenizer } from '../../edifact/chunk-tokenizer.ts';
import type { Interchange, TokenizeMode } from '../../edifact/interchange.ts';

/** Every this many steps (messages) a long loop yields. */
export const yieldEvery = 200;

/** Bytes the tokenizer reads between two yields. */
export const yieldBytes = 2 * 1024;

/** Resolves on a later turn of the event loop (after pending I/O and timers had theirs). */
export async function yieldToEventLoop(): Promise<void> {
  await macrotask();
}

/** tokenize(bytes), in chunks of `yieldBytes` with a yield after each: the same result (warnings included), the same refusals. */
export async function tokenizeYielding(bytes: Uint8Array, mode: TokenizeMode): Promise<Interchange> {
  const t = new ChunkTokenizer({ mode });
  const segments = [];
  for (let i = 0; i < bytes.length; i += yieldBytes) {
    for (const s of t.write(bytes.subarray(i, i + yieldBytes))) segments.push(s);
    await yieldToEventLoop();
  }
  for (const s of t.end()) segments.push(s);
  return { ...t.head!, segments, warnings: t.warnings };
}
