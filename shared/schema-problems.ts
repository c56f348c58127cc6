// Schema violations (Ajv's errors) as problem codes: the same codes the portal and the REST API
// use, under field paths. Shared by the webhook events (shared/events/validate-event.ts) and the
// REST API's request validation (gateway/api/index.ts).
import type { ErrorObject } from 'ajv';
import { problem, type Problem, type Problems } from './errors.ts';

/** One schema violation as a problem code: the same codes the portal and the REST API use. */
export function schemaProblem(e: ErrorObject, branches: ErrorObject[]): Problem {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return problem('common.required');
    case 'additionalProperties':
      return problem('events.unknownField');
    case 'anyOf': {
      // Said by its failed branches: each missing one of several fields, or each a format.
      if (branches.length && branches.every((b) => b.keyword === 'required')) {
        return problem('events.oneRequired', { fields: branches.map((b) => (b.params as { missingProperty: string }).missingProperty).join(', ') });
      }
      if (branches.length && branches.every((b) => b.keyword === 'format')) {
        return problem('events.format', { format: branches.map((b) => (b.params as { format: string }).format).join(' or ') });
      }
      return problem('events.invalid', { keyword: e.keyword });
    }
    case 'enum':
      return problem('events.oneOf', { allowed: (p.allowedValues as unknown[]).join(', ') });
    case 'type':
      return problem('events.type', { type: String(p.type) });
    case 'format':
      if (p.format === 'gtin') return problem('common.badGtin');
      if (p.format === 'date') return problem('common.badDate');
      return problem('events.format', { format: String(p.format) });
    case 'pattern':
      return problem('events.pattern');
    case 'minimum':
      return problem('events.tooSmall', { min: Number(p.limit) });
    case 'maximum':
      return problem('events.tooLarge', { max: Number(p.limit) });
    case 'minLength':
      return problem('common.tooShort', { min: Number(p.limit) });
    case 'maxLength':
      return problem('common.tooLong', { max: Number(p.limit) });
    case 'minItems':
      return problem('events.tooFewItems', { min: Number(p.limit) });
    case 'maxItems':
      return problem('events.tooManyItems', { max: Number(p.limit) });
    default:
      return problem('events.invalid', { keyword: e.keyword });
  }
}

/**
 * The errors an `anyOf` failed with: Ajv lists them just before the anyOf's own error, at its
 * instance path or below (a `$ref`'d branch's schemaPath does not name the anyOf).
 */
function anyOfBranches(errors: ErrorObject[]): Map<ErrorObject, ErrorObject[]> {
  const branches = new Map<ErrorObject, ErrorObject[]>();
  const taken = new Set<ErrorObject>();
  errors.forEach((e, i) => {
    if (e.keyword !== 'anyOf') return;
    const own: ErrorObject[] = [];
    for (let j = i - 1; j >= 0 && !taken.has(errors[j]!) && errors[j]!.keyword !== 'anyOf' && errors[j]!.instancePath.startsWith(e.instancePath); j--) {
      own.unshift(errors[j]!);
      taken.add(errors[j]!);
    }
    branches.set(e, own);
  });
  return branches;
}

/** Each violation under its field path (`data/lines/0/gtin`); the first one of a path is kept. */
export function schemaProblems(errors: ErrorObject[], prefix: string): Problems {
  const branches = anyOfBranches(errors);
  const inBranch = new Set([...branches.values()].flat());
  const out: Problems = {};
  for (const e of errors) {
    // A failed anyOf branch is said by the anyOf; an `if` by its `then`'s own error.
    if (inBranch.has(e) || e.keyword === 'if') continue;
    let path = prefix + e.instancePath;
    if (e.keyword === 'required') path = `${path}/${(e.params as { missingProperty: string }).missingProperty}`;
    else if (e.keyword === 'additionalProperties') path = `${path}/${(e.params as { additionalProperty: string }).additionalProperty}`;
    out[path.replace(/^\//, '') || '(body)'] ??= schemaProblem(e, branches.get(e) ?? []);
  }
  return out;
}
