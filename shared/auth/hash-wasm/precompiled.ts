import { hashWasmDigests } from './digests.ts';

export type HashWasmModules = Record<keyof typeof hashWasmDigests, WebAssembly.Module>;

function hex(digest: ArrayBuffer): string {
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * workerd compiles no WebAssembly from bytes ("Wasm code generation disallowed by embedder"),
 * and hash-wasm compiles its embedded binaries on first use, with no way to hand it a module.
 * From here on, a `WebAssembly.compile` of exactly those bytes (matched by SHA-256) answers
 * with the module the bundler precompiled from the same bytes; any other call goes on as before.
 */
export function answerHashWasmCompiles(modules: HashWasmModules): void {
  const byDigest = new Map<string, WebAssembly.Module>(Object.entries(hashWasmDigests).map(([name, digest]) => [digest, modules[name as keyof HashWasmModules]]));
  const compile = WebAssembly.compile.bind(WebAssembly);
  const precompiledFirst = async (bytes: BufferSource): Promise<WebAssembly.Module> =>
    byDigest.get(hex(await crypto.subtle.digest('SHA-256', bytes))) ?? compile(bytes);
  Object.defineProperty(WebAssembly, 'compile', { value: precompiledFirst, writable: true, configurable: true });
}
