import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventCatalogue } from './catalogue.ts';
import { validateEvent } from './validate-event.ts';

const docs = join(import.meta.dirname, '../../docs/events');

describe('event catalogue', () => {
  it.each(eventCatalogue.map((e) => [e.type, e.direction] as const))('%s (%s) has a docs page whose example validates', (type, direction) => {
    const page = readFileSync(join(docs, `${type}.md`), 'utf8');
    expect(page).toContain(`# ${type} (${direction}, version `);
    const example = /```json\n([\s\S]*?)\n```/.exec(page);
    expect(example, 'a ```json example').not.toBeNull();
    const body = JSON.parse(example![1]!);
    expect(body.type).toBe(type);
    expect(validateEvent(body, direction).type).toBe(type);
    if (direction === 'outbound') expect(body.data.aggregate).toMatchObject({ type: expect.any(String), id: expect.any(String), sequence: expect.any(Number) });
  });

  it('lists every type in docs/events/README.md and no page without a type', () => {
    const index = readFileSync(join(docs, 'README.md'), 'utf8');
    for (const e of eventCatalogue) expect(index).toContain(`\`${e.type}\``);
    const pages = readdirSync(docs).filter((f) => f.endsWith('.md') && f !== 'README.md').map((f) => f.slice(0, -3));
    expect(pages.sort()).toEqual([...new Set(eventCatalogue.map((e) => e.type))].sort());
  });
});
