import { describe, expect, it } from 'vitest';
import { sharedSources } from '../../tests/support/sources.ts';
import { ediLogEn } from './edi-log.en.ts';

// Every purpose an outbound AS2 message is queued with has a readable name in the EDI log: read
// from the sources that queue them (literals and literal unions), so a new one fails here.
describe('AS2 purpose names', () => {
  const purposes = new Set<string>();
  for (const { file, text } of sharedSources()) {
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
