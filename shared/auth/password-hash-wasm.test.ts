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
    // A 32-byte hash is 43 unpadded base64 characters; the last carries 4 data bits and 2 unused
    // ones. Flipping its top bit changes the hash's last byte; flipping its lowest bit (as 'A' <-> 'B'
    // did) changes nothing decoded, so that test failed whenever the random salt gave a hash ending in 'A'.
    const base64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const phc = await hashPassword('pw');
    const flipped = base64[base64.indexOf(phc.at(-1)!) ^ 0b100000];
    expect(await verifyPasswordHash(phc.slice(0, -1) + flipped, 'pw')).toBe(false);
    expect(await verifyPasswordHash(phc.slice(0, -4), 'pw')).toBe(false);
  });
});
