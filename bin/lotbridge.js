#!/usr/bin/env node
// The `lotbridge` command. The CLI is TypeScript run through tsx, so there is no separate
// build step for it; the portal is built by Vite (see gateway/node/ensure-build.ts).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../gateway/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
