// argon2id on both runtimes: the native binding (Node) and hash-wasm (workerd) make PHC strings
// with the same parameters that each verifies for the other. Both run here, on Node.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as native from './password-hash-native.ts';
import * as wasm from './password-hash-wasm.ts';
import * as chosen from '#runtime/password-hash';
import { digestsSource, embeddedBinaries, names } from './hash-wasm/extract.ts';

const sides = { native, wasm };
const password = 'correct horse battery staple';

describe('argon2id, native and WebAssembly', () => {
  it('writes the same parameters: argon2id, 19 MiB, 2 passes, 1 lane, 16-byte salt, 32-byte hash [REQ-P11-PWD-01]', async () => {
    for (const side of Object.values(sides)) {
      expect(await side.hashPassword(password)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    }
  });

  for (const [maker, made] of Object.entries(sides)) {
    for (const [checker, checks] of Object.entries(sides)) {
      it(`a ${maker} hash verifies with ${checker}; a wrong password does not`, async () => {
        const phc = await made.hashPassword(password);
        expect(await checks.verifyPasswordHash(phc, password)).toBe(true);
        expect(await checks.verifyPasswordHash(phc, `${password}!`)).toBe(false);
        expect(await checks.verifyPasswordHash(phc, '')).toBe(false);
      });
    }
  }

  it('answers false, not a throw, for a malformed hash', async () => {
    for (const side of Object.values(sides)) {
      for (const phc of ['', 'not a hash', '$argon2id$v=19$m=19456,t=2,p=1$short$short']) {
        expect(await side.verifyPasswordHash(phc, password)).toBe(false);
      }
    }
  });

  it('takes the native binding on Node (`default` of #runtime/password-hash)', () => {
    expect(chosen.hashPassword).toBe(native.hashPassword);
    expect(chosen.verifyPasswordHash).toBe(native.verifyPasswordHash);
  });

  it('keeps the .wasm files workerd imports identical to what the installed hash-wasm embeds', () => {
    const binaries = embeddedBinaries();
    for (const name of names) {
      expect(readFileSync(new URL(`./hash-wasm/${name}.wasm`, import.meta.url)).equals(binaries[name]), `${name}.wasm is stale: npx tsx shared/auth/hash-wasm/extract.ts`).toBe(true);
    }
    expect(readFileSync(new URL('./hash-wasm/digests.ts', import.meta.url), 'utf8')).toBe(digestsSource(binaries));
  });
});
