import { basename } from 'node:path';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig, type Plugin } from 'vite';

const forWorkers = process.env.LOTBRIDGE_TARGET === 'workers';

/**
 * WebAssembly imported as a module (`import m from './x.wasm'`, as workerd wants it: it compiles
 * none from bytes) cannot go through Vite's build, and SvelteKit loads the built server in Node to
 * analyse it. The Worker entry imports those modules itself (wrangler's bundler compiles them) and
 * registers them by file name (workers/wasm-modules.ts); the portal's copy reads them from there.
 */
function wasmFromWorkerEntry(): Plugin {
  const prefix = '\0lotbridge-wasm:';
  return {
    name: 'lotbridge:wasm-from-worker-entry',
    enforce: 'pre',
    resolveId: (id) => (id.endsWith('.wasm') ? prefix + basename(id) : null),
    load: (id) => (id.startsWith(prefix) ? `export default globalThis[Symbol.for('lotbridge.wasmModules')]?.[${JSON.stringify(id.slice(prefix.length))}];` : null),
  };
}

export default defineConfig({
  plugins: [...(forWorkers ? [wasmFromWorkerEntry()] : []), sveltekit()],
  // Rolldown's report of slow plugin callbacks (with profiling advice) says nothing to someone
  // starting Lotbridge, whose first `npm start` builds the portal.
  build: { rolldownOptions: { checks: { bundlerTimings: false } } },
  // The Workers build (LOTBRIDGE_TARGET=workers) takes the `workerd` side of each `#runtime/…` split.
  ...(forWorkers ? { ssr: { resolve: { conditions: ['workerd', 'worker', 'module', 'development|production'], externalConditions: ['workerd', 'worker'] } } } : {}),
});
