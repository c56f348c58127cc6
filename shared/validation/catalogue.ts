// The requirements catalogue as traceResults (./trace.ts) reads it: clauses, requirements and the
// committed trace of tagged tests (trace.json, rewritten by `npm run trace`).
import { clauses } from './clauses.ts';
import { requirements } from './requirements.ts';
import type { Catalogue, TracedTest } from './trace.ts';
import trace from './trace.json' with { type: 'json' };

export const catalogue: Catalogue = { clauses, requirements, trace: trace as Record<string, TracedTest[]> };
