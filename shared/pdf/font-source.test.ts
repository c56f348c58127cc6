import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pdfText } from '../../tests/support/pdf-text.ts';
import { startPdf } from '../recalls/pdf-document.ts';
import { loadNoticeFonts } from '../recalls/notice-fonts.ts';
import { assetFontsPath, assetsFontSource, fetchFontSource, fontSource, installFontSource, type FontSource } from './font-source.ts';
import { copyPdfFonts, defaultFontSource, diskFontSource, packagedFontsDir } from './font-source-disk.ts';
import { defaultFontSource as workerdDefault } from './font-source-workerd.ts';

/** A real static file server on loopback over the folder copyPdfFonts writes, as a Worker's assets serve it. */
let assetsDir: string;
let server: Server;
let origin: string;
const requested: string[] = [];

beforeAll(async () => {
  assetsDir = mkdtempSync(join(tmpdir(), 'lotbridge-assets-'));
  copyPdfFonts(assetsDir);
  server = createServer((req, res) => {
    requested.push(req.url!);
    try {
      const body = readFileSync(join(assetsDir, decodeURIComponent(new URL(req.url!, 'http://x').pathname)));
      res.writeHead(200, { 'content-type': 'font/otf', 'content-length': body.length }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(assetsDir, { recursive: true, force: true });
});

afterEach(() => installFontSource(undefined));

/** A one-page PDF in the installed fonts with Latin and Chinese text, as pdftotext reads it back. */
async function renderedText(text: string): Promise<string> {
  const { doc, done } = await startPdf({ locale: 'zh-CN', title: 'font check', date: new Date('2026-03-02T08:00:00Z') });
  doc.font('bold').text(text);
  doc.end();
  return pdfText(await done);
}

describe('the PDF font source', () => {
  it('on Node reads the OpenType files from the installed package by default', async () => {
    expect(fontSource()).toBe(defaultFontSource);
    const regular = await defaultFontSource.load('NotoSansHans-Regular.otf');
    expect(Buffer.from(regular.subarray(0, 4)).toString('latin1')).toBe('OTTO');
    expect(regular.length).toBe(readFileSync(join(packagedFontsDir(), 'NotoSansHans-Regular.otf')).length);
  });

  it('over HTTP fetches the files copied into the assets folder, byte for byte', async () => {
    const source = fetchFontSource(fetch, `${origin}${assetFontsPath}`);
    const bold = await source.load('NotoSansHans-Bold.otf');
    expect(Buffer.from(bold).equals(readFileSync(join(packagedFontsDir(), 'NotoSansHans-Bold.otf')))).toBe(true);
    expect(requested.at(-1)).toBe('/pdf-fonts/NotoSansHans-Bold.otf');
  });

  it('over HTTP refuses a missing file with the URL and status, and reads it once it is there', async () => {
    const source = fetchFontSource(fetch, `${origin}/later${assetFontsPath}`);
    await expect(loadNoticeFonts(source)).rejects.toThrow(/NotoSansHans-(Regular|Bold)\.otf: http:\/\/127\.0\.0\.1:\d+\/later\/pdf-fonts\/NotoSansHans-\w+\.otf answered 404/);
    copyPdfFonts(join(assetsDir, 'later'));
    // The same source: a failed read is not kept.
    expect((await loadNoticeFonts(source)).regular.length).toBeGreaterThan(1_000_000);
  });

  it('from a static assets binding asks for /pdf-fonts/<file> whatever host the binding gets', async () => {
    const asked: string[] = [];
    // The binding serves by path; here the loopback server stands in for it.
    const source = assetsFontSource({ fetch: (url) => (asked.push(url), fetch(new URL(new URL(url).pathname, origin))) });
    expect((await source.load('NotoSansHans-Regular.otf')).length).toBe(readFileSync(join(packagedFontsDir(), 'NotoSansHans-Regular.otf')).length);
    expect(asked).toEqual(['https://assets.invalid/pdf-fonts/NotoSansHans-Regular.otf']);
  });

  it('once installed is what the PDFs are set in: Chinese and Latin text read back from a page', async () => {
    let loads = 0;
    const overHttp = fetchFontSource(fetch, `${origin}${assetFontsPath}`);
    installFontSource({ load: (file) => (loads++, overHttp.load(file)) });
    expect(await renderedText('召回通知 Field Safety Notice')).toContain('召回通知 Field Safety Notice');
    // Read once per source, not per document.
    await renderedText('第二份');
    expect(loads).toBe(2);
  });

  it('that fails makes the PDF fail with its reason, not a half-written document', async () => {
    installFontSource({ load: (file) => Promise.reject(new Error(`cannot read ${file}`)) });
    await expect(renderedText('x')).rejects.toThrow(/cannot read NotoSansHans-/);
  });

  it('on workerd, before the Worker entry installs one, says what to install', async () => {
    await expect(workerdDefault.load('NotoSansHans-Regular.otf')).rejects.toThrow(/installFontSource\(assetsFontSource\(env\.ASSETS\)\)/);
  });

  it('reads the same bytes from any folder on disk', async () => {
    const source: FontSource = diskFontSource(join(assetsDir, 'pdf-fonts'));
    expect((await source.load('NotoSansHans-Bold.otf')).length).toBe(readFileSync(join(packagedFontsDir(), 'NotoSansHans-Bold.otf')).length);
  });
});
