import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { tokenize } from './tokenize.ts';
import type { Segment, TokenizeMode } from './interchange.ts';
import { isEdifactError } from './problems.ts';
import { tokenizeFromStream, tokenizeStream } from './tokenize-stream.ts';
import { ediFiles, edifactFolders, fromRoot, needs, sharedFixture } from '../../tests/support/fixtures.ts';
import { prng } from '../../tests/support/prng.ts';

function chunked(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let from = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    out.push(bytes.subarray(from, c));
    from = c;
  }
  out.push(bytes.subarray(from));
  return out;
}

const plain = (s: Segment) => ({ tag: s.tag, elements: s.elements, repetitions: s.repetitions, position: s.position, offset: s.offset });

/** The result or the refusal (code and position), comparable with toEqual. */
async function outcome(run: () => Promise<unknown> | unknown): Promise<unknown> {
  try {
    const ic = (await run()) as ReturnType<typeof tokenize>;
    return { ...ic, segments: ic.segments.map(plain) };
  } catch (e) {
    if (!isEdifactError(e)) throw e;
    return { refused: e.problems.map((p) => ({ code: p.code, segment: p.segment, tag: p.tag, element: p.element, component: p.component, params: p.params })) };
  }
}

async function* chunks(parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield p;
}

describe('tokenizeStream', () => {
  for (const dir of edifactFolders) {
    describe(`on the samples in ${fromRoot(dir)}`, needs(dir), () => {
      const files = ediFiles(dir).filter((f) => !f.includes('huge_file'));

      it('finds them', () => {
        expect(files.length).toBeGreaterThan(0);
      });

      it.each(files)('random chunkings of %s give the whole-file result (strict and lenient)', async (file) => {
        const bytes = new Uint8Array(readFileSync(join(dir, file)));
        const random = prng(bytes.length);
        for (const mode of ['strict', 'lenient'] as TokenizeMode[]) {
          const whole = await outcome(() => tokenize(bytes, { mode }));
          for (let round = 0; round < 25; round++) {
            // Few cuts, many cuts, and every byte its own chunk once.
            const count = round === 0 ? bytes.length : Math.floor(random() * (round < 12 ? 4 : 60)) + 1;
            const cuts = round === 0 ? Array.from({ length: bytes.length }, (_, k) => k) : Array.from({ length: count }, () => Math.floor(random() * (bytes.length + 1)));
            expect(await outcome(() => tokenizeFromStream(chunks(chunked(bytes, cuts)), { mode }))).toEqual(whole);
          }
        }
      });
    });
  }

  const huge = sharedFixture('edifact', 'permissive', 'pydifact_orders_d96a_huge_file2.edi');
  // (The timeout is a harness limit for a loaded machine, not an assertion.)
  it('random chunkings of the 2.2 MB ORDERS sample give the whole-file result', { ...needs(huge), timeout: 60_000 }, async () => {
    const bytes = new Uint8Array(readFileSync(huge));
    const random = prng(7);
    for (const mode of ['strict', 'lenient'] as TokenizeMode[]) {
      const whole = await outcome(() => tokenize(bytes, { mode }));
      for (let round = 0; round < 3; round++) {
        const cuts = Array.from({ length: 10 + Math.floor(random() * 500) }, () => Math.floor(random() * (bytes.length + 1)));
        expect(await outcome(() => tokenizeFromStream(chunks(chunked(bytes, cuts)), { mode }))).toEqual(whole);
      }
    }
  });

  it('reads a UNA split across chunks, a release character as a chunk’s last byte and a UTF-8 character split in two', async () => {
    const text = "UNA:+.? 'UNB+UNOW:4+A+B+1+1'FTX+AAI+++R?'S?+T:上海'UNZ+0+1'";
    const bytes = new TextEncoder().encode(text);
    const release = text.indexOf("?'") + 1; // the byte after the first release
    const han = bytes.indexOf(0xe4) + 1; // inside the 3-byte 上
    const parts = chunked(bytes, [4, release, han]);
    expect(parts[0]!.length).toBe(4);
    expect(parts[1]![parts[1]!.length - 1]).toBe(0x3f);
    const segments: Segment[] = [];
    for await (const s of tokenizeStream(Readable.from(parts))) segments.push(s);
    expect(segments[1]!.elements[3]).toEqual(["R'S+T", '上海']);
    expect(segments.map(plain)).toEqual(tokenize(bytes).segments.map(plain));
  });

  it('yields segments before the source ends, and refuses at the first problem after the segments before it', async () => {
    let fed = 0;
    async function* slow(): AsyncGenerator<Uint8Array> {
      for (const part of ["UNB+UNOA:3+A+B+1+1'UNH+1+ORDERS:D:96A:UN'", "BGM+220+x'", "UNT+3+1'UNZ+1+1'"]) {
        fed++;
        yield new TextEncoder().encode(part);
      }
    }
    const seen: [string, number][] = [];
    await expect(
      (async () => {
        for await (const s of tokenizeStream(slow())) seen.push([s.tag, fed]);
      })(),
    ).rejects.toMatchObject({ problems: [{ code: 'badCharacter', segment: 3, tag: 'BGM', element: 2 }] });
    expect(seen).toEqual([
      ['UNB', 1],
      ['UNH', 1],
    ]);
  });

  it('reports a bad UTF-8 byte with its offset in the file, wherever the chunks were cut', async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode("UNB+UNOY:4+A+B+1+1'FTX+"), 0xe4, 0xb8, 0x41, 0x27]);
    const whole = await outcome(() => tokenize(bytes));
    expect(whole).toMatchObject({ refused: [{ code: 'notUtf8', params: { offset: 23 } }] });
    for (let cut = 1; cut < bytes.length; cut++) expect(await outcome(() => tokenizeFromStream(chunks(chunked(bytes, [cut]))))).toEqual(whole);
  });
});
