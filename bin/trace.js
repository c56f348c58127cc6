#!/usr/bin/env node
// `npm run trace`: rewrites shared/validation/trace.json from the `[REQ-…]` tags in the test names,
// after tests were tagged, added, renamed or moved on purpose (shared/validation/trace.test.ts says when).
import { register } from 'tsx/esm/api';

register();
const { writeTrace } = await import('../shared/validation/trace-scan.ts');
const { rootDir } = await import('../gateway/node/paths.ts');
const trace = writeTrace(rootDir);
const tests = Object.values(trace).reduce((n, list) => n + list.length, 0);
const untested = Object.entries(trace).filter(([, list]) => list.length === 0).map(([id]) => id);
console.log(`shared/validation/trace.json: ${Object.keys(trace).length} requirements, ${tests} tagged tests`);
if (untested.length) console.log(`no tagged test yet: ${untested.join(', ')}`);
