import { describe, expect, it } from 'vitest';
import { followUpLevel, followUpsDue, longestReminderLeadMs, minimumGapAfterNoticeMs, nextFollowUp } from './follow-up-schedule.ts';

const deadline = '2026-03-10T12:00:00.000Z';
const hours = (h: number) => new Date(Date.parse(deadline) + h * 3_600_000).toISOString();
const days = (d: number) => hours(24 * d);

describe('followUpsDue', () => {
  it('severity 1: reminder 24 h before the deadline, second notice 24 h after, final 72 h after', () => {
    expect(followUpsDue(1, deadline, days(-5))).toEqual([
      { kind: 'reminder', dueAt: days(-1) },
      { kind: 'second_notice', dueAt: days(1) },
      { kind: 'final_notice', dueAt: days(3) },
    ]);
  });

  it('severity 2: 3 days before, 2 and 7 days after', () => {
    expect(followUpsDue(2, deadline, days(-10))).toEqual([
      { kind: 'reminder', dueAt: days(-3) },
      { kind: 'second_notice', dueAt: days(2) },
      { kind: 'final_notice', dueAt: days(7) },
    ]);
  });

  it('severity 3: 5 days before, 5 and 14 days after', () => {
    expect(followUpsDue(3, new Date(deadline), new Date(days(-20)))).toEqual([
      { kind: 'reminder', dueAt: days(-5) },
      { kind: 'second_notice', dueAt: days(5) },
      { kind: 'final_notice', dueAt: days(14) },
    ]);
  });

  it('drops a reminder that would come less than a day after the notice (sent 2 h before the reminder time)', () => {
    // Severity 1, notice sent 26 h before the deadline: the reminder time is 2 h after it.
    expect(followUpsDue(1, deadline, hours(-26)).map((f) => f.kind)).toEqual(['second_notice', 'final_notice']);
    // Exactly a day between the notice and the reminder time: it is sent.
    expect(followUpsDue(1, deadline, hours(-48))[0]).toEqual({ kind: 'reminder', dueAt: days(-1) });
    expect(followUpsDue(1, deadline, hours(-47)).map((f) => f.kind)).toEqual(['second_notice', 'final_notice']);
    expect(minimumGapAfterNoticeMs).toBe(86_400_000);
  });

  it('a notice sent after the deadline: no reminder, the second notice a day after it, the final keeping its distance', () => {
    expect(followUpsDue(1, deadline, hours(12))).toEqual([
      { kind: 'second_notice', dueAt: hours(36) },
      { kind: 'final_notice', dueAt: hours(36 + 48) },
    ]);
    // Sent early enough that the second notice is a day or more after it: nothing moves.
    expect(followUpsDue(2, deadline, hours(1))).toEqual([
      { kind: 'second_notice', dueAt: days(2) },
      { kind: 'final_notice', dueAt: days(7) },
    ]);
  });

  it('refuses a deadline that is not an instant', () => {
    expect(() => followUpsDue(2, 'soon', days(-3))).toThrow(RangeError);
  });

  it('the longest reminder lead is severity 3’s five days', () => {
    expect(longestReminderLeadMs).toBe(5 * 86_400_000);
  });
});

describe('nextFollowUp', () => {
  const schedule = followUpsDue(2, deadline, days(-10));
  const at = (iso: string) => new Date(iso);

  it('nothing before the reminder time, the reminder from its time on', () => {
    expect(nextFollowUp(schedule, 0, at(hours(-72 - 1 / 60)))).toBeUndefined();
    expect(nextFollowUp(schedule, 0, at(days(-3)))).toEqual({ send: { kind: 'reminder', dueAt: days(-3) }, passed: [] });
  });

  it('nothing again once that level was sent, until the next one is due', () => {
    expect(nextFollowUp(schedule, 1, at(days(1)))).toBeUndefined();
    expect(nextFollowUp(schedule, 1, at(days(2)))).toMatchObject({ send: { kind: 'second_notice' }, passed: [] });
    expect(nextFollowUp(schedule, 3, at(days(100)))).toBeUndefined();
  });

  it('several due at once (server down): only the most advanced one, the earlier ones passed', () => {
    expect(nextFollowUp(schedule, 0, at(days(8)))).toEqual({
      send: { kind: 'final_notice', dueAt: days(7) },
      passed: [
        { kind: 'reminder', dueAt: days(-3) },
        { kind: 'second_notice', dueAt: days(2) },
      ],
    });
    expect(nextFollowUp(schedule, 1, at(days(8)))).toMatchObject({ send: { kind: 'final_notice' }, passed: [{ kind: 'second_notice' }] });
  });

  it('levels follow the order of the kinds', () => {
    expect([followUpLevel('reminder'), followUpLevel('second_notice'), followUpLevel('final_notice')]).toEqual([1, 2, 3]);
  });
});
