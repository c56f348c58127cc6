// EDIFACT reading speed on the 2.2 MB ORDERS sample (pydifact's huge_file2.edi: one UNH with
// 109,620 segments of repeated BGM…LIN blocks), in one run, on the same bytes:
//   - our tokenize() of the whole file (every segment kept, as the use cases get them),
//   - our ChunkTokenizer fed 64 KiB chunks (each chunk's segments as columns, SegmentBatch,
//     handed on and dropped),
//   - our tokenize + map: the chunked tokenizer's batches read by the ORDERS line mapper
//     (map-orders.ts), keeping only the lines (GTIN, quantity, price, order number) — the
//     streaming path, the one the target is about — and the same after a whole-file tokenize()
//     (Segment objects, as the use cases get them),
//   - node-edifact's own Parser (edifact 1.2.12) with no-op callbacks: its bare tokenizer, fed
//     the same bytes as one latin1 string (decoding included, as ours decodes too).
// The sample declares syntax identifier IATB, which is not EDIFACT: we read it in lenient mode
// (strict refuses it); node-edifact does not know IATB either and is configured with UNOC, its
// widest and fastest repertoire (its default UNOA also reads this file; both are printed).
// Target: tokenize + map at least as fast as node-edifact's bare tokenizer. What makes it: the
// tokenizer finds each run of plain segments in one regular-expression step and keeps a segment
// as three numbers (tag, start, end in the chunk's text) instead of an object; the mapper reads
// the few components it needs in place (issue 16: before, a per-character loop and the
// per-segment objects and their collection were half the time, and the target was missed).
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { tokenize } from '../shared/edifact/tokenize.ts';
import { ChunkTokenizer } from '../shared/edifact/chunk-tokenizer.ts';
import { OrdersLineReader } from '../shared/erp/map-orders.ts';
import { SegmentBatch } from '../shared/edifact/segments.ts';
import { readEnvelope } from '../shared/edifact/envelope.ts';
import { isEdifactError } from '../shared/edifact/problems.ts';
import { contrlForRefusal, recordedProblems, writeContrl } from '../shared/edifact/write-contrl.ts';
import { trackPeakMemory } from './_report.ts';
import { benchMessages } from './_edifact-messages.ts';

// First the time per message of a small and a 20,000-message file (bench/_edifact-messages.ts).
await benchMessages();
console.log('');

interface NodeEdifactParser {
  encoding(level: string): void;
  write(chunk: string): void;
  end(): void;
  onopensegment(segment: string): void;
  onclosesegment(): void;
  onelement(): void;
  oncomponent(data: string): void;
}
const require = createRequire(import.meta.url);
const Parser = require('edifact/parser.js') as new () => NodeEdifactParser;

const candidates = [process.env.BENCH_EDIFACT_FILE, resolve(import.meta.dirname, '../../shared/fixtures/edifact/permissive/pydifact_orders_d96a_huge_file2.edi')].filter((f): f is string => !!f);
const file = candidates.find((f) => existsSync(f));
if (!file) {
  console.error(`bench edifact: the 2.2 MB ORDERS sample is not there (looked at ${candidates.join(', ')}); set BENCH_EDIFACT_FILE`);
  process.exit(2);
}
const bytes = new Uint8Array(readFileSync(file));
const mb = bytes.length / 1e6;
const rounds = Number(process.env.BENCH_ROUNDS ?? 25);
const chunkSize = 64 * 1024;

function ourTokenize(): number {
  return tokenize(bytes, { mode: 'lenient' }).segments.length;
}

function ourChunked(): number {
  const t = new ChunkTokenizer({ mode: 'lenient' });
  let n = 0;
  for (let i = 0; i < bytes.length; i += chunkSize) n += t.write(bytes.subarray(i, i + chunkSize)).length;
  return n + t.end().length;
}

let lastLines = 0;
function ourWholeTokenizeAndMap(): number {
  const ic = tokenize(bytes, { mode: 'lenient' });
  const orders = new OrdersLineReader();
  orders.read(SegmentBatch.of(ic.segments));
  lastLines = orders.lines.length;
  return ic.segments.length;
}

function ourTokenizeAndMap(): number {
  const t = new ChunkTokenizer({ mode: 'lenient' });
  const orders = new OrdersLineReader();
  let n = 0;
  const feed = (batch: SegmentBatch) => {
    n += batch.length;
    orders.read(batch);
  };
  for (let i = 0; i < bytes.length; i += chunkSize) feed(t.writeBatch(bytes.subarray(i, i + chunkSize)));
  feed(t.endBatch());
  lastLines = orders.lines.length;
  return n;
}

function nodeEdifact(level: 'UNOC' | 'UNOA'): () => number {
  return () => {
    const parser = new Parser();
    parser.encoding(level);
    let n = 0;
    // Its documented fast path: callbacks as methods, so no events are emitted.
    parser.onopensegment = () => n++;
    parser.onclosesegment = () => {};
    parser.onelement = () => {};
    parser.oncomponent = () => {};
    parser.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1'));
    parser.end();
    return n;
  };
}

