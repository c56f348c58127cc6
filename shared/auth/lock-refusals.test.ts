import { describe, expect, it } from 'vitest';
import { translateProblem } from '../i18n/index.ts';
import { lockedRefusal, sourceBlockedRefusal } from './lock-refusals.ts';

describe('lock refusals', () => {
  it('carry the lock time (HH:MM UTC) as data, worded in both languages', () => {
    const locked = lockedRefusal('too many failed sign-ins', '2026-03-02T09:30:00.000Z');
    expect(locked).toMatchObject({ code: 'account_locked', status: 423, message: 'too many failed sign-ins' });
    expect(locked.problems).toEqual({ account: { code: 'auth.accountLocked', params: { time: '09:30' } } });
    expect(translateProblem('en', locked.problems!.account!)).toBe('Too many failed sign-ins: this account is locked until 09:30 UTC. Ask your administrator to unlock it sooner.');
    expect(translateProblem('zh-CN', locked.problems!.account!)).toContain('UTC 09:30');

    const blocked = sourceBlockedRefusal('2026-03-02T10:05:00.000Z');
    expect(blocked).toMatchObject({ code: 'too_many_attempts', status: 429, message: 'too many failed sign-ins from this network: try again after 10:05 UTC' });
    expect(blocked.problems).toEqual({ source: { code: 'auth.sourceBlocked', params: { time: '10:05' } } });
    expect(translateProblem('en', blocked.problems!.source!)).toBe('Too many failed sign-ins from your network. Try again after 10:05 UTC.');
  });
});
