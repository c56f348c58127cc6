#!/usr/bin/env node
// `npm run validators`: regenerates shared/events/validators/ from the event schemas (see
// shared/events/compile-validators.ts) and gateway/api/validators/ from the REST API's
// operations (gateway/api/compile-validators.ts). Run it after changing a schema; commit the result.
import { register } from 'tsx/esm/api';

register();
const { writeValidatorModules, writeModules } = await import('../shared/events/compile-validators.ts');
const written = writeValidatorModules();
console.log(`wrote ${written.length} modules to shared/events/validators/`);
const { apiValidatorModules, apiValidatorsDir } = await import('../gateway/api/compile-validators.ts');
const api = writeModules(apiValidatorsDir, apiValidatorModules());
console.log(`wrote ${api.length} modules to gateway/api/validators/`);
