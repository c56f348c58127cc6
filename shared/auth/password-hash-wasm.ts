// argon2id in WebAssembly (hash-wasm), for runtimes without native addons. Runs on Node as well,
// where its unit test checks it against the native binding; on workerd it is reached through
// password-hash-workerd.ts, which supplies the WebAssembly modules precompiled.
import { argon2id, argon2Verify } from 'hash-wasm';
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

export const verifyPasswordHash: PasswordHashing['verifyPasswordHash'] = async (phc, password) => {
  try {
    return await argon2Verify({ password, hash: phc });
  } catch {
    return false;
  }
};
