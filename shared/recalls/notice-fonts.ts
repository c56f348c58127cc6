import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The font files a notice is set in: Latin and Simplified Chinese glyphs in one family. */
export interface NoticeFonts {
  regular: Uint8Array;
  bold: Uint8Array;
}

let cached: NoticeFonts | undefined;

/**
 * Noto Sans Hans (SIL OFL 1.1, from the npm package @embedpdf/fonts-sc): it covers GB2312
 * Chinese and Latin, so one family serves both languages and a Chinese distributor name in an
 * English notice. Read once per process; pdfkit embeds only the glyphs a notice uses.
 */
export function loadNoticeFonts(): NoticeFonts {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  // The package exports only its index (in dist/); the fonts sit beside dist/ in fonts/.
  const fontsDir = join(dirname(require.resolve('@embedpdf/fonts-sc')), '..', 'fonts');
  cached = {
    regular: readFileSync(join(fontsDir, 'NotoSansHans-Regular.otf')),
    bold: readFileSync(join(fontsDir, 'NotoSansHans-Bold.otf')),
  };
  return cached;
}
