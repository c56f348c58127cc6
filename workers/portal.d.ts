export { Server } from '@sveltejs/kit';
export declare const manifest: import('@sveltejs/kit').SSRManifest;
