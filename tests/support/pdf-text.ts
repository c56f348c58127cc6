import { execFileSync } from 'node:child_process';

/**
 * A PDF's text as poppler's `pdftotext -layout` reads it (an independent reader, not the library
 * that wrote it), with runs of blanks folded to one so tests can match phrases.
 */
export function pdfText(bytes: Uint8Array): string {
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', '-', '-'], { input: bytes, encoding: 'utf8' }).replace(/[ \t]+/g, ' ');
}

/** The same with every run of whitespace, line breaks too, folded to one space: a wrapped value reads as one sentence. */
export function pdfTextFlat(bytes: Uint8Array): string {
  return pdfText(bytes).replace(/\s+/g, ' ');
}
