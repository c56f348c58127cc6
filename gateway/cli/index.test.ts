import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from './index.ts';
import { commands } from './commands.ts';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  return { out, err };
}

afterEach(() => vi.restoreAllMocks());

describe('lotbridge CLI', () => {
  it('lists every command with --help', async () => {
    const { out } = capture();
    expect(await main(['--help'])).toBe(0);
    for (const name of ['serve', 'migrate', 'demo', 'user add', 'audit verify']) expect(out.join('\n')).toContain(name);
  });

  it.each(Object.keys(commands))('has --help for "%s"', async (name) => {
    const { out } = capture();
    expect(await main([...name.split(' '), '--help'])).toBe(0);
    expect(out.join('\n')).toContain(`Usage: lotbridge ${name}`);
  });

  it('refuses unknown commands and options with exit code 2', async () => {
    const { err } = capture();
    expect(await main(['frobnicate'])).toBe(2);
    expect(await main(['migrate', '--nope'])).toBe(2);
    expect(err.join('\n')).toMatch(/unknown command "frobnicate"/);
    expect(err.join('\n')).toMatch(/--nope/);
  });

  it('prints a refusal with each field problem worded in English after its field path, exit code 2', async () => {
    const { err } = capture();
    // The certificate file is read before any database is opened.
    const missing = '/nonexistent/partner.cer';
    expect(await main(['partner', 'add', '--name', 'Nobody', '--kind', 'supplier', '--as2-id', 'NOBODY', '--cert', missing])).toBe(2);
    expect(err.join('\n')).toBe(`lotbridge partner add: --cert ${missing}: no such file (certificates[0]: ${missing} cannot be read.)`);
  });
});
