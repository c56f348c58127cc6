// The columns ChunkTokenizer.writeBatch hands out (SegmentBatch) and the ORDERS mapper reading
// them: the same segments, values and lines as the Segment objects of a whole-file tokenize().
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tokenize } from './tokenize.ts';
import { ChunkTokenizer } from './chunk-tokenizer.ts';
import type { Segment, TokenizeMode } from './interchange.ts';
import { isEdifactError } from './problems.ts';
import { SegmentBatch, tagCode, tagName } from './segments.ts';
import { OrdersLineReader } from '../erp/map-orders.ts';
import { ediFiles, edifactFolders, fromRoot, needs, sharedFixture } from '../../tests/support/fixtures.ts';
import { prng } from '../../tests/support/prng.ts';

const plain = (s: Segment) => ({ tag: s.tag, elements: s.elements, repetitions: s.repetitions, position: s.position, offset: s.offset });

/** Feeds `bytes` cut at `cuts` to `take` batch by batch (each batch is read before the next write, as the API asks). */
function feed(bytes: Uint8Array, cuts: number[], mode: TokenizeMode, take: (b: SegmentBatch) => void): void {
  const t = new ChunkTokenizer({ mode });
  let from = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    take(t.writeBatch(bytes.subarray(from, c)));
    from = c;
  }
  take(t.writeBatch(bytes.subarray(from)));
  take(t.endBatch());
}

/** Every segment of the batches as an object, with each of its values read from the columns (one beyond each end included). */
function readBatches(bytes: Uint8Array, cuts: number[], mode: TokenizeMode) {
  const segments: ReturnType<typeof plain>[] = [];
  const mismatches: string[] = [];
  feed(bytes, cuts, mode, (b) => {
    for (let k = 0; k < b.length; k++) {
      const s = b.segment(k);
      if (b.tag(k) !== tagCode(s.tag) || tagName(b.tag(k)) !== s.tag || b.position(k) !== s.position) mismatches.push(`segment ${s.position}: tag or position`);
      for (let e = 1; e <= s.elements.length + 1; e++) {
        const components = s.elements[e - 1] ?? [];
        for (let c = 1; c <= components.length + 1; c++) {
          if (b.value(k, e, c) !== (components[c - 1] ?? '')) mismatches.push(`segment ${s.position} ${e}:${c}: ${b.value(k, e, c)} ≠ ${components[c - 1] ?? ''}`);
        }
      }
      segments.push(plain(s));
    }
  });
  return { segments, mismatches };
}

function linesOfStream(bytes: Uint8Array, cuts: number[], mode: TokenizeMode) {
  const reader = new OrdersLineReader();
  feed(bytes, cuts, mode, (b) => reader.read(b));
  return reader.lines;
}

function linesOfWhole(bytes: Uint8Array, mode: TokenizeMode) {
  const reader = new OrdersLineReader();
  reader.read(SegmentBatch.of(tokenize(bytes, { mode }).segments));
  return reader.lines;
}

function randomCuts(random: () => number, length: number, round: number): number[] {
  if (round === 0) return Array.from({ length }, (_, k) => k); // every byte its own chunk
  return Array.from({ length: Math.floor(random() * (round < 4 ? 4 : 60)) + 1 }, () => Math.floor(random() * (length + 1)));
}

describe('SegmentBatch', () => {
  for (const dir of edifactFolders) {
    describe(`on the samples in ${fromRoot(dir)}`, needs(dir), () => {
      const files = ediFiles(dir).filter((f) => !f.includes('huge_file'));

      it.each(files)('the batches of random chunkings of %s hold the whole-file segments, each value read in place (strict and lenient)', (file) => {
        const bytes = new Uint8Array(readFileSync(join(dir, file)));
        const random = prng(bytes.length);
        for (const mode of ['strict', 'lenient'] as TokenizeMode[]) {
          let whole: ReturnType<typeof plain>[];
          try {
            whole = tokenize(bytes, { mode }).segments.map(plain);
          } catch (e) {
            if (!isEdifactError(e)) throw e;
            // Refused whole, refused as batches (tokenize-stream.test.ts compares the refusals).
            expect(() => readBatches(bytes, randomCuts(random, bytes.length, 1), mode)).toThrow(expect.objectContaining({ problems: e.problems }));
            continue;
          }
          for (let round = 0; round < 8; round++) {
            const { segments, mismatches } = readBatches(bytes, randomCuts(random, bytes.length, round), mode);
            expect(mismatches).toEqual([]);
            expect(segments).toEqual(whole);
          }
        }
      });
    });
  }

  it('reads values in place around release characters, repetitions and a segment cut by a chunk', () => {
    const text = "UNA:+.?*'UNB+UNOC:4+A+B+1+1'UNH+1+ORDERS:D:96A:UN'BGM+220+PO?+1+9'LIN+1++4006381333931:EN*X:Y'PIA+1+A?:B:SA+09506000134352:SRV'QTY+21:1?,5'LIN+2'PIA+5+A?:B:SA+09506000134369:SRV*X:Y'UNT+8+1'UNZ+1+1'";
    const bytes = new TextEncoder().encode(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const { segments, mismatches } = readBatches(bytes, [cut], 'lenient');
      expect(mismatches).toEqual([]);
      expect(segments).toEqual(tokenize(bytes, { mode: 'lenient' }).segments.map(plain));
      expect(linesOfStream(bytes, [cut], 'lenient')).toEqual([
        { purchaseOrder: 'PO+1', lineNumber: '1', gtin: '4006381333931', quantity: '1.5', price: null, segment: 4 },
        { purchaseOrder: 'PO+1', lineNumber: '2', gtin: '09506000134369', quantity: null, price: null, segment: 7 },
      ]);
    }
  });
});

describe('OrdersLineReader on a stream of batches', () => {
  const huge = sharedFixture('edifact', 'permissive', 'pydifact_orders_d96a_huge_file2.edi');
  it('maps the 2.2 MB ORDERS sample, cut anywhere, to the lines the whole file gives', { ...needs(huge), timeout: 60_000 }, () => {
    const bytes = new Uint8Array(readFileSync(huge));
    const whole = linesOfWhole(bytes, 'lenient');
    expect(whole.length).toBe(16864);
    expect(whole[0]).toEqual({ purchaseOrder: '801715918011', lineNumber: '1', gtin: '5020436373085', quantity: '8', price: null, segment: 10 });
    const random = prng(16);
    for (let round = 0; round < 3; round++) {
      const cuts = Array.from({ length: 10 + Math.floor(random() * 500) }, () => Math.floor(random() * (bytes.length + 1)));
      expect(linesOfStream(bytes, cuts, 'lenient')).toEqual(whole);
    }
  });

  for (const dir of edifactFolders) {
    describe(`on the ORDERS samples in ${fromRoot(dir)}`, needs(dir), () => {
      const files = ediFiles(dir).filter((f) => /orders/i.test(f) && !f.includes('huge_file'));
      it.each(files)('maps %s cut anywhere to the lines the whole file gives', (file) => {
        const bytes = new Uint8Array(readFileSync(join(dir, file)));
        const whole = linesOfWhole(bytes, 'lenient');
        expect(whole.length).toBeGreaterThan(0);
        const random = prng(bytes.length);
        for (let round = 0; round < 8; round++) expect(linesOfStream(bytes, randomCuts(random, bytes.length, round), 'lenient')).toEqual(whole);
      });
    });
  }
});
