// The portal as `npm run build:workers` writes it (adapter-cloudflare, .svelte-kit-workers/): its
// server and manifest, which workers/index.ts serves. Typed by portal.d.ts (the build is not checked).
export { Server } from '../.svelte-kit-workers/output/server/index.js';
export { manifest } from '../.svelte-kit-workers/cloudflare-tmp/manifest.js';
