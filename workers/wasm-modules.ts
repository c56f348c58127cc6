// The WebAssembly modules of shared/ (argon2id's, shared/auth/password-hash-workerd.ts), imported
// here where wrangler's bundler compiles them, and registered by file name for the portal's
// server, whose Vite build cannot import them (vite.config.ts, wasmFromWorkerEntry).
import argon2 from '../shared/auth/hash-wasm/argon2.wasm';
import blake2b from '../shared/auth/hash-wasm/blake2b.wasm';

(globalThis as { [k: symbol]: unknown })[Symbol.for('lotbridge.wasmModules')] = { 'argon2.wasm': argon2, 'blake2b.wasm': blake2b };
