import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { forwardBuildOutput } from './ensure-build.ts';

describe('forwardBuildOutput', () => {
  it("passes the build's output on without SvelteKit's advice to run npm run preview (serve starts the server itself)", async () => {
    const from = new PassThrough();
    const to = new PassThrough();
    let out = '';
    to.on('data', (d) => (out += d));
    const done = forwardBuildOutput(from, to);
    // What `vite build` printed when `npm start` built the portal (SvelteKit 2, adapter-node).
    from.end('✓ built in 4.2s\n\nRun npm run preview to preview your production build locally.\r\n\n> Using @sveltejs/adapter-node\n  ✔ done');
    await done;
    expect(out).toBe('✓ built in 4.2s\n\n\n> Using @sveltejs/adapter-node\n  ✔ done\n');
  });
});
