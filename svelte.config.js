import nodeAdapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

// `npm run build:workers` sets LOTBRIDGE_TARGET=workers: the portal built for Cloudflare Workers
// (workers/index.ts serves it) into its own folder, so the Node build beside it stays as it is.
const forWorkers = process.env.LOTBRIDGE_TARGET === 'workers';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    // adapter-node's settings are read as SVELTEKIT_ORIGIN etc., so PORT and HOST stay
    // Lotbridge's own (gateway/node/serve.ts owns the listening socket).
    adapter: forWorkers
      ? (await import('@sveltejs/adapter-cloudflare')).default({ config: 'workers/adapter.wrangler.toml' })
      : nodeAdapter({ out: 'build', envPrefix: 'SVELTEKIT_' }),
    ...(forWorkers ? { outDir: '.svelte-kit-workers' } : {}),
    files: {
      src: 'portal',
      lib: 'portal/lib',
      routes: 'portal/routes',
      assets: 'portal/static',
      appTemplate: 'portal/app.html',
      errorTemplate: 'portal/error.html',
      hooks: { server: 'portal/hooks.server', client: 'portal/hooks.client', universal: 'portal/hooks' },
      params: 'portal/params',
      serviceWorker: 'portal/service-worker',
    },
    alias: { $shared: 'shared', $gateway: 'gateway' },
    // The CSRF origin check stays on: SvelteKit's default, so no `csrf` setting here.
    // Content-Security-Policy on every page: scripts only from us, each inline script of
    // SvelteKit's with a per-response nonce ('auto': a hash for prerendered pages); no framing.
    // Styles may be inline (app.html's wrapper and Svelte transitions use style attributes and
    // elements); they cannot run code.
    csp: {
      mode: 'auto',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self', 'data:'],
        'font-src': ['self'],
        'connect-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['self'],
        'frame-ancestors': ['none'],
      },
    },
  },
};

export default config;
