import { copyFileSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { assetFontsPath, pdfFontFiles, type FontSource } from './font-source.ts';

/**
 * The folder of the font files in the npm package @embedpdf/fonts-sc: it exports only its
 * index (in dist/); the fonts sit beside dist/ in fonts/.
 */
export function packagedFontsDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('@embedpdf/fonts-sc')), '..', 'fonts');
}

/** Font files read from a folder on disk (the installed package's when none is named; looked up when first read). */
export function diskFontSource(dir?: string): FontSource {
  return { load: (file) => readFile(join(dir ?? packagedFontsDir(), file)) };
}

/** On Node the fonts are read from the installed package (`#runtime/font-source`). */
export const defaultFontSource: FontSource = diskFontSource();

/**
 * Copies the PDF fonts into a static assets folder (`<assetsDir>/pdf-fonts/`), where
 * assetsFontSource finds them on Workers: `node bin/copy-pdf-fonts.js <assetsDir>` after the
 * build. Returns the folder written.
 */
export function copyPdfFonts(assetsDir: string): string {
  const to = join(assetsDir, assetFontsPath);
  mkdirSync(to, { recursive: true });
  for (const file of pdfFontFiles) copyFileSync(join(packagedFontsDir(), file), join(to, file));
  return to;
}
