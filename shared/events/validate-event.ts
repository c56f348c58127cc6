import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { isValidGtin } from '../gs1/gtin.ts';
import { AppError } from '../errors.ts';
import { eventCatalogue, findEventType, sharedSchemas, type EventType } from './catalogue.ts';
import envelope from './schemas/envelope.schema.json' with { type: 'json' };

let compiled: { envelope: ValidateFunction; byType: Map<string, ValidateFunction> } | undefined;

function validators() {
  if (compiled) return compiled;
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  addFormats(ajv, ['date', 'date-time']);
  ajv.addFormat('gtin', { type: 'string', validate: isValidGtin });
  for (const s of sharedSchemas) ajv.addSchema(s);
  const byType = new Map<string, ValidateFunction>();
  for (const e of eventCatalogue) {
    const id = (e.schema as { $id: string }).$id;
    byType.set(`${e.direction}:${e.type}`, ajv.getSchema(id) ?? ajv.compile(e.schema));
  }
  compiled = { envelope: ajv.getSchema((envelope as { $id: string }).$id)!, byType };
  return compiled;
}

/** "lines/0/gtin: is not a valid GTIN (check digit or length)": one line per problem, path first. */
function describe(errors: ErrorObject[], prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    // The failed branches of an anyOf repeat what its own error says.
    if (/\/anyOf\/\d+\//.test(e.schemaPath)) continue;
    if (e.keyword === 'if' || e.keyword === 'anyOf') {
      if (e.keyword === 'anyOf') out[prefix + e.instancePath || prefix] = 'needs a lot or serials';
      continue;
    }
    let path = prefix + e.instancePath;
    let reason = e.message ?? 'is not valid';
    if (e.keyword === 'required') {
      path = `${path}/${(e.params as { missingProperty: string }).missingProperty}`;
      reason = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      path = `${path}/${(e.params as { additionalProperty: string }).additionalProperty}`;
      reason = 'is not a known field';
    } else if (e.keyword === 'format' && (e.params as { format: string }).format === 'gtin') {
      reason = 'is not a valid GTIN (check digit or length)';
    } else if (e.keyword === 'enum') {
      reason = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    }
    out[path.replace(/^\//, '') || '(body)'] ??= reason;
  }
  return out;
}

/** Checks a webhook body `{type, timestamp, data}` and its data against the catalogue. */
export function validateEvent(body: unknown, direction: EventType['direction']): { type: string; timestamp: string; data: Record<string, unknown> } {
  const v = validators();
  if (!v.envelope(body)) throw new AppError('invalid_input', 'the body must be {type, timestamp, data}', describe(v.envelope.errors ?? [], ''));
  const event = body as { type: string; timestamp: string; data: Record<string, unknown> };
  if (!findEventType(event.type, direction)) {
    const known = eventCatalogue.filter((e) => e.direction === direction).map((e) => e.type);
    throw new AppError('invalid_input', `unknown event type "${event.type}"`, { type: `must be one of ${known.join(', ')}` });
  }
  const validate = v.byType.get(`${direction}:${event.type}`)!;
  if (!validate(event.data)) throw new AppError('invalid_input', `the data of ${event.type} is not valid`, describe(validate.errors ?? [], 'data'));
  return event;
}
