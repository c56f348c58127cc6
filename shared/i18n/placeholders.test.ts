import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Every translated capability file `<cap>.<lang>.ts` exports `<cap in camelCase><Lang>` (lots.de.ts →
// lotsDe, edi-log.zh-CN.ts → ediLogZhCN) and words the keys of `<cap>.en.ts` (`<cap>En`). A translation
// that drops, renames or invents a `{placeholder}` shows a raw `{name}` or loses a value; an empty text
// shows nothing at all. Files are found on disk, so a new language or capability is checked without
// being listed here.
const languages = { 'zh-CN': 'ZhCN', de: 'De' } as const;
const dir = import.meta.dirname;
const camel = (capability: string) => capability.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
const placeholders = (text: string) => [...new Set(text.match(/\{\w+\}/g) ?? [])].sort();

const translations = readdirSync(dir).flatMap((file) => {
  for (const [language, suffix] of Object.entries(languages)) {
    const capability = file.endsWith(`.${language}.ts`) ? file.slice(0, -`.${language}.ts`.length) : undefined;
    if (capability) return [{ file, capability, exportName: camel(capability) + suffix }];
  }
  return [];
});

async function catalogue(file: string, exportName: string): Promise<Record<string, string>> {
  const module = (await import(`${dir}/${file}`)) as Record<string, Record<string, string> | undefined>;
  const texts = module[exportName];
  if (!texts) throw new Error(`${file} does not export ${exportName}`);
  return texts;
}

describe('translated capability catalogues', () => {
  it('are found for both translated languages', () => {
    expect(translations.filter((t) => t.file.endsWith('.zh-CN.ts')).length).toBeGreaterThan(20);
    expect(translations.filter((t) => t.file.endsWith('.de.ts')).length).toBeGreaterThan(0);
  });

  it.each(translations)('$file words every English key with the same placeholders', async ({ file, capability, exportName }) => {
    const english = await catalogue(`${capability}.en.ts`, `${camel(capability)}En`);
    const translated = await catalogue(file, exportName);
    expect(Object.keys(translated).sort()).toEqual(Object.keys(english).sort());
    const wrong = Object.entries(english).flatMap(([key, text]) => {
      const theirs = translated[key] ?? '';
      if (!theirs.trim()) return [`${key}: empty`];
      const want = placeholders(text).join(' ');
      const got = placeholders(theirs).join(' ');
      return want === got ? [] : [`${key}: ${got || 'none'} instead of ${want || 'none'}`];
    });
    expect(wrong).toEqual([]);
  });
});
