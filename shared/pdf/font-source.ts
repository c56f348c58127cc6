import { defaultFontSource } from '#runtime/font-source';

/** The font files the PDFs are set in (Noto Sans Hans, SIL OFL 1.1: Latin and GB2312 Chinese). */
export const pdfFontFiles = ['NotoSansHans-Regular.otf', 'NotoSansHans-Bold.otf'] as const;
export type PdfFontFile = (typeof pdfFontFiles)[number];

/**
 * Where the PDF renderers get font bytes from: the npm package's folder on Node
 * (font-source-disk.ts), the Worker's static assets on Workers (fetchFontSource). The CJK
 * fonts are ~8 MB each, too big to bundle into a Worker script.
 */
export interface FontSource {
  load(file: PdfFontFile): Promise<Uint8Array>;
}

/** `fetch`, or a Worker's static assets binding (`env.ASSETS.fetch`). */
export type FetchLike = (url: string) => Promise<Response>;

/** Font files fetched from `baseUrl` + the file name (a folder URL, ending in `/`). */
export function fetchFontSource(fetch: FetchLike, baseUrl: string | URL): FontSource {
  return {
    async load(file) {
      const url = new URL(file, baseUrl).href;
      const res = await fetch(url);
      if (!res.ok) throw new Error(`PDF font ${file}: ${url} answered ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    },
  };
}

/** The folder of the Worker's static assets the build copies the fonts into (bin/copy-pdf-fonts.js). */
export const assetFontsPath = '/pdf-fonts/';

/**
 * The fonts from a Worker's static assets binding. The binding serves by path whatever host
 * the URL names, so the host here is a placeholder.
 */
export function assetsFontSource(assets: { fetch(url: string): Promise<Response> }): FontSource {
  return fetchFontSource((url) => assets.fetch(url), new URL(assetFontsPath, 'https://assets.invalid'));
}

// A Symbol.for key reaches the same slot from every module copy (the portal's server bundle
// has its own copy of shared/), as installAppContext does.
const slot = Symbol.for('lotbridge.fontSource');
type Holder = { [slot]?: FontSource };

/**
 * Makes `source` the one every PDF renderer reads fonts from (the Workers entry installs its
 * assets'); undefined goes back to the runtime's default.
 */
export function installFontSource(source: FontSource | undefined): void {
  (globalThis as Holder)[slot] = source;
}

/** The installed font source, else this runtime's default (the disk on Node). */
export function fontSource(): FontSource {
  return (globalThis as Holder)[slot] ?? defaultFontSource;
}
