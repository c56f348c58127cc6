import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [sveltekit()],
  // Rolldown's report of slow plugin callbacks (with profiling advice) says nothing to someone
  // starting Lotbridge, whose first `npm start` builds the portal.
  build: { rolldownOptions: { checks: { bundlerTimings: false } } },
  // The Workers build (LOTBRIDGE_TARGET=workers) takes the `workerd` side of each `#runtime/…` split.
  ...(process.env.LOTBRIDGE_TARGET === 'workers' ? { ssr: { resolve: { conditions: ['workerd', 'worker', 'module', 'development|production'], externalConditions: ['workerd', 'worker'] } } } : {}),
});
