import { fontSource, type FontSource } from '../pdf/font-source.ts';

/** The font files a notice is set in: Latin and Simplified Chinese glyphs in one family. */
export interface NoticeFonts {
  regular: Uint8Array;
  bold: Uint8Array;
}

const loaded = new WeakMap<FontSource, Promise<NoticeFonts>>();

/**
 * Noto Sans Hans (SIL OFL 1.1, from the npm package @embedpdf/fonts-sc): it covers GB2312
 * Chinese and Latin, so one family serves both languages and a Chinese distributor name in an
 * English notice. Read once per font source (from disk on Node, from the static assets on
 * Workers); pdfkit embeds only the glyphs a notice uses. A failed read is tried again next time.
 */
export function loadNoticeFonts(source: FontSource = fontSource()): Promise<NoticeFonts> {
  let fonts = loaded.get(source);
  if (!fonts) {
    fonts = Promise.all([source.load('NotoSansHans-Regular.otf'), source.load('NotoSansHans-Bold.otf')]).then(([regular, bold]) => ({ regular, bold }));
    fonts.catch(() => loaded.delete(source));
    loaded.set(source, fonts);
  }
  return fonts;
}
