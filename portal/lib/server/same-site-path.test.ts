import { describe, expect, it } from 'vitest';
import { sameSitePath } from './same-site-path.ts';

describe('sameSitePath', () => {
  it('keeps paths of this site', () => {
    expect(sameSitePath('/home')).toBe('/home');
    expect(sameSitePath('/audit?before=20')).toBe('/audit?before=20');
    expect(sameSitePath('/certificates/%E8%AF%81')).toBe('/certificates/%E8%AF%81');
  });

  it.each(['//evil.example', '/\\evil.example', '/\t/evil.example', '/\n/evil.example', '/\u3000/evil.example', '/\u00a0/evil.example', '/ /evil.example', '/\u2028/x', '/\u00e9', 'https://evil.example', 'home', '', undefined, 42])(
    'refuses %j (an open redirect or not a path)',
    (value) => {
      expect(sameSitePath(value, '/fallback')).toBe('/fallback');
    },
  );
});
