import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    // adapter-node's settings are read as SVELTEKIT_ORIGIN etc., so PORT and HOST stay
    // Lotbridge's own (gateway/node/serve.ts owns the listening socket).
    adapter: adapter({ out: 'build', envPrefix: 'SVELTEKIT_' }),
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
