// EDIFACT bytes → segments (ISO 9735). Written here instead of taking node-edifact's reader,
// which refused real partners' files (ARCHITECTURE.md): this one reads UNA with any service
// characters (syntax 3 and 4, with a repetition separator), no UNA (the defaults), a UTF-8
// BOM, CR/LF between segments or none, release characters anywhere, and decodes the bytes by
// the charset UNB declares (UNOA…UNOK: the ISO 8859 / latin1 family; UNOW/UNOY: UTF-8).
// Every refusal is an EdifactError whose problems name the segment number (UNB = 1, as in the
// interchange) and the element/component position, which is what a CONTRL needs. Bytes can be
// fed in chunks (ChunkTokenizer; tokenize-stream.ts for streams) with the same result.
// The parts: read-head.ts (UNA, charset) → decode.ts (bytes → text) → segment-reader.ts (the
// lexer, into segments.ts' Segments) driven by chunk-tokenizer.ts; interchange.ts and problems.ts
// are the shapes it returns and refuses with, element-values.ts reads a segment's data.
import { ChunkTokenizer } from './chunk-tokenizer.ts';
import type { Interchange, TokenizeMode } from './interchange.ts';

/**
 * Decodes and splits an interchange. Strict mode refuses what ISO 9735 refuses (characters
 * outside the declared repertoire, an unknown syntax identifier, a line break inside a
 * segment); lenient mode accepts partners' common mistakes (lower case under UNOA, UTF-8 bytes
 * under a latin1 charset, an unknown charset read as latin1, line breaks inside a segment
 * dropped). Both read a release character before an ordinary character ("?," for a decimal
 * comma) as that character, with a warning (Interchange.warnings).
 */
export function tokenize(input: Uint8Array | string, options: { mode?: TokenizeMode } = {}): Interchange {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const t = new ChunkTokenizer(options);
  const segments = t.write(bytes);
  for (const s of t.end()) segments.push(s);
  return { ...t.head!, segments, warnings: t.warnings };
}
