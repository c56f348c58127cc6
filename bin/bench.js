#!/usr/bin/env node
// `npm run bench -- NAME`: runs bench/NAME.ts, which prints its figures.
import { readdirSync } from 'node:fs';
import { register } from 'tsx/esm/api';

const available = readdirSync(new URL('../bench/', import.meta.url))
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
  .map((f) => f.slice(0, -3));
const name = process.argv[2];
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join('|')}>`);
  process.exit(2);
}
register();
await import(`../bench/${name}.ts`);
