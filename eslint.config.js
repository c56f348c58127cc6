import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
  { ignores: ['build/', '.svelte-kit/', 'node_modules/', 'test-results/', 'data/', '.svelte-kit-workers/', '.wrangler/', 'workers/generated/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      // Unused arguments named _x are deliberate (handler signatures).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { projectService: true, extraFileExtensions: ['.svelte'], parser: ts.parser, svelteConfig } },
  },
  {
    // shared/ is the domain: it must not reach up into a transport.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['hono', 'hono/*', '@sveltejs/*', '$app/*', '**/gateway/**', '**/portal/**'], message: 'shared/ imports nothing of the transports' }] },
      ],
    },
  },
  {
    // The protocol libraries are stateless: no database, no use case, only themselves, packages
    // and the one template filler (shared/fill.ts).
    files: ['shared/as2/**/*.ts', 'shared/edifact/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['hono', 'hono/*', '@sveltejs/*', '$app/*'], message: 'shared/ imports nothing of the transports' },
            { regex: '^\\.\\./(?!fill\\.ts$)', message: 'shared/as2 and shared/edifact (protocol libraries) import nothing of the rest of shared/' },
          ],
        },
      ],
    },
  },
);
