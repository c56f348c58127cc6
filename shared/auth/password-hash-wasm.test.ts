// The WebAssembly side verifies by recomputing the raw hash and comparing bytes in constant time:
// hash-wasm's own argon2Verify compares the encoded strings with `===`, which stops at the first
// differing character, so its timing tells an attacker how much of a guess's hash matched.
import { describe, expect, it, vi } from 'vitest';

const spied = vi.hoisted(() => ({ verifyCalls: 0 }));
vi.mock('hash-wasm', async (original) => {
  const real = await original<typeof import('hash-wasm')>();
  return {
    ...real,
    argon2Verify: (...args: Parameters<typeof real.argon2Verify>) => {
      spied.verifyCalls++;
      return real.argon2Verify(...args);
    },
  };
});

const { hashPassword, verifyPasswordHash } = await import('./password-hash-wasm.ts');
const { hashPassword: nativeHash } = await import('./password-hash-native.ts');

describe('argon2id in WebAssembly: verification', () => {
  it('does not go through argon2Verify (a string === on the encoded hash), and still tells right from wrong', async () => {
    const phc = await hashPassword('correct horse');
    expect(await verifyPasswordHash(phc, 'correct horse')).toBe(true);
    expect(await verifyPasswordHash(phc, 'correct horse!')).toBe(false);
    expect(await verifyPasswordHash(await nativeHash('correct horse'), 'correct horse')).toBe(true);
    expect(spied.verifyCalls).toBe(0);
  });

  it('refuses a hash whose last character differs, and one with a different hash length', async () => {
    const phc = await hashPassword('pw');
    const last = phc.at(-1)!;
    expect(await verifyPasswordHash(phc.slice(0, -1) + (last === 'A' ? 'B' : 'A'), 'pw')).toBe(false);
    expect(await verifyPasswordHash(phc.slice(0, -4), 'pw')).toBe(false);
  });
});
