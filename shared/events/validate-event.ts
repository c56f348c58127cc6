import { problem, refusal } from '../errors.ts';
import { schemaProblems } from '../schema-problems.ts';
import { eventCatalogue, findEventType, type EventType } from './catalogue.ts';
import envelope from './schemas/envelope.schema.json' with { type: 'json' };
import { validators, type CompiledValidator } from './validators/index.ts';

/**
 * A schema's validator, compiled ahead of time (`npm run validators`): Ajv's run-time
 * compilation generates code from strings, which workerd refuses.
 */
function validatorOf(schema: object): CompiledValidator {
  const v = validators[(schema as { $id: string }).$id];
  if (!v) throw new Error(`no compiled validator for ${(schema as { $id: string }).$id}: run npm run validators`);
  return v;
}

/** Checks a webhook body `{type, timestamp, data}` and its data against the catalogue. */
export function validateEvent(body: unknown, direction: EventType['direction']): { type: string; timestamp: string; data: Record<string, unknown> } {
  const envelopeValidator = validatorOf(envelope);
  if (!envelopeValidator(body)) throw refusal('invalid_input', 'the body must be {type, timestamp, data}', schemaProblems(envelopeValidator.errors ?? [], ''));
  const event = body as { type: string; timestamp: string; data: Record<string, unknown> };
  const type = findEventType(event.type, direction);
  if (!type) {
    const known = eventCatalogue.filter((e) => e.direction === direction).map((e) => e.type);
    throw refusal('invalid_input', `unknown event type "${event.type}"`, { type: problem('events.unknownType', { known: known.join(', ') }) });
  }
  const validate = validatorOf(type.schema);
  if (!validate(event.data)) throw refusal('invalid_input', `the data of ${event.type} is not valid`, schemaProblems(validate.errors ?? [], 'data'));
  return event;
}
