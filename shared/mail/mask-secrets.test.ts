import { describe, expect, it } from 'vitest';
import { maskMailSecrets } from './mask-secrets.ts';

describe('maskMailSecrets', () => {
  it('masks notice and invitation tokens in links, and codes in code mails only', () => {
    const notice = 'Open https://portal.example/notices/rnt_abc.1790000000.Zm9v_-bar (or its PDF https://portal.example/notices/rnt_abc.1790000000.Zm9v_-bar/notice.pdf).';
    expect(maskMailSecrets(notice, 'recall.notice')).toBe('Open https://portal.example/notices/[hidden] (or its PDF https://portal.example/notices/[hidden]/notice.pdf).');
    expect(maskMailSecrets('Set it at http://127.0.0.1:5173/invite/inv_abcdefgh\n', 'user.invitation')).toBe('Set it at http://127.0.0.1:5173/invite/[hidden]\n');
    expect(maskMailSecrets('Your code: 042917. Recall 123456789.', 'recall.notice_claim_code')).toBe('Your code: [hidden]. Recall 123456789.');
    expect(maskMailSecrets('Lot 042917 is affected.', 'recall.notice')).toBe('Lot 042917 is affected.');
  });
});
