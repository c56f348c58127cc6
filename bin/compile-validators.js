#!/usr/bin/env node
// `npm run validators`: regenerates shared/events/validators/ from the event schemas (see
// shared/events/compile-validators.ts). Run it after changing a schema; commit the result.
import { register } from 'tsx/esm/api';

register();
const { writeValidatorModules } = await import('../shared/events/compile-validators.ts');
const written = writeValidatorModules();
console.log(`wrote ${written.length} modules to shared/events/validators/`);
