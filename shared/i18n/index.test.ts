import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';
import { de } from './de.ts';
import { locales, negotiateLocale, translate } from './index.ts';

describe('catalogues', () => {
  // The same {placeholders} in every language: see 'capability catalogues' below (file by file).
  it('have the same keys in every language as in English', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });

  it('translate the German catalogue: a text left as in English holds only words German shares (names, codes, loanwords)', () => {
    const shared = new Set(['Organisation', 'Name', 'Partner', 'Passkey', 'Passkeys', 'Version', 'Status', 'Filter', 'Details', 'Problem', 'Code', 'Disposition', 'English', 'Deutsch', 'Lotbridge', 'China', 'webhook', 'Received', 'Content', 'From', 'To']);
    const englishWords = (text: string) => (text.replace(/\{\w+\}/g, '').match(/[A-Za-z][a-z]{2,}/g) ?? []).filter((w) => !shared.has(w));
    const untranslated = (Object.keys(en) as (keyof typeof en)[]).filter((k) => de[k] === en[k] && englishWords(en[k]).length > 0);
    expect(untranslated).toEqual([]);
  });

  it('translate the Chinese catalogue into Chinese, not English', () => {
    const untranslated = Object.keys(en).filter((k) => k !== 'app.name' && !k.startsWith('lang.') && zhCN[k as keyof typeof en] === en[k as keyof typeof en]);
    expect(untranslated).toEqual([]);
  });
});

/** Every catalogue file beside this test: `<capability>.<locale>.ts`. */
const catalogueFiles = readdirSync(import.meta.dirname).filter((f) => /^[\w-]+\.[\w-]+\.ts$/.test(f) && !f.endsWith('.test.ts'));
const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();

describe('capability catalogues', () => {
  it('keep in every language exactly the {placeholders} of the English text, file by file', async () => {
    const translations = catalogueFiles.filter((f) => !f.endsWith('.en.ts'));
    // Every file is named after a supported language and has its English counterpart.
    expect(translations.map((f) => f.split('.').at(-2)).filter((l) => !(locales as readonly string[]).includes(l!))).toEqual([]);
    expect(translations.filter((f) => !catalogueFiles.includes(f.replace(/\.[\w-]+\.ts$/, '.en.ts')))).toEqual([]);
    const exported = async (file: string) => Object.values((await import(/* @vite-ignore */ `${import.meta.dirname}/${file}`)) as Record<string, Record<string, string>>)[0]!;
    const wrong: string[] = [];
    for (const file of translations) {
      const english = await exported(file.replace(/\.[\w-]+\.ts$/, '.en.ts'));
      for (const [key, text] of Object.entries(await exported(file))) {
        if (!(key in english)) wrong.push(`${file}: ${key} is not an English key`);
        else if (placeholders(text).join() !== placeholders(english[key]!).join()) wrong.push(`${file}: ${key} has ${placeholders(text).join() || 'none'}, English ${placeholders(english[key]!).join() || 'none'}`);
      }
    }
    expect(translations.length).toBeGreaterThan(30);
    expect(wrong).toEqual([]);
  });

  it('define each key once: a key in two files is worded by whichever is spread last', () => {
    for (const suffix of locales.map((l) => `.${l}.ts`)) {
      const where = new Map<string, string[]>();
      for (const file of readdirSync(import.meta.dirname).filter((f) => f.endsWith(suffix) && !f.endsWith('.test.ts'))) {
        for (const [, key] of readFileSync(`${import.meta.dirname}/${file}`, 'utf8').matchAll(/^ {2}'([^']+)':/gm)) where.set(key!, [...(where.get(key!) ?? []), file]);
      }
      expect([...where].filter(([, files]) => files.length > 1)).toEqual([]);
      expect(where.size, suffix).toBeGreaterThan(1000);
    }
  });
});

describe('translate', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'home.title', { name: 'Ada' })).toBe('Welcome, Ada');
    expect(translate('zh-CN', 'home.title', { name: '王芳' })).toBe('欢迎，王芳');
    expect(translate('de', 'home.title', { name: 'Jörg' })).toBe('Willkommen, Jörg');
    expect(translate('en', 'home.title')).toBe('Welcome, {name}');
  });
});

describe('negotiateLocale', () => {
  it('prefers the saved choice', () => {
    expect(negotiateLocale('zh-CN', 'en-US,en;q=0.9')).toBe('zh-CN');
  });

  it('follows Accept-Language by quality, mapping Simplified Chinese tags', () => {
    expect(negotiateLocale(undefined, 'zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(negotiateLocale(undefined, 'zh-Hans-CN')).toBe('zh-CN');
    expect(negotiateLocale(undefined, 'en;q=0.5,zh;q=0.7')).toBe('zh-CN');
  });

  it('maps every German tag to German', () => {
    expect(negotiateLocale(undefined, 'de-DE,en;q=0.5,zh;q=0.7')).toBe('de');
    expect(negotiateLocale(undefined, 'de')).toBe('de');
    expect(negotiateLocale(undefined, 'de-AT, en;q=0.9')).toBe('de');
    expect(negotiateLocale(undefined, 'fr-FR, de-CH;q=0.8, en;q=0.5')).toBe('de');
    expect(negotiateLocale('de', 'zh-CN')).toBe('de');
    expect(negotiateLocale(undefined, 'dev')).toBe('en');
    expect(negotiateLocale(undefined, 'fr-FR, en-GB;q=0.8')).toBe('en');
  });

  it('falls back to English for unknown or missing preferences', () => {
    expect(negotiateLocale('klingon', null)).toBe('en');
    expect(negotiateLocale(undefined, 'fr-FR')).toBe('en');
    expect(negotiateLocale(undefined, 'zh;q=0')).toBe('en');
  });
});
