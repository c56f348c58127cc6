#!/usr/bin/env node
// `node bin/copy-pdf-fonts.js <assets-dir>`: puts the PDF fonts (Noto Sans Hans, ~8 MB each)
// into a Worker's static assets folder, under pdf-fonts/, where the Worker reads them
// (shared/pdf/font-source.ts). They are never bundled into the Worker script.
import { register } from 'tsx/esm/api';

register();
const dir = process.argv[2];
if (!dir) {
  console.error('usage: node bin/copy-pdf-fonts.js <assets-dir>');
  process.exit(2);
}
const { copyPdfFonts } = await import('../shared/pdf/font-source-disk.ts');
console.log(`copied the PDF fonts to ${copyPdfFonts(dir)}`);
