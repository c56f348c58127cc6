// Mutated interchanges through the whole reading path: tokenizer (whole and in random chunks),
// envelope check, the DESADV / INVOIC / ORDERS mappers, and for every refusal the CONTRL that
// answers it, which must itself read back. Every case must end in a result or an EdifactError
// (anything else fails the test), and the tokenizer must make progress: the characters it
// examines are bounded by the input's length (times the chunk count when fed in chunks), so a
// loop that stops consuming input is caught by a counter, not by a clock.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tokenize } from './tokenize.ts';
import { ChunkTokenizer } from './chunk-tokenizer.ts';
import type { Interchange, Segment, TokenizeMode } from './interchange.ts';
import { isEdifactError } from './problems.ts';
import { value } from './element-values.ts';
import { readEnvelope, splitInterchanges } from './envelope.ts';
import { mapDesadv } from '../lots/map-desadv.ts';
import { mapOrders } from '../erp/map-orders.ts';
import { mapInvoic } from '../invoices/map-invoic.ts';
import { contrlBytes, contrlForRefusal } from './write-contrl.ts';
import { ediFiles, fromRoot, localFixture, needs, sharedFixture } from '../../tests/support/fixtures.ts';
import { prng } from '../../tests/support/prng.ts';

const enc = new TextEncoder();
const interesting = [...enc.encode("'+:?*^~=\r\n UNAUNBUNHUNTUNZUNGUNE"), 0x00, 0x7f, 0x85, 0xc3, 0xa9, 0xe4, 0xb8, 0xff, 0xef, 0xbb, 0xbf];

/** One mutation of `bytes`, chosen by `r`. */
function mutate(bytes: Uint8Array, r: () => number): Uint8Array {
  const a = Array.from(bytes);
  const at = () => Math.floor(r() * (a.length + 1));
  const pick = () => (r() < 0.6 ? interesting[Math.floor(r() * interesting.length)]! : Math.floor(r() * 256));
  const segmentBounds = () => {
    const ends = a.flatMap((b, i) => (b === 0x27 || b === 0x7e ? [i] : []));
    if (ends.length < 2) return null;
    const k = Math.floor(r() * (ends.length - 1));
    return [ends[k]! + 1, ends[k + 1]! + 1] as const;
  };
  switch (Math.floor(r() * 8)) {
    case 0: {
      const i = Math.min(at(), a.length - 1);
      if (i >= 0) a[i] = a[i]! ^ (1 << Math.floor(r() * 8));
      break;
    }
    case 1:
      a.splice(at(), 0, pick());
      break;
    case 2:
      a.splice(at(), 1 + Math.floor(r() * 4));
      break;
    case 3: {
      const s = segmentBounds();
      if (s) a.splice(s[1], 0, ...a.slice(s[0], s[1]));
      break;
    }
    case 4: {
      const s = segmentBounds();
      if (s) a.splice(s[0] + Math.floor(r() * (s[1] - s[0])), s[1] - s[0]);
      break;
    }
    case 5:
      // A release character, or several, anywhere (also at the very end).
      a.splice(r() < 0.2 ? a.length : at(), 0, ...Array(1 + Math.floor(r() * 3)).fill(0x3f));
      break;
    case 6: {
      // A random UNA (six service characters) in front, replacing one if present.
      const una = [0x55, 0x4e, 0x41, ...Array.from({ length: 6 }, pick)];
      if (a[0] === 0x55 && a[1] === 0x4e && a[2] === 0x41) a.splice(0, 9, ...una);
      else a.unshift(...una);
      break;
    }
    default:
      a.length = Math.floor(r() * a.length); // truncated
  }
  return new Uint8Array(a);
}

type Outcome = 'read' | 'refused';

/** Tokenizes whole (bounded scan) and in random chunks (same outcome); returns the interchange or null when refused. */
function read(bytes: Uint8Array, mode: TokenizeMode, r: () => number): Interchange | null {
  const whole = new ChunkTokenizer({ mode });
  let ic: Interchange | null = null;
  let refusal: string | null = null;
  try {
    const segments = whole.write(bytes);
    for (const s of whole.end()) segments.push(s);
    ic = { ...whole.head!, segments, warnings: whole.warnings };
  } catch (e) {
    if (!isEdifactError(e)) throw e;
    refusal = JSON.stringify(e.problems);
  }
  expect(whole.charsScanned).toBeLessThanOrEqual(bytes.length);

  const chunked = new ChunkTokenizer({ mode });
  const chunks = 1 + Math.floor(r() * 8);
  let chunkedSegments: Segment[] = [];
  let chunkedRefusal: string | null = null;
  try {
    const size = Math.max(1, Math.ceil(bytes.length / chunks));
    for (let i = 0; i < bytes.length; i += size) chunkedSegments = chunkedSegments.concat(chunked.write(bytes.subarray(i, i + size)));
    chunkedSegments = chunkedSegments.concat(chunked.end());
  } catch (e) {
    if (!isEdifactError(e)) throw e;
    chunkedRefusal = JSON.stringify(e.problems);
  }
  expect(chunked.charsScanned).toBeLessThanOrEqual(bytes.length * (chunks + 1));
  expect(chunkedRefusal).toBe(refusal);
  if (ic) {
    // value() reads a lazily split segment in place: the same as its split elements.
    const inPlace = ic.segments.map((s) => [1, 2, 3, 4, 5].map((e) => [1, 2, 3].map((c) => value(s, e, c))));
    expect(inPlace).toEqual(ic.segments.map((s) => [1, 2, 3, 4, 5].map((e) => [1, 2, 3].map((c) => s.elements[e - 1]?.[c - 1] ?? ''))));
    expect(chunkedSegments.map((s) => [s.tag, s.position, s.elements, s.repetitions])).toEqual(ic.segments.map((s) => [s.tag, s.position, s.elements, s.repetitions]));
    expect(chunked.warnings).toEqual(ic.warnings);
  }
  return ic;
}

