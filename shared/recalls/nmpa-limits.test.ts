import { describe, expect, it } from 'vitest';
import { addWorkingDays, decisionInstant, nmpaLevelOf, nmpaLimits, nmpaNeedsAttention, type NmpaConsigneeInput, type NmpaLevel } from './nmpa-limits.ts';

// 医疗器械召回管理办法 (令第29号) 第十四条: level 1 within 1 day, 2 within 3 days, 3 within 7 days of
// the decision; 第十六条: report form immediately, plan within 5 working days; 第二十二条: summary
// within 10 working days of completion.
const decided = '2026-03-02T08:00:00.000Z'; // a Monday
const at = (iso: string) => new Date(iso);
const told = (organisationId: string, notifiedAt: string | null): NmpaConsigneeInput => ({ organisationId, name: organisationId, notifiedAt });

describe('NMPA notification limits', () => {
  it.each([
    [1, '2026-03-03T08:00:00.000Z'],
    [2, '2026-03-05T08:00:00.000Z'],
    [3, '2026-03-09T08:00:00.000Z'],
  ] as [NmpaLevel, string][])('level %i: every consignee notified by %s [REQ-NMPA-02]', (level, notifyBy) => {
    const l = nmpaLimits({ level, decidedAt: decided, consignees: [] }, at(decided));
    expect(l.notifyBy).toBe(notifyBy);
    expect(l.reportBy).toBe(decided);
    expect(l.planBy).toBe('2026-03-09T08:00:00.000Z');
  });

  it('a notice sent at the limit is in time, one a minute later is late', () => {
    const l = nmpaLimits({ level: 1, decidedAt: decided, consignees: [told('a', '2026-03-03T08:00:00.000Z'), told('b', '2026-03-03T08:01:00.000Z')] }, at('2026-03-04T00:00:00Z'));
    expect(l.consignees.map((c) => c.timing)).toEqual(['in_time', 'late']);
    expect([l.notifiedInTime, l.notifiedLate, l.notNotified]).toEqual([1, 1, 0]);
    expect(l.status).toBe('late');
    expect(nmpaNeedsAttention(l)).toBe(false);
  });

  it('every consignee notified in time: met, whatever the clock says later', () => {
    const l = nmpaLimits({ level: 2, decidedAt: decided, consignees: [told('a', '2026-03-02T09:00:00Z')] }, at('2026-04-01T00:00:00Z'));
    expect(l.status).toBe('met');
  });

  it('a consignee not notified: on track with a quarter or more of the limit left, at risk below, overdue after', () => {
    const consignees = [told('a', '2026-03-02T09:00:00Z'), told('b', null)];
    // Level 3: 7 days = 168 h; a quarter is 42 h before the limit (2026-03-07T14:00Z).
    const status = (now: string) => nmpaLimits({ level: 3, decidedAt: decided, consignees }, at(now));
    expect(status('2026-03-07T14:00:00Z').status).toBe('on_track');
    expect(status('2026-03-07T14:00:01Z').status).toBe('at_risk');
    expect(status('2026-03-09T08:00:00Z').status).toBe('at_risk');
    const over = status('2026-03-09T08:00:01Z');
    expect(over.status).toBe('overdue');
    expect(over.consignees.map((c) => c.timing)).toEqual(['in_time', 'overdue']);
    expect(over.shareLeft).toBe(0);
    expect(nmpaNeedsAttention(status('2026-03-07T14:00:00Z'))).toBe(false);
    expect(nmpaNeedsAttention(status('2026-03-08T00:00:00Z'))).toBe(true);
    expect(nmpaNeedsAttention(over)).toBe(true);
  });

  it('level 1: at risk in the last 6 hours of the day', () => {
    const l = (now: string) => nmpaLimits({ level: 1, decidedAt: decided, consignees: [told('a', null)] }, at(now)).status;
    expect(l('2026-03-03T02:00:00Z')).toBe('on_track');
    expect(l('2026-03-03T02:00:01Z')).toBe('at_risk');
  });

  it('the summary is due 10 working days after completion; none while the recall runs', () => {
    expect(nmpaLimits({ level: 2, decidedAt: decided, consignees: [] }, at(decided)).summaryBy).toBeNull();
    expect(nmpaLimits({ level: 2, decidedAt: decided, completedAt: '2026-03-13T10:00:00.000Z', consignees: [] }, at(decided)).summaryBy).toBe('2026-03-27T10:00:00.000Z');
  });
});

describe('working days', () => {
  it('skip Saturday and Sunday', () => {
    expect(addWorkingDays('2026-03-06T12:00:00.000Z', 1)).toBe('2026-03-09T12:00:00.000Z'); // Friday → Monday
    expect(addWorkingDays('2026-03-07T12:00:00.000Z', 1)).toBe('2026-03-09T12:00:00.000Z'); // Saturday → Monday
    expect(addWorkingDays('2026-03-02T12:00:00.000Z', 5)).toBe('2026-03-09T12:00:00.000Z');
  });
});

describe('the decision and the level', () => {
  it('the decision is the payload’s decidedAt when given, else the recall’s issue', () => {
    expect(decisionInstant({}, '2026-03-02T08:00:00Z')).toBe('2026-03-02T08:00:00.000Z');
    expect(decisionInstant({ decidedAt: '2026-03-01T20:00:00+08:00' }, '2026-03-02T08:00:00Z')).toBe('2026-03-01T12:00:00.000Z');
    expect(decisionInstant({ decidedAt: 'soon' }, '2026-03-02T08:00:00Z')).toBe('2026-03-02T08:00:00.000Z');
  });

  it('a decision before the issue moves the limit earlier', () => {
    const l = nmpaLimits({ level: 1, decidedAt: decisionInstant({ decidedAt: '2026-03-01T08:00:00Z' }, decided), consignees: [told('a', '2026-03-02T09:00:00Z')] }, at(decided));
    expect(l.notifyBy).toBe('2026-03-02T08:00:00.000Z');
    expect(l.status).toBe('late');
  });

  it('the level comes from the CN-NMPA classification only', () => {
    expect(nmpaLevelOf([{ jurisdiction: 'US-FDA', class: 'I' }, { jurisdiction: 'CN-NMPA', class: '3' }])).toBe(3);
    expect(nmpaLevelOf([{ jurisdiction: 'US-FDA', class: 'I' }])).toBeNull();
    expect(nmpaLevelOf([{ jurisdiction: 'CN-NMPA', class: '4' }])).toBeNull();
  });
});
