import { describe, expect, it } from 'vitest';
import { eventCatalogue } from '../events/catalogue.ts';
import { webhooksEn } from './webhooks.en.ts';

// Every event type that crosses the bridge (the event catalogue is the source of truth) has a
// readable name for the delivery log and its filter: a new type without one fails here.
describe('event type names', () => {
  it.each(eventCatalogue.map((e) => e.type))('%s has a readable name', (type) => {
    expect(Object.keys(webhooksEn)).toContain(`webhooks.event.${type}`);
  });
});
