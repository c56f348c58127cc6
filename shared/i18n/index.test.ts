import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';
import { negotiateLocale, translate } from './index.ts';

describe('catalogues', () => {
  it('have the same keys and the same placeholders in every language', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(en)) {
      const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
      expect(placeholders(zhCN[key as keyof typeof en]), key).toEqual(placeholders(text));
    }
  });

  it('translate the Chinese catalogue into Chinese, not English', () => {
    const untranslated = Object.keys(en).filter((k) => k !== 'app.name' && !k.startsWith('lang.') && zhCN[k as keyof typeof en] === en[k as keyof typeof en]);
    expect(untranslated).toEqual([]);
  });
});

describe('capability catalogues', () => {
  it('define each key once: a key in two files is worded by whichever is spread last', () => {
    for (const suffix of ['.en.ts', '.zh-CN.ts']) {
      const where = new Map<string, string[]>();
      for (const file of readdirSync(import.meta.dirname).filter((f) => f.endsWith(suffix) && !f.endsWith('.test.ts'))) {
        for (const [, key] of readFileSync(`${import.meta.dirname}/${file}`, 'utf8').matchAll(/^ {2}'([^']+)':/gm)) where.set(key!, [...(where.get(key!) ?? []), file]);
      }
      expect([...where].filter(([, files]) => files.length > 1)).toEqual([]);
      expect(where.size).toBeGreaterThan(1000);
    }
  });
});

describe('translate', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'home.title', { name: 'Ada' })).toBe('Welcome, Ada');
    expect(translate('zh-CN', 'home.title', { name: '王芳' })).toBe('欢迎，王芳');
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
    expect(negotiateLocale(undefined, 'de-DE,en;q=0.5,zh;q=0.7')).toBe('zh-CN');
    expect(negotiateLocale(undefined, 'fr-FR, en-GB;q=0.8')).toBe('en');
  });

  it('falls back to English for unknown or missing preferences', () => {
    expect(negotiateLocale('klingon', null)).toBe('en');
    expect(negotiateLocale(undefined, 'fr-FR')).toBe('en');
    expect(negotiateLocale(undefined, 'zh;q=0')).toBe('en');
  });
});