const workloads: { name: string; run: () => number }[] = [
  { name: 'ours: tokenize (whole file, segments kept)', run: ourTokenize },
  { name: 'ours: chunked tokenizer (64 KiB chunks)', run: ourChunked },
  { name: 'ours: tokenize + map ORDERS lines (chunked)', run: ourTokenizeAndMap },
  { name: 'ours: tokenize (whole) + map ORDERS lines', run: ourWholeTokenizeAndMap },
  { name: 'node-edifact Parser, bare (UNOC)', run: nodeEdifact('UNOC') },
  { name: 'node-edifact Parser, bare (UNOA, default)', run: nodeEdifact('UNOA') },
];

// Same segment count from every reader, or the comparison means nothing.
const counts = workloads.map((w) => w.run());
if (new Set(counts).size !== 1) {
  console.error(`bench edifact: the readers disagree on the segment count: ${workloads.map((w, i) => `${w.name} ${counts[i]}`).join('; ')}`);
  process.exit(1);
}

// Each reader on its own: a full garbage collection first (what one reader leaves behind must not
// be paid by the next), a warm-up, then the rounds (each paying its own collections); two passes
// in opposite orders. The machine is shared: medians and best rounds are both printed.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const times = new Map(workloads.map((w) => [w.name, [] as number[]]));
for (const pass of [workloads, [...workloads].reverse()]) {
  for (const w of pass) {
    gc();
    for (let r = 0; r < 3; r++) w.run();
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      w.run();
      times.get(w.name)!.push(performance.now() - t0);
    }
  }
}

// Peak memory of each reader alone (resident set sampled while it runs a few times).
const peaks = new Map<string, number>();
for (const w of workloads) {
  gc();
  const base = process.memoryUsage().rss / 1024 / 1024;
  const peak = trackPeakMemory();
  for (let r = 0; r < 5; r++) w.run();
  peaks.set(w.name, Math.max(0, peak() - base));
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
console.log(`bench edifact: ${file} (${(bytes.length / 1024 / 1024).toFixed(2)} MiB, ${counts[0]} segments, ${lastLines} ORDERS lines), ${rounds} rounds × 2 passes per reader`);
console.log(['reader'.padEnd(46), 'median ms'.padStart(10), 'MB/s'.padStart(9), 'best ms'.padStart(9), 'MB/s'.padStart(9), 'RSS +MiB'.padStart(10)].join(''));
for (const w of workloads) {
  const ms = median(times.get(w.name)!);
  const best = Math.min(...times.get(w.name)!);
  console.log(
    [w.name.padEnd(46), ms.toFixed(1).padStart(10), (mb / (ms / 1000)).toFixed(1).padStart(9), best.toFixed(1).padStart(9), (mb / (best / 1000)).toFixed(1).padStart(9), peaks.get(w.name)!.toFixed(0).padStart(10)].join(''),
  );
}
const mapped = mb / (median(times.get('ours: tokenize + map ORDERS lines (chunked)')!) / 1000);
const bare = mb / (median(times.get('node-edifact Parser, bare (UNOC)')!) / 1000);
console.log(`target: tokenize + map (${mapped.toFixed(1)} MB/s) >= node-edifact bare tokenizer (${bare.toFixed(1)} MB/s): ${mapped >= bare ? 'met' : 'NOT met'}`);
const ours = mb / (median(times.get('ours: chunked tokenizer (64 KiB chunks)')!) / 1000);
const best = (name: string) => Math.min(...times.get(name)!);
const bestRatio = best('node-edifact Parser, bare (UNOC)') / best('ours: tokenize + map ORDERS lines (chunked)');
console.log(`our tokenizer alone: ${(ours / bare).toFixed(2)}× node-edifact's bare tokenizer; tokenize + map: ${(mapped / bare).toFixed(2)}× (medians; best rounds: ${bestRatio.toFixed(2)}×)`);
console.log(`peak RSS of this process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (RSS +MiB: what each reader added while it ran; whole-file tokenize keeps every segment, the chunked readers only a chunk's)`);

// CONTRL for an interchange full of faults: the work must grow with the faults, not with their
// square (issue 11 found 5k/10k/20k duplicate references at 0.10 / 2.0 / 12.1 s). n messages
// that all have the reference M1 are n - 1 duplicate-reference faults.
function contrlMs(n: number): number {
  const text = `UNB+UNOC:3+SUPPLIER:14+LOTBRIDGE:14+260320:1015+ICR9'${"UNH+M1+DESADV:D:96A:UN'BGM+351+D1+9'UNT+3+M1'".repeat(n)}UNZ+${n}+ICR9'`;
  const interchange = tokenize(text, { mode: 'strict' });
  let refusal: unknown;
  try {
    readEnvelope(interchange);
  } catch (e) {
    refusal = e;
  }
  if (!isEdifactError(refusal)) throw new Error('expected the duplicates to be refused');
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    writeContrl(contrlForRefusal(refusal, interchange.segments, { reference: 'OUR1', preparedAt: new Date() })!);
    recordedProblems(refusal.problems);
    best = Math.min(best, performance.now() - start);
  }
  return best;
}
contrlMs(1000);
const [contrlSmall, contrlLarge] = [contrlMs(5000), contrlMs(20000)];
const contrlRatio = contrlLarge / contrlSmall;
console.log(`CONTRL + recorded problems for 5,000 / 20,000 duplicate UNH: ${contrlSmall.toFixed(1)} / ${contrlLarge.toFixed(1)} ms (best of 5), ratio ${contrlRatio.toFixed(1)}`);
console.log(`target: 4 × the faults cost < 6 × the time (linear is 4, quadratic 16): ${contrlRatio < 6 ? 'met' : 'NOT met'}`);
