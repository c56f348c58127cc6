import { describe, expect, it } from 'vitest';
import { sameSitePath } from './same-site-path.ts';

describe('sameSitePath', () => {
  it('keeps paths of this site', () => {
    expect(sameSitePath('/home')).toBe('/home');
    expect(sameSitePath('/audit?before=20')).toBe('/audit?before=20');
  });

  it.each(['//evil.example', '/\\evil.example', '/\t/evil.example', '/\n/evil.example', 'https://evil.example', 'home', '', undefined, 42])(
    'refuses %j (an open redirect or not a path)',
    (value) => {
      expect(sameSitePath(value, '/fallback')).toBe('/fallback');
    },
  );
});
