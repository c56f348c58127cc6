import { describe, expect, it } from 'vitest';
import { noticeDeadline } from './issue-notices.ts';
import { followUpsDue } from './follow-up-schedule.ts';

describe('a notice’s own reply deadline', () => {
  const recall = { severity: 2 as const, response_deadline: '2026-03-12T23:59:59.999Z' };

  it('is the recall’s at the release, even when it is shorter than the default reply time', () => {
    expect(noticeDeadline({ ...recall, state: 'received' }, new Date('2026-03-10T09:00:00Z'))).toBe(recall.response_deadline);
  });

  it('gives a consignee added after the release at least the default reply time of the severity from its own notice', () => {
    expect(noticeDeadline({ ...recall, state: 'open' }, new Date('2026-03-11T09:00:00Z'))).toBe('2026-03-21T09:00:00.000Z');
    expect(noticeDeadline({ ...recall, severity: 1, state: 'open' }, new Date('2026-03-11T09:00:00Z'))).toBe('2026-03-16T09:00:00.000Z');
    // Added early enough, the recall's later deadline stands.
    expect(noticeDeadline({ ...recall, state: 'open' }, new Date('2026-03-01T09:00:00Z'))).toBe(recall.response_deadline);
  });

  it('so its follow-ups start from its notice: a reminder before its deadline, nothing overdue the next day', () => {
    const sentAt = new Date('2026-03-14T09:00:00Z'); // after the recall's deadline
    const schedule = followUpsDue(2, noticeDeadline({ ...recall, state: 'open' }, sentAt), sentAt);
    expect(schedule).toEqual([
      { kind: 'reminder', dueAt: '2026-03-21T09:00:00.000Z' },
      { kind: 'second_notice', dueAt: '2026-03-26T09:00:00.000Z' },
      { kind: 'final_notice', dueAt: '2026-03-31T09:00:00.000Z' },
    ]);
  });
});
