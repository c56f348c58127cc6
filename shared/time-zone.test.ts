import { describe, expect, it } from 'vitest';
import { canonicalTimeZone, endOfDayIn, formatInstantIn, offsetMinutes, todayIn } from './time-zone.ts';

describe('todayIn', () => {
  it("gives a Beijing user's today at 04:00 local time, when the UTC date is still the day before", () => {
    const fourInBeijing = new Date('2026-03-06T20:00:00Z'); // 2026-03-07 04:00 in Asia/Shanghai
    expect(todayIn('Asia/Shanghai', fourInBeijing)).toBe('2026-03-07');
    expect(todayIn('UTC', fourInBeijing)).toBe('2026-03-06');
  });

  it("gives a US distributor's today in the evening, when the UTC date is already the next day", () => {
    expect(todayIn('America/Chicago', new Date('2026-07-01T03:30:00Z'))).toBe('2026-06-30');
  });
});

describe('endOfDayIn', () => {
  it('is the last instant of the date in the zone, stored as UTC', () => {
    expect(endOfDayIn('2026-03-07', 'Europe/Berlin')).toBe('2026-03-07T22:59:59.999Z');
    expect(endOfDayIn('2026-03-07', 'Asia/Shanghai')).toBe('2026-03-07T15:59:59.999Z');
    expect(endOfDayIn('2026-03-07', 'UTC')).toBe('2026-03-07T23:59:59.999Z');
  });

  it('follows daylight saving time: Berlin switches to UTC+2 on 2026-03-29 and back on 2026-10-25', () => {
    expect(endOfDayIn('2026-03-28', 'Europe/Berlin')).toBe('2026-03-28T22:59:59.999Z');
    expect(endOfDayIn('2026-03-29', 'Europe/Berlin')).toBe('2026-03-29T21:59:59.999Z');
    expect(endOfDayIn('2026-10-24', 'Europe/Berlin')).toBe('2026-10-24T21:59:59.999Z');
    expect(endOfDayIn('2026-10-25', 'Europe/Berlin')).toBe('2026-10-25T22:59:59.999Z');
  });

  it('follows US daylight saving time (New York: UTC-5, from 2026-03-08 UTC-4)', () => {
    expect(endOfDayIn('2026-03-07', 'America/New_York')).toBe('2026-03-08T04:59:59.999Z');
    expect(endOfDayIn('2026-03-08', 'America/New_York')).toBe('2026-03-09T03:59:59.999Z');
  });

  it('finds the day even where a zone skips midnight (Santiago springs forward at 00:00)', () => {
    // 2026-09-06 00:00 does not exist in America/Santiago: clocks go from 23:59:59 (UTC-4) to 01:00 (UTC-3).
    const end = endOfDayIn('2026-09-05', 'America/Santiago');
    expect(end).toBe('2026-09-06T03:59:59.999Z');
    expect(todayIn('America/Santiago', new Date(end))).toBe('2026-09-05');
    expect(todayIn('America/Santiago', new Date(Date.parse(end) + 1))).toBe('2026-09-06');
  });
});

describe('formatInstantIn', () => {
  it("shows a deadline to a US distributor in its own zone, with the zone and offset named", () => {
    // QA in Berlin set "2026-03-07": the end of that day in Berlin.
    const deadline = endOfDayIn('2026-03-07', 'Europe/Berlin');
    expect(formatInstantIn(deadline, 'Europe/Berlin')).toBe('2026-03-07 23:59 (Europe/Berlin, UTC+1)');
    expect(formatInstantIn(deadline, 'America/Chicago')).toBe('2026-03-07 16:59 (America/Chicago, UTC-6)');
    expect(formatInstantIn(deadline, 'America/New_York')).toBe('2026-03-07 17:59 (America/New_York, UTC-5)');
    expect(formatInstantIn(deadline, 'UTC')).toBe('2026-03-07 22:59 UTC');
  });

  it('names the offset in force at that instant (summer time) and half hours', () => {
    expect(formatInstantIn('2026-07-01T12:00:00Z', 'Europe/Berlin')).toBe('2026-07-01 14:00 (Europe/Berlin, UTC+2)');
    expect(formatInstantIn('2026-07-01T12:00:00Z', 'Asia/Kolkata')).toBe('2026-07-01 17:30 (Asia/Kolkata, UTC+5:30)');
    expect(offsetMinutes('America/New_York', new Date('2026-07-01T12:00:00Z'))).toBe(-240);
  });

  it('answers a repeated instant and zone as before, and a change of either anew (the last answer is kept)', () => {
    const asked = [
      ['2026-07-01T12:00:00Z', 'Europe/Berlin', '2026-07-01 14:00 (Europe/Berlin, UTC+2)'],
      ['2026-07-01T12:00:00Z', 'Europe/Berlin', '2026-07-01 14:00 (Europe/Berlin, UTC+2)'],
      ['2026-07-01T12:00:00Z', 'Asia/Shanghai', '2026-07-01 20:00 (Asia/Shanghai, UTC+8)'],
      ['2026-01-01T12:00:00Z', 'Asia/Shanghai', '2026-01-01 20:00 (Asia/Shanghai, UTC+8)'],
      ['2026-01-01T12:00:00Z', 'Europe/Berlin', '2026-01-01 13:00 (Europe/Berlin, UTC+1)'],
    ] as const;
    for (const [iso, zone, text] of asked) expect(formatInstantIn(iso, zone)).toBe(text);
  });
});

describe('canonicalTimeZone', () => {
  it('accepts IANA names and refuses offsets, abbreviations and unknown names', () => {
    expect(canonicalTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(canonicalTimeZone(' Asia/Shanghai ')).toBe('Asia/Shanghai');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    for (const bad of ['', 'CET', '+01:00', 'Europe/Nowhere', 'Mars/Olympus_Mons', 'europe berlin']) expect(canonicalTimeZone(bad)).toBeUndefined();
  });
});
