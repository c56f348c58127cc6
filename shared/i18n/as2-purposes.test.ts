import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ediLogEn } from './edi-log.en.ts';

// Every purpose an outbound AS2 message is queued with has a readable name in the EDI log: read
// from the sources that queue them (literals and literal unions), so a new one fails here.
const sharedDir = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('AS2 purpose names', () => {
  const purposes = new Set<string>();
  for (const file of sources(sharedDir)) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('queueAs2Message(') || file.endsWith('queue-as2-message.ts')) continue;
    for (const [expression] of text.matchAll(/\bpurpose: [^,\n;)]*/g)) {
      for (const m of expression.matchAll(/'([a-z0-9_]+)'/g)) purposes.add(m[1]!);
    }
  }

  it('finds the purposes where messages are queued', () => {
    expect([...purposes]).toEqual(expect.arrayContaining(['contrl', 'aperak', 'recall_notice', 'orders', 'manual']));
  });

  it.each([...purposes].sort())('%s has a readable name', (purpose) => {
    expect(Object.keys(ediLogEn)).toContain(`ediLog.as2Purpose.${purpose}`);
  });
});
