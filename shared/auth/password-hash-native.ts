// argon2id on Node: the native binding (`default` of `#runtime/password-hash`).
import { hash, verify } from '@node-rs/argon2';
import { argon2idParams as p, type PasswordHashing } from './argon2-params.ts';

// Algorithm 2 = Argon2id (a const enum in the binding's types, which isolated modules cannot import).
const options = { algorithm: 2, memoryCost: p.memoryKiB, timeCost: p.passes, parallelism: p.lanes, outputLen: p.hashBytes } as const;

export const hashPassword: PasswordHashing['hashPassword'] = (password) => hash(password, options);

export const verifyPasswordHash: PasswordHashing['verifyPasswordHash'] = async (phc, password) => {
  try {
    return await verify(phc, password);
  } catch {
    return false;
  }
};