/** A refusal must be answerable: the CONTRL (when there is a UNB to answer) reads back cleanly. */
function answer(error: unknown, segments: Segment[] | null): void {
  if (!isEdifactError(error)) throw error;
  const input = contrlForRefusal(error, segments, { reference: 'FUZZ', preparedAt: new Date('2026-03-20T10:15:00Z') });
  if (!input) return;
  const contrl = readEnvelope(tokenize(contrlBytes(input)));
  expect(contrl.messages[0]!.type).toBe('CONTRL');
}

function process(bytes: Uint8Array, mode: TokenizeMode, r: () => number): Outcome {
  let ic: Interchange | null;
  try {
    ic = read(bytes, mode, r);
  } catch (e) {
    if (isEdifactError(e)) throw new Error(`read() leaked an EdifactError: ${e.message}`);
    throw e;
  }
  if (!ic) {
    try {
      tokenize(bytes, { mode });
    } catch (e) {
      answer(e, null);
    }
    return 'refused';
  }
  let outcome: Outcome = 'read';
  for (const part of splitInterchanges(ic)) {
    try {
      for (const m of readEnvelope(part).messages) {
        if (m.type === 'DESADV') mapDesadv(m);
        else if (m.type === 'INVOIC') mapInvoic(m);
        else if (m.type === 'ORDERS') mapOrders(m);
      }
    } catch (e) {
      answer(e, part.segments);
      outcome = 'refused';
    }
  }
  return outcome;
}

// One corpus a folder, each fuzzed on what it holds: ours (with our own messages in lotbridge/),
// and the copyleft samples, whose absence disables that test (counted in the line that ends the
// run) without shrinking or failing the other. (The shared permissive folder holds the originals
// of our copies and the 2.2 MB ORDERS sample, too large to mutate here.)
for (const dir of [localFixture('edifact'), sharedFixture('edifact', 'copyleft')]) {
  describe(`fuzz: mutated interchanges from ${fromRoot(dir)}`, needs(dir), () => {
    const files = ediFiles(dir, { recursive: true }).filter((f) => !f.includes('huge'));
    const seeds = files.map((f) => new Uint8Array(readFileSync(join(dir, f))));
    const casesPerFile = Math.ceil(1500 / Math.max(1, files.length));

    // (The timeout is a harness limit for a loaded machine, not an assertion.)
    it(`${casesPerFile} mutations of each of its ${files.length} samples end in a result or an EdifactError, with bounded progress`, { timeout: 60_000 }, () => {
      expect(files.length).toBeGreaterThan(0);
      const r = prng(20260320);
      const count: Record<Outcome, number> = { read: 0, refused: 0 };
      let done = 0;
      seeds.forEach((seed) => {
        for (let k = 0; k < casesPerFile; k++) {
          // One to three stacked mutations; strict and lenient alternately.
          let bytes: Uint8Array = seed;
          const rounds = 1 + Math.floor(r() * 3);
          for (let m = 0; m < rounds; m++) bytes = mutate(bytes, r);
          count[process(bytes, k % 2 === 0 ? 'strict' : 'lenient', r)]++;
          done++;
        }
      });
      expect(done).toBe(casesPerFile * seeds.length);
      expect(done).toBeGreaterThanOrEqual(1500);
      // Both paths were exercised in earnest.
      expect(count.read).toBeGreaterThan(done / 20);
      expect(count.refused).toBeGreaterThan(done / 20);
    });
  });
}

describe('fuzz: the work grows with the input, not with its square', () => {
  /** A DESADV whose FTX is a run of `pairs` released terminators ("?'"). */
  const releasedRun = (pairs: number) => enc.encode(`UNB+UNOC:3+SENDER+RECIPIENT+260320:1015+1'UNH+1+DESADV:D:96A:UN'FTX+AAI+++${"?'".repeat(pairs)}'UNT+3+1'UNZ+1+1'`);

  /** Characters examined when fed in `chunks` equal pieces (the run spans every cut), and the segments read. */
  function work(bytes: Uint8Array, chunks: number): { scanned: number; ftx: string } {
    const t = new ChunkTokenizer({ mode: 'strict' });
    const segments: Segment[] = [];
    const size = Math.ceil(bytes.length / chunks);
    for (let i = 0; i < bytes.length; i += size) segments.push(...t.write(bytes.subarray(i, i + size)));
    segments.push(...t.end());
    expect(t.charsScanned).toBeLessThanOrEqual(bytes.length * (chunks + 1));
    return { scanned: t.charsScanned, ftx: value(segments.find((s) => s.tag === 'FTX')!, 4) };
  }

  for (const chunks of [2, 8]) {
    it(`released terminators across ${chunks} chunks: n and 4n pairs cost about 4 times the work (linear), within the bound`, () => {
      const n = 10_000;
      const small = work(releasedRun(n), chunks);
      const large = work(releasedRun(4 * n), chunks);
      expect(small.ftx).toBe("'".repeat(n));
      expect(large.ftx).toBe("'".repeat(4 * n));
      expect(large.ftx).toBe(value(tokenize(releasedRun(4 * n)).segments.find((s) => s.tag === 'FTX')!, 4));
      // Linear work: ratio ≈ 4; quadratic: ≈ 16.
      expect(large.scanned / small.scanned).toBeLessThan(6);
    }, 60_000);
  }
});
