import type { FontSource } from './font-source.ts';

/**
 * On Workers there is no disk: the Worker entry installs a source over its static assets
 * (`installFontSource(assetsFontSource(env.ASSETS))`) before any PDF is rendered. Without it a
 * PDF fails with this message rather than a missing-file error.
 */
export const defaultFontSource: FontSource = {
  load: (file) => Promise.reject(new Error(`no PDF font source installed for ${file}: the Worker entry calls installFontSource(assetsFontSource(env.ASSETS))`)),
};
