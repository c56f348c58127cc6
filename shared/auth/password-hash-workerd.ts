// argon2id on workerd (`workerd` of `#runtime/password-hash`): hash-wasm, with its two
// WebAssembly binaries imported as modules (wrangler's esbuild precompiles `.wasm` imports),
// since workerd refuses to compile them from the bytes hash-wasm embeds.
import argon2 from './hash-wasm/argon2.wasm';
import blake2b from './hash-wasm/blake2b.wasm';
import { answerHashWasmCompiles } from './hash-wasm/precompiled.ts';

answerHashWasmCompiles({ argon2, blake2b });

export { hashPassword, verifyPasswordHash } from './password-hash-wasm.ts';
