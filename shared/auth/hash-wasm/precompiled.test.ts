// workerd refuses WebAssembly.compile from bytes; hash-wasm compiles its binaries on first use.
// Here, on Node, compile is made to refuse as workerd does before hash-wasm is first used (a
// file of its own: hash-wasm keeps compiled modules for the process), and the precompiled
// modules from the .wasm files answer instead.
import { readFileSync } from 'node:fs';
import { verify } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerHashWasmCompiles } from './precompiled.ts';
import { hashPassword, verifyPasswordHash } from '../password-hash-wasm.ts';

const original = WebAssembly.compile;
const refused: number[] = [];
const moduleFrom = (name: string) => new WebAssembly.Module(readFileSync(new URL(`./${name}.wasm`, import.meta.url)));

beforeAll(() => {
  Object.defineProperty(WebAssembly, 'compile', {
    value: (bytes: ArrayBuffer) => {
      refused.push(bytes.byteLength);
      return Promise.reject(new WebAssembly.CompileError('WebAssembly.compile(): Wasm code generation disallowed by embedder'));
    },
    writable: true,
    configurable: true,
  });
  answerHashWasmCompiles({ argon2: moduleFrom('argon2'), blake2b: moduleFrom('blake2b') });
});

afterAll(() => {
  Object.defineProperty(WebAssembly, 'compile', { value: original, writable: true, configurable: true });
});

describe('answerHashWasmCompiles', () => {
  it('lets hash-wasm hash and verify argon2id without compiling from bytes', async () => {
    const phc = await hashPassword('correct horse battery staple');
    expect(await verifyPasswordHash(phc, 'correct horse battery staple')).toBe(true);
    expect(await verifyPasswordHash(phc, 'wrong horse battery staple')).toBe(false);
    expect(await verify(phc, 'correct horse battery staple')).toBe(true);
    expect(refused).toEqual([]);
  });

  it('passes any other compile on', async () => {
    const empty = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    await expect(WebAssembly.compile(empty.buffer)).rejects.toThrow(/disallowed by embedder/);
    expect(refused).toEqual([8]);
  });
});
