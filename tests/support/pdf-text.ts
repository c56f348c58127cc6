import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let scratch: string | undefined;
let files = 0;

/** A PDF's text as `pdftotext -layout` reads it (UTF-8), runs of spaces and tabs made one space. */
export function pdfText(bytes: Uint8Array): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'lotbridge-pdf-text-'));
  const file = join(scratch, `document-${++files}.pdf`);
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/[ \t]+/g, ' ');
}
