import { describe, expect, it } from 'vitest';
import { readEdifactResult } from './edifact-result.ts';

describe('readEdifactResult', () => {
  it('reads the outcomes and queued answers a run stored', () => {
    const stored = JSON.stringify({
      interchanges: 1,
      accepted: 0,
      rejected: 1,
      acknowledgements: ['UNB…'],
      outcomes: [{ reference: 'R1', status: 'refused', duplicate: false, problems: ['sender 1 is not the EDI id'] }],
      queued: [{ purpose: 'contrl', id: 'as2out_1', messageId: 'as2_1@lotbridge' }],
    });
    expect(readEdifactResult(stored)).toEqual({
      outcomes: [{ reference: 'R1', status: 'refused', duplicate: false, problems: ['sender 1 is not the EDI id'] }],
      queued: [{ purpose: 'contrl', id: 'as2out_1', messageId: 'as2_1@lotbridge' }],
      error: null,
    });
  });

  it('reads the error of a failed run, and keeps text that is not JSON as the error', () => {
    expect(readEdifactResult(JSON.stringify({ error: 'processing failed 3 times: ENOENT' }))).toEqual({ outcomes: [], queued: [], error: 'processing failed 3 times: ENOENT' });
    expect(readEdifactResult('disk full')).toEqual({ outcomes: [], queued: [], error: 'disk full' });
    expect(readEdifactResult(null)).toBeNull();
  });
});
