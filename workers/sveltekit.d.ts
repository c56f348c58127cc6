// The portal as `LOTBRIDGE_TARGET=workers vite build` writes it (adapter-cloudflare, .svelte-kit-workers/).
declare module '*/.svelte-kit-workers/output/server/index.js' {
  export { Server } from '@sveltejs/kit';
}
declare module '*/.svelte-kit-workers/cloudflare-tmp/manifest.js' {
  import type { SSRManifest } from '@sveltejs/kit';
  export const manifest: SSRManifest;
}
