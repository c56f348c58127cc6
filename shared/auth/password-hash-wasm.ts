// argon2id in WebAssembly (hash-wasm), for runtimes without native addons. Runs on Node as well,
// where its unit test checks it against the native binding; on workerd it is reached through
// password-hash-workerd.ts, which supplies the WebAssembly modules precompiled.
import { argon2d, argon2i, argon2id } from 'hash-wasm';
import { argon2idParams as p, type PasswordHashing } from './argon2-params.ts';

export const hashPassword: PasswordHashing['hashPassword'] = (password) =>
  argon2id({
    password,
    salt: crypto.getRandomValues(new Uint8Array(p.saltBytes)),
    parallelism: p.lanes,
    iterations: p.passes,
    memorySize: p.memoryKiB,
    hashLength: p.hashBytes,
    outputType: 'encoded',
  });

const phcString = /^\$argon2(id|i|d)\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;
const variants = { id: argon2id, i: argon2i, d: argon2d };

function fromBase64(unpadded: string): Uint8Array {
  return Uint8Array.from(atob(unpadded + '='.repeat((4 - (unpadded.length % 4)) % 4)), (c) => c.charCodeAt(0));
}

/**
 * Recomputes the raw hash with the PHC string's own parameters and compares the bytes in
 * constant time (hash-wasm's argon2Verify compares the encoded strings with `===`, whose time
 * tells how much of a guess's hash matched).
 */
export const verifyPasswordHash: PasswordHashing['verifyPasswordHash'] = async (phc, password) => {
  try {
    const m = phcString.exec(phc);
    if (!m) return false;
    const [, variant, memorySize, iterations, parallelism, salt, hash] = m;
    const expected = fromBase64(hash!);
    const actual = await variants[variant as keyof typeof variants]({
      password,
      salt: fromBase64(salt!),
      parallelism: Number(parallelism),
      iterations: Number(iterations),
      memorySize: Number(memorySize),
      hashLength: expected.length,
      outputType: 'binary',
    });
    let difference = actual.length ^ expected.length;
    for (let i = 0; i < expected.length; i++) difference |= actual[i]! ^ expected[i]!;
    return difference === 0;
  } catch {
    return false;
  }
};
