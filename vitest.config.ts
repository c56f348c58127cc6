import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { workerTestVars } from './tests/support/workers-env.ts';

// Three tiers, each runnable alone (`npx vitest run --project unit`). The integration and
// browser tiers start real servers from the built portal, which tests/run.js builds first.
// The fixtures reporter ends the run with one line when ../shared/fixtures is absent (tests/support/fixtures.ts).
export default defineConfig({
  test: {
    reporters: ['default', './tests/support/fixtures-reporter.ts'],
    projects: [
      // $shared as svelte.config.js has it, for portal/lib modules tested alone.
      { resolve: { alias: { $shared: fileURLToPath(new URL('./shared', import.meta.url)) } }, test: { name: 'unit', include: ['shared/**/*.test.ts', 'gateway/**/*.test.ts', 'portal/**/*.test.ts'] } },
      { test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 } },
      // The Worker on workerd (wrangler.toml's bindings, locally): built first by tests/run.js.
      // Its LOTBRIDGE_KEY secret: a new key every run (the run's Durable Objects live in memory); the
      // demo's accounts; mail through an HTTP mail API. Every fetch it makes to the outside reaches
      // tests/support/workers-recorder.js, which the tests read through RECORDER.
      {
        plugins: [
          cloudflareTest({
            main: './workers/index.ts',
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: { ...workerTestVars, LOTBRIDGE_KEY: randomBytes(32).toString('base64') },
              outboundService: 'recorder',
              serviceBindings: { RECORDER: 'recorder' },
              workers: [{ name: 'recorder', modules: true, scriptPath: './tests/support/workers-recorder.js', compatibilityDate: '2026-04-26' }],
            },
          }),
        ],
        test: { name: 'workers', include: ['tests/workers/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 },
      },
      { test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false } },
    ],
  },
});
