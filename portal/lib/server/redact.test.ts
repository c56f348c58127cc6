import { describe, expect, it } from 'vitest';
import { redactPath } from './redact.ts';

describe('redactPath', () => {
  it('drops notice and invitation tokens, keeps what follows and every other path', () => {
    expect(redactPath('/notices/rnt_abc.1790000000.mac-mac_mac')).toBe('/notices/[redacted]');
    expect(redactPath('/notices/rnt_abc.1790000000.mac/notice.pdf')).toBe('/notices/[redacted]/notice.pdf');
    expect(redactPath('/invite/inv_abcdef')).toBe('/invite/[redacted]');
    expect(redactPath('/onward/ron_abc.1790000000.mac-mac_mac')).toBe('/onward/[redacted]');
    expect(redactPath('/recalls/rcl_1/reply')).toBe('/recalls/rcl_1/reply');
    expect(redactPath('/notices')).toBe('/notices');
  });
});
