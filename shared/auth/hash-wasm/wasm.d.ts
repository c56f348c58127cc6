/** A `.wasm` import, as wrangler (esbuild's CompiledWasm rule) and workerd give it: a compiled module. */
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
